"""`guidekit fmt`: canonical YAML and front matter, written atomically."""

from __future__ import annotations

from pathlib import Path

import typer

from guidekit.cli.common import ROOT_OPTION, VERBOSE_OPTION, echo_skipped, resolve_config
from guidekit.errors import ExitCode
from guidekit.fmt.files import format_files, unified_diff
from guidekit.fsutil import atomic_write_bytes, sweep_temp_files


def fmt(
    paths: list[Path] = typer.Argument(None, metavar="PATH", help="Files or folders to format (default: all "
                                       "guidance under the root, and guidekit.yaml)."),
    root: Path | None = ROOT_OPTION,
    check: bool = typer.Option(False, "--check", help="Change nothing; print a unified diff of "
                               "what would change and exit 1 if anything would."),
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Format guidance YAML and front matter canonically, losing nothing.

    Known keys follow the schema's order (unknown keys keep theirs, after
    them); indentation is normalised; comments, quoting, block scalars and the
    Markdown body are kept as written. A file that would change meaning is
    reported and left alone. Exit 0 when done (or, with --check, when nothing
    would change), 1 otherwise.
    """
    paths = paths or []
    config = resolve_config(root, paths)
    run = format_files(config, paths)
    if verbose:
        echo_skipped(run.skipped)
    results = run.files
    changed = [r for r in results if r.changed]
    failed = [r for r in results if r.error is not None]
    for r in failed:
        assert r.error is not None
        typer.echo(f"{r.rel}:{r.error.line}:{r.error.col}: error: {r.error.message}")
    if check:
        for r in changed:
            typer.echo(unified_diff(r), nl=False)
        verb = "would reformat"
    else:
        sweep_temp_files(r.path for r in results)  # left by a run that was killed
        for r in changed:
            assert r.after is not None
            atomic_write_bytes(r.path, r.after.encode("utf-8"))
            typer.echo(f"formatted {r.rel}")
        verb = "reformatted"
    unchanged = len(results) - len(changed) - len(failed)
    summary = f"{verb} {len(changed)} file{'s' * (len(changed) != 1)}, {unchanged} unchanged"
    if failed:
        summary += f", {len(failed)} not formatted (errors above)"
    typer.echo(summary, err=True)
    if failed or (check and changed):
        raise typer.Exit(ExitCode.FINDINGS)
