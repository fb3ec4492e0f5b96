"""The interface every diff reporter implements, the registry of formats, shared bits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple, Protocol, TextIO

from guidekit.plugins import load_entry

if TYPE_CHECKING:
    from guidekit.diff.model import ChangeSet
    from guidekit.diff.redline import Segment

__all__ = ["DIFF_REPORTERS", "MARKDOWN_LIMIT", "DiffReportOptions", "DiffReporter", "get_diff_reporter",
           "render_segments"]

MARKDOWN_LIMIT = 60_000  # a GitHub comment holds 65,536 characters; keep a margin


class DiffReportOptions(NamedTuple):
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


_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _href(target: str) -> str | None:
    """A link target fit for a reader's click: web and mail links, or relative ones."""
    low = target.strip().lower()
    if low.startswith(_SAFE_SCHEMES) or (low and ":" not in low.split("/", 1)[0]):
        return target.strip()
    return None


def render_segments(segments: Iterable[Segment], esc: Callable[[str], str]) -> list[str]:
    """Each segment of a reader's redline as HTML that closes every tag it opens (so a
    cut between two segments never leaves one open): <del>/<ins> around <a>, <b>,
    <i> and <code>, in that order. ``esc`` escapes text for the output format."""
    from html import escape

    out = []
    for seg in segments:
        text = seg.text.rstrip(" ")
        t = esc(text)  # the space after the text stays outside its tags
        if seg.code:
            t = f"<code>{t}</code>"
        if seg.italic:
            t = f"<i>{t}</i>"
        if seg.bold:
            t = f"<b>{t}</b>"
        href = _href(seg.link) if seg.link else None
        if href:
            t = f'<a href="{escape(href, quote=True)}">{t}</a>'
        if seg.op != "equal":
            tag = "del" if seg.op == "delete" else "ins"
            t = f"<{tag}>{t}</{tag}>"
        out.append(t + " " * (len(seg.text) - len(text)) if text else seg.text)
    return out
