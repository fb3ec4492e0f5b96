"""The interface every diff reporter implements, the registry of formats, shared bits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from guidekit.plugins import load_entry

if TYPE_CHECKING:
    from guidekit.diff.model import ChangeSet

__all__ = ["DIFF_REPORTERS", "MARKDOWN_LIMIT", "DiffReportOptions", "DiffReporter", "get_diff_reporter"]

MARKDOWN_LIMIT = 60_000  # a GitHub comment holds 65,536 characters; keep a margin


@dataclass(frozen=True, slots=True)
class DiffReportOptions:
    color: bool = False
    verbose: bool = False
    max_chars: int = MARKDOWN_LIMIT  # markdown only
    width: int | None = None  # text only; None: the terminal's


class DiffReporter(Protocol):
    def __call__(self, changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None: ...


# format -> "module:function", imported on first use
DIFF_REPORTERS: dict[str, str] = {
    "text": "guidekit.report.diff_text:write_text",
    "markdown": "guidekit.report.diff_markdown:write_markdown",
    "json": "guidekit.report.diff_json:write_json",
    "html": "guidekit.report.diff_html:write_html",
}


def get_diff_reporter(fmt: str) -> DiffReporter:
    reporter: DiffReporter = load_entry(DIFF_REPORTERS, fmt)
    return reporter

