"""Text for people at a terminal: grouped by file, each finding with its line and a caret."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

from guidekit.findings import Finding, Severity, format_json_path
from guidekit.report.base import ReportOptions, plural
from guidekit.report.paths import report_prefix, shown, shown_span

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["write_text"]

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


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
    offset = cell_len(prefix + before.expandtabs(4))
    marks = max(1, cell_len(target.expandtabs(4)))
    text = prefix + shown.expandtabs(4) + suffix
    return text, offset, marks


def write_text(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    console = Console(file=stream, force_terminal=options.color, no_color=not options.color,
                      highlight=False, soft_wrap=True, width=200)
    prefix = report_prefix(result.root)
    for path, group in groupby(result.findings, key=lambda f: f.span.path):
        console.print(f"[bold underline]{escape(shown(prefix, path))}[/]")
        for f in group:
            sev = f"[{_STYLE[f.severity]}]{f.severity.value}[/]"
            console.print(
                f"  {escape(str(shown_span(prefix, f.span)))}: {sev} [dim]{f.rule}[/] "
                f"{escape(f.message)} [dim]({f.name})[/]"
            )
            line = _source_line(result, f)
            if line is not None:
                width = 1
                if f.span.end_line == f.span.line and f.span.end_col:
                    width = max(1, f.span.end_col - f.span.col)
                part, offset, marks = excerpt(line, f.span.col, width)
                console.print(f"    {f.span.line:>5} | {escape(part)}")
                console.print(f"          | {' ' * offset}[{_STYLE[f.severity]}]{'^' * marks}[/]")
            if f.json_path is not None and options.verbose:
                console.print(f"          [dim]at {escape(format_json_path(f.json_path))}[/]")
            notes = f.notes if options.verbose else f.notes[:1]
            for note in notes:
                console.print(f"          [dim]= {escape(note)}[/]")
            if f.fix:
                console.print(f"          [green]fix:[/] {escape(f.fix)}")
        console.print()
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    files = plural(len(result.files), "file")
    took = f" in {options.elapsed:.2f}s" if options.elapsed is not None else ""
    if not result.findings:
        console.print(f"[green]✓[/] {files} checked, no findings{took}")
        return
    bad = len({f.span.path for f in result.findings})
    parts = [plural(errors, "error"), plural(warnings, "warning")]
    if infos:
        parts.append(plural(infos, "info"))
    mark = "[red]✗[/]" if errors else "[yellow]![/]"
    console.print(f"{mark} {', '.join(parts)} in {plural(bad, 'file')} ({files} checked{took})")
