"""Text for a terminal: one line per case, the path taken, where it diverged, coverage.

The last line is always ``N passed, N failed`` on its own, so scripts can grep it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape

from guidekit.report.base import plural
from guidekit.report.escape import one_line
from guidekit.report.paths import report_prefix, shown, shown_span
from guidekit.report.sop import SuiteReportOptions
from guidekit.sop.coverage import Coverage, Metric

if TYPE_CHECKING:
    from guidekit.sop.runner import CaseResult, SuiteRun

__all__ = ["write_text"]


def _esc(text: str) -> str:
    """User text for a rich line: markup escaped, control characters and newlines shown."""
    return escape(one_line(text))


def _metric(m: Metric) -> str:
    return f"{m.name} {m.covered}/{m.total} ({m.percent:.1f}%)"


def _coverage_line(c: Coverage) -> str:
    return "  ".join(_metric(m) for m in c.all())


def _case(console: Console, r: CaseResult, options: SuiteReportOptions, prefix: str) -> None:
    c = r.case
    market = f" [{c.market}]" if c.market else ""
    if r.passed:
        console.print(f"  [green]PASS[/] {_esc(c.id)}{_esc(market)}")
        if options.verbose:
            for path in r.paths():
                console.print(f"       [dim]path: {_esc(path)}[/]")
    else:
        console.print(f"  [red]FAIL[/] {_esc(c.id)}{_esc(market)}  "
                      f"[dim]{_esc(str(shown_span(prefix, c.loc.span())))}[/]")
        for msg in r.failures:
            console.print(f"       {_esc(msg)}")
        for path in r.paths():
            console.print(f"       [dim]path: {_esc(path)}[/]")
    if options.verbose or not r.passed:
        for note in r.notes:
            console.print(f"       [dim]note: {_esc(note)}[/]")


def write_text(run: SuiteRun, stream: TextIO, options: SuiteReportOptions) -> None:
    console = Console(file=stream, force_terminal=options.color, no_color=not options.color,
                      highlight=False, soft_wrap=True, width=200)
    prefix = report_prefix(run.root)
    for f in run.problems:
        console.print(f"[red]error[/] {_esc(str(shown_span(prefix, f.span)))}: "
                      f"{_esc(f.message)} [dim]({f.rule})[/]")
    if run.problems:
        console.print()
    for s in run.sops:
        console.print(f"[bold]{_esc(s.sop.id)}[/] [dim]{_esc(shown(prefix, s.sop.source.rel))}[/]")
        if not s.results:
            console.print("  [yellow]no cases[/]")
        for r in s.results:
            _case(console, r, options, prefix)
        console.print()
    if run.sops:
        console.print("[bold]coverage[/]")
        width = max(len(s.sop.id) for s in run.sops)
        for s in run.sops:
            console.print(f"  {_esc(s.sop.id):<{width}}  {_coverage_line(s.coverage)}")
        console.print(f"  {'total':<{width}}  {_coverage_line(run.coverage)}")
        missed = [(s.sop.id, m) for s in run.sops for metric in s.coverage.all()
                  for m in metric.missed]
        if missed:
            console.print("  not reached by any case:")
            listed = missed if options.verbose else missed[:20]
            for sop_id, m in listed:
                console.print(f"    {_esc(sop_id)} {_esc(m.what)}  "
                              f"[dim]{_esc(str(shown_span(prefix, m.loc.span())))}[/]")
            if len(listed) < len(missed):
                console.print(f"    ... and {len(missed) - len(listed)} more (--verbose lists all)")
        console.print()
    if options.min_coverage is not None:
        low = run.below(options.min_coverage, options.coverage_of)
        for name in low:
            console.print(f"[red]coverage of {name} is {run.coverage.metric(name).percent:.1f}%, "
                          f"below --min-coverage {options.min_coverage:g}%[/]")
    if run.problems:
        console.print(f"[red]{plural(len(run.problems), 'file problem')}: some cases could not run[/]")
    took = f" in {options.elapsed:.2f}s" if options.elapsed is not None else ""
    if took:
        ran = f"{plural(len(run.results), 'case')} of {plural(len(run.sops), 'SOP')}"
        console.print(f"[dim]ran {ran}{took}[/]")
    # plain, uncoloured and last: CI scripts look for this line
    stream.write(f"{run.passed} passed, {run.failed} failed\n")
