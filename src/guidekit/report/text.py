"""Text for people at a terminal: grouped by file, each finding with its line and a caret.

A plain writer (ANSI styles when colour is on): its cost grows with the
findings, one line each and a source line read from lines split once per
file. Nothing a user wrote reaches the terminal as a control character: paths,
messages and source lines go through guidekit.report.escape (newlines in paths
and messages show as ``\n``).
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from guidekit.findings import Finding, Severity, format_json_path
from guidekit.report.base import ReportOptions, plural
from guidekit.report.escape import cells, one_line
from guidekit.report.paths import report_prefix, shown, shown_span

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["write_text"]

_SGR = {"bold": "1", "dim": "2", "underline": "4", "red": "31", "green": "32", "yellow": "33",
        "cyan": "36"}
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not style:
            return text
        codes = ";".join(_SGR[s] for s in style.split())
        return f"\x1b[{codes}m{text}\x1b[0m"


def _source_line(result: CheckResult, f: Finding) -> str | None:
    src = result.sources.get(f.span.path)
    if src is None or not src.text:
        return None
    line = src.line_text(f.span.line)
    return line if line.strip() else None


_WINDOW = 100  # at most this many cells of a source line are shown


def excerpt(line: str, col: int, width: int) -> tuple[str, int, int]:
    """The part of ``line`` to show and where the caret goes, in terminal cells.

    Tabs are expanded and wide characters (CJK, emoji) counted as two cells, so
    the caret sits under the 1-based character column ``col``; a long line is cut
    to a window around the column.
    """
    start = 0
    if len(line) > _WINDOW:
        start = max(0, min(col - 1 - _WINDOW // 3, len(line) - _WINDOW))
    shown = line[start : start + _WINDOW]
    before = shown[: max(0, col - 1 - start)]
    target = shown[max(0, col - 1 - start) : max(0, col - 1 - start) + width]
    prefix = "…" if start else ""
    suffix = "…" if start + _WINDOW < len(line) else ""
    offset = cells(prefix + before.expandtabs(4))
    marks = max(1, cells(target.expandtabs(4)))
    text = prefix + shown.expandtabs(4) + suffix
    return text, offset, marks


def write_text(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    paint = _Painter(options.color)
    prefix = report_prefix(result.root) if result.findings else ""  # asks git: only to show a path
    out: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.span.path):
        out.append(paint(one_line(shown(prefix, path)), "bold underline"))
        for f in group:
            sev = paint(f.severity.value, _STYLE[f.severity])
            out.append(f"  {one_line(str(shown_span(prefix, f.span)))}: {sev} {paint(f.rule, 'dim')} "
                       f"{one_line(f.message)} {paint(f'({f.name})', 'dim')}")
            line = _source_line(result, f)
            if line is not None:
                width = 1
                if f.span.end_line == f.span.line and f.span.end_col:
                    width = max(1, f.span.end_col - f.span.col)
                part, offset, marks = excerpt(one_line(line), f.span.col, width)
                out.append(f"    {f.span.line:>5} | {part}")
                out.append(f"          | {' ' * offset}{paint('^' * marks, _STYLE[f.severity])}")
            if f.json_path is not None and options.verbose:
                out.append("          " + paint(f"at {one_line(format_json_path(f.json_path))}", "dim"))
            notes = f.notes if options.verbose else f.notes[:1]
            out.extend("          " + paint(f"= {one_line(note)}", "dim") for note in notes)
            if f.fix:
                out.append(f"          {paint('fix:', 'green')} {one_line(f.fix)}")
        out.append("")
        if len(out) > 4096:
            stream.write("\n".join(out) + "\n")
            out = []
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    files = plural(len(result.files), "file")
    took = f" in {options.elapsed:.2f}s" if options.elapsed is not None else ""
    if not result.findings:
        out.append(f"{paint('✓', 'green')} {files} checked, no findings{took}")
    else:
        bad = len({f.span.path for f in result.findings})
        parts = [plural(errors, "error"), plural(warnings, "warning")]
        if infos:
            parts.append(plural(infos, "info"))
        mark = paint("✗", "red") if errors else paint("!", "yellow")
        out.append(f"{mark} {', '.join(parts)} in {plural(bad, 'file')} ({files} checked{took})")
    stream.write("\n".join(out) + "\n")
