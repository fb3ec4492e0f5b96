"""Reporters for `guidekit test`: each turns a SuiteRun into one format on a stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TextIO

from guidekit.plugins import load_entry
from guidekit.sop.coverage import DEFAULT_METRICS

if TYPE_CHECKING:
    from guidekit.sop.runner import SuiteRun

__all__ = ["SUITE_REPORTERS", "SuiteReportOptions", "SuiteReporter", "get_suite_reporter"]


@dataclass(frozen=True)
class SuiteReportOptions:
    verbose: bool = False
    color: bool = False
    elapsed: float | None = None
    min_coverage: float | None = None
    coverage_of: tuple[str, ...] = field(default=DEFAULT_METRICS)


class SuiteReporter(Protocol):
    def __call__(self, run: SuiteRun, stream: TextIO, options: SuiteReportOptions) -> None: ...


SUITE_REPORTERS: dict[str, str] = {
    "text": "guidekit.report.sop.text:write_text",
    "json": "guidekit.report.sop.json_report:write_json",
    "junit": "guidekit.report.sop.junit:write_junit",
}


def get_suite_reporter(fmt: str) -> SuiteReporter:
    reporter: SuiteReporter = load_entry(SUITE_REPORTERS, fmt)
    return reporter
