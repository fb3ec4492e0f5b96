"""The body of `guidekit diff`, without Typer.

The Typer command (guidekit.cli.diff) and the start-up fast path
(guidekit.cli.entry, with guidekit.cli.diff_args) both run a DiffRequest
through run_diff, so the two cannot drift apart. Engines and reporters are
imported when the diff runs, so that other commands do not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from guidekit.errors import ExitCode
from guidekit.loading.root import guidance_root

__all__ = ["DIFF_FORMATS", "GATES", "DiffRequest", "run_diff"]

DIFF_FORMATS = ("text", "markdown", "json", "html")
GATES = ("breaking", "stricter", "looser", "editorial", "metadata")


class DiffRequest(NamedTuple):
    """What `guidekit diff` was asked for. Field names and defaults are the Typer
    command's parameters (tests/cli/test_diff_fastpath.py keeps them in step)."""

    base: str = "HEAD"
    head: str | None = None
    root: Path | None = None
    fmt: str = "text"
    fail_on: tuple[str, ...] = ()
    output: Path | None = None
    path: tuple[str, ...] = ()
    max_chars: int = 60_000
    verbose: bool = False


def run_diff(request: DiffRequest) -> int:
    """Write the report; the exit code: 1 when a --fail-on impact is present, else 0."""
    from guidekit.diff import diff_revisions  # nothing heavy: it starts git, then loads the engine

    changes = diff_revisions(guidance_root(request.root), request.base, request.head, paths=request.path)
    from guidekit.cli.streams import output_stream, use_color
    from guidekit.diff.model import Impact
    from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter

    reporter = get_diff_reporter(request.fmt)
    color = request.fmt == "text" and use_color(request.output)
    options = DiffReportOptions(color=color, verbose=request.verbose, max_chars=request.max_chars)
    with output_stream(request.output) as stream:
        reporter(changes, stream, options)
    tripped = [Impact(gate) for gate in request.fail_on if changes.has(Impact(gate))]
    if tripped:
        from guidekit.cli.outcome import echo_err

        parts = []
        for impact in tripped:
            docs = [d.id for d in changes.documents if impact in d.impacts]
            shown = ", ".join(docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")
            parts.append(f"{impact.value} changes in {len(docs)} document{'s' * (len(docs) != 1)} ({shown})")
        echo_err(f"guidekit: failed: --fail-on {', '.join(t.value for t in tripped)}: {'; '.join(parts)}")
        return ExitCode.FINDINGS
    return ExitCode.OK
