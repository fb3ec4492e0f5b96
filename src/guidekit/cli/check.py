"""`guidekit check` and `guidekit rules`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guidekit.check.cache import ConfigMemo, default_folder, unsafe_folder
from guidekit.check.engine import Selection, run_check
from guidekit.cli.common import (
    OUTPUT_OPTION,
    ROOT_OPTION,
    VERBOSE_OPTION,
    choices,
    default_format,
    echo_skipped,
    output_stream,
    use_color,
)
from guidekit.cli.outcome import echo_err
from guidekit.cli.progress import progress_bar
from guidekit.errors import ExitCode, GuidekitError
from guidekit.findings import Severity
from guidekit.loading.config import load_config
from guidekit.loading.root import guidance_root
from guidekit.report.base import REPORTERS, ReportOptions, get_reporter

if TYPE_CHECKING:
    Format = str
else:
    Format = choices("Format", REPORTERS)


def check(
    paths: list[Path] = typer.Argument(None, metavar="PATH", help="Files or folders to report on. The whole "
                                       "corpus is always loaded so references resolve."),
    root: Path | None = ROOT_OPTION,
    fmt: Format | None = typer.Option(None, "--format", "-f", help="Output format. Default text, "
                                      "or github when GITHUB_ACTIONS=true."),
    output: Path | None = OUTPUT_OPTION,
    fail_on: Severity | None = typer.Option(None, "--fail-on", help="Lowest severity that makes the run exit 1 "
                                       "(default: fail_on in guidekit.yaml, else error)."),
    select: list[str] = typer.Option([], "--select", metavar="RULE", help="Run only these rules (id, id prefix "
                                     "such as GK2, or name). Repeatable."),
    ignore: list[str] = typer.Option([], "--ignore", metavar="RULE", help="Skip these rules. Repeatable."),
    changed_since: str | None = typer.Option(
        None, "--changed-since", metavar="REV",
        help="Report only documents changed since git revision REV (committed, staged, "
        "unstaged or new) and the documents that refer to them."),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", metavar="DIR", file_okay=False, envvar="GUIDEKIT_CACHE_DIR",
        help="Folder of the per-file result cache (default: guidekit/check/<repository> "
        "in the user cache folder, $XDG_CACHE_HOME or ~/.cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", metavar="N", min=1,
                                    help="Worker processes (default: one per core)."),
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """Validate guidance: schemas, cross-document rules and lint rules.

    Findings carry file:line:col. Exit 0 when clean, 1 when a finding is at or
    above --fail-on, 2 on a usage or configuration error. Results per file are
    cached by content hash, so a re-run checks only what changed.
    """
    paths = paths or []
    started = time.perf_counter()
    top = guidance_root(root, paths)
    fmt = default_format(fmt)
    cache = None if no_cache else (cache_dir or default_folder(top))
    fresh_cache = cache is not None and not cache.exists()
    # the configuration as a past run validated it, where the cache folder may be read
    memo = ConfigMemo(cache, top) if cache is not None and unsafe_folder(cache, top) is None else None
    config = memo.load() if memo is not None else load_config(top)
    with progress_bar(enabled=fmt == "text" and output is None) as progress:
        result = run_check(config, paths, selection=Selection(tuple(select), tuple(ignore)),
                           verbose=verbose, cache_dir=cache, jobs=jobs,
                           changed_since=changed_since, progress=progress, lean=True)
    elapsed = time.perf_counter() - started
    for note in result.notes:
        typer.echo(f"warning: {note}", err=True)
    if verbose:
        echo_skipped(result.skipped)
    if not result.files and not result.findings and not result.skipped:
        # a gate that checked nothing must not pass: a wrong folder or paths glob; and a
        # run that exits 2 leaves nothing behind
        if fresh_cache and cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        raise GuidekitError(
            f"nothing to check: no guidance files under {config.root}"
            + (f" in {', '.join(str(p) for p in paths)}" if paths else ""),
            hint="documents are found by the paths globs in guidekit.yaml (`guidekit init` writes a start)",
        )
    if memo is not None:
        memo.keep()  # the run validated the whole configuration
    reporter = get_reporter(fmt)
    with output_stream(output) as stream:
        reporter(result, stream, ReportOptions(verbose=verbose, color=use_color(output),
                                               elapsed=elapsed))
    threshold = Severity(str(fail_on)) if fail_on else config.fail_on
    if result.failed(threshold):
        tripped = sum(1 for f in result.findings if f.severity.at_least(threshold))
        source = "--fail-on" if fail_on else "fail_on in guidekit.yaml"
        echo_err(f"guidekit: failed: {tripped} finding{'s' * (tripped != 1)} at or above "
                 f"{threshold.value} ({source} {threshold.value})")
        raise typer.Exit(ExitCode.FINDINGS)


def rules(
    rule: str | None = typer.Argument(None, metavar="RULE", help="A rule id or name to explain."),
) -> None:
    """List the check rules, or explain one."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table

    from guidekit.check.registry import all_rules, get_rule

    console = Console(highlight=False)
    if rule:
        r = get_rule(rule)
        console.print(f"[bold]{r.id}[/] {r.name}  (default severity: {r.severity.value})\n")
        console.print(Markdown(r.doc()))
        if r.option_schema:
            console.print(f"\n[bold]Options[/] (in guidekit.yaml: rules: {{{r.id}: {{options: ...}}}}):")
            options = Table("option", "type", "default", "meaning", box=None, pad_edge=False)
            for k, schema in r.option_schema.items():
                options.add_row(k, _type_name(schema), json.dumps(r.options.get(k)),
                                schema.get("description", ""))
            console.print(options)
        console.print(f"\n[dim]Stage: {r.stage}. Suppress one finding with "
                      f"'# guidekit: disable={r.id}' (YAML) or "
                      f"'<!-- guidekit: disable={r.id} -->' (Markdown).[/]")
        return
    table = Table("id", "name", "severity", "what it finds", box=None, pad_edge=False)
    for r in all_rules():
        table.add_row(r.id, r.name, r.severity.value, r.summary())
    console.print(table)


def _type_name(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(map(str, schema["enum"]))
    kind = schema.get("type", "any")
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"list of {_type_name(schema['items'])}"
    return " or ".join(kind) if isinstance(kind, list) else str(kind)
