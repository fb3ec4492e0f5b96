"""The one interface every check reporter implements, and the registry of formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from guidekit.plugins import load_entry

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "get_reporter", "plural"]


def plural(n: int, word: str) -> str:
    """``1 file``, ``2 files``: for the summary lines of text reports."""
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class ReportOptions:
    verbose: bool = False
    color: bool = False
    elapsed: float | None = None


class Reporter(Protocol):
    def __call__(self, result: CheckResult, stream: TextIO, options: ReportOptions) -> None: ...


# format -> "module:function"; imported on first use so a run pays only for its format
REPORTERS: dict[str, str] = {
    "text": "guidekit.report.text:write_text",
    "json": "guidekit.report.json_report:write_json",
    "sarif": "guidekit.report.sarif:write_sarif",
    "github": "guidekit.report.github:write_github",
    "junit": "guidekit.report.junit:write_junit",
}


def get_reporter(fmt: str) -> Reporter:
    reporter: Reporter = load_entry(REPORTERS, fmt)
    return reporter
