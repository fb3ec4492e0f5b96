"""`guidekit test`: run the SOPs' labelled cases through their decision trees."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guidekit.cli.common import (
    OUTPUT_OPTION,
    ROOT_OPTION,
    VERBOSE_OPTION,
    choices,
    output_stream,
    resolve_config,
    use_color,
)
from guidekit.cli.outcome import echo_err
from guidekit.errors import ExitCode, GuidekitError
from guidekit.report.sop import SUITE_REPORTERS, SuiteReportOptions, get_suite_reporter
from guidekit.sop.coverage import DEFAULT_METRICS, METRICS
from guidekit.sop.runner import run_sop_tests

if TYPE_CHECKING:
    Format = str
else:
    Format = choices("Format", SUITE_REPORTERS)


def _metrics(values: list[str]) -> tuple[str, ...]:
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    for n in names:
        if n not in METRICS:
            raise GuidekitError(f"--coverage-of: {n!r} is not one of {', '.join(METRICS)}")
    return tuple(dict.fromkeys(names)) or DEFAULT_METRICS


def test(
    paths: list[Path] = typer.Argument(None, metavar="PATH", help="SOP files, case files or folders whose "
                                       "cases to run. Default: every SOP under the root."),
    root: Path | None = ROOT_OPTION,
    fmt: Format = typer.Option("text", "--format", "-f", help="Output format."),
    min_coverage: float | None = typer.Option(None, "--min-coverage", min=0, max=100,
                                              metavar="PCT", help="Fail when coverage of any "
                                              "metric named by --coverage-of is below PCT percent."),
    coverage_of: list[str] = typer.Option([], "--coverage-of", metavar="METRIC",
                                          help="Metrics --min-coverage applies to: nodes, "
                                          "answers, cells (of table nodes), outcomes, rules "
                                          "(repeatable or comma-separated). Default: nodes, "
                                          "answers, cells, outcomes."),
    output: Path | None = OUTPUT_OPTION,
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Run every SOP's labelled cases and report pass/fail, the path taken and coverage.

    A case gives the answers a reviewer would give (and optionally a market);
    the engine walks the decision tree, applies the regional overrides of the
    outcome's rules for that market and compares outcome, actions and rule ids
    with the case's expectations. The text report ends with `N passed, N
    failed`. Exit 0 when every case passes, 1 on a failed case, a file that
    cannot be read or coverage below --min-coverage, 2 on a usage error.
    """
    paths = paths or []
    metrics = _metrics(coverage_of)
    started = time.perf_counter()
    config = resolve_config(root, paths)
    run = run_sop_tests(config, paths)
    elapsed = time.perf_counter() - started
    options = SuiteReportOptions(verbose=verbose, color=use_color(output), elapsed=elapsed,
                                min_coverage=min_coverage, coverage_of=metrics)
    with output_stream(output) as stream:
        get_suite_reporter(str(fmt))(run, stream, options)
    low = run.below(min_coverage, metrics) if min_coverage is not None else []
    if low:
        cov = run.coverage
        below = ", ".join(f"{name} {cov.metric(name).percent:.1f}% ({cov.metric(name).covered} of "
                          f"{cov.metric(name).total})" for name in low)
        echo_err(f"guidekit: failed: coverage below --min-coverage {min_coverage:g}%: {below}")
    if run.failed or run.problems or low:
        raise typer.Exit(ExitCode.FINDINGS)
