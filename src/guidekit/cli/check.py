"""`guidekit check` and `guidekit rules`."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from guidekit.check.engine import Selection, run_check
from guidekit.check.registry import all_rules, get_rule
from guidekit.cli.common import (
    OUTPUT_OPTION,
    ROOT_OPTION,
    VERBOSE_OPTION,
    choice,
    default_format,
    output_stream,
    resolve_config,
    use_color,
)
from guidekit.errors import ExitCode
from guidekit.findings import Severity
from guidekit.report import REPORTERS, ReportOptions, get_reporter


def check(
    paths: list[Path] = typer.Argument(None, help="Files or folders to report on. The whole "
                                       "corpus is always loaded so references resolve."),
    root: Path | None = ROOT_OPTION,
    fmt: str | None = typer.Option(None, "--format", "-f", callback=choice(list(REPORTERS)),
                                   help=f"Output format: {', '.join(REPORTERS)}. Default text, "
                                   "or github when GITHUB_ACTIONS=true."),
    output: Path | None = OUTPUT_OPTION,
    fail_on: str | None = typer.Option(None, "--fail-on", callback=choice(["error", "warning", "info"]),
                                       help="Lowest severity that makes the run exit 1 "
                                       "(default: fail_on in guidekit.yaml, else error)."),
    select: list[str] = typer.Option([], "--select", help="Run only these rules (id, id prefix "
                                     "such as GK2, or name). Repeatable."),
    ignore: list[str] = typer.Option([], "--ignore", help="Skip these rules. Repeatable."),
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Validate guidance against its schemas and the cross-document rules.

    Findings carry file:line:col. Exit 0 when clean, 1 when a finding is at or
    above --fail-on, 2 on a usage or configuration error.
    """
    paths = paths or []
    started = time.perf_counter()
    config = resolve_config(root, paths)
    result = run_check(config, paths, selection=Selection(tuple(select), tuple(ignore)),
                       verbose=verbose)
    elapsed = time.perf_counter() - started
    reporter = get_reporter(default_format(fmt))
    with output_stream(output) as stream:
        reporter(result, stream, ReportOptions(verbose=verbose, color=use_color(output),
                                               elapsed=elapsed))
    threshold = Severity(fail_on) if fail_on else config.fail_on
    if result.failed(threshold):
        raise typer.Exit(ExitCode.FINDINGS)


def rules(
    rule: str | None = typer.Argument(None, help="A rule id or name to explain."),
) -> None:
    """List the check rules, or explain one."""
    console = Console(highlight=False)
    if rule:
        r = get_rule(rule)
        console.print(f"[bold]{r.id}[/] {r.name}  (default severity: {r.severity.value})\n")
        console.print(Markdown(r.doc()))
        if r.options:
            console.print("\n[bold]Options[/] (set under rules: in guidekit.yaml):")
            for k, v in r.options.items():
                console.print(f"  {k}: {v!r}")
        return
    table = Table("id", "name", "severity", "what it finds", box=None, pad_edge=False)
    for r in all_rules():
        table.add_row(r.id, r.name, r.severity.value, r.summary())
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("rules")(rules)
