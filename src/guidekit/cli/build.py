"""`guidekit build`: reviewer handbooks (`guidekit serve` is in cli.serve)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guidekit.check.cache import default_folder
from guidekit.cli.common import ROOT_OPTION, choices, resolve_config
from guidekit.cli.progress import stage_bars
from guidekit.errors import ExitCode
from guidekit.handbook import FORMATS, PRINT_GRAPHIC, BuildOptions, BuildResult, build
from guidekit.handbook.changes import marks_for
from guidekit.handbook.writer import output_folder
from guidekit.loading.config import Config

if TYPE_CHECKING:
    Format = str
    PrintGraphic = str
else:
    Format = choices("Format", FORMATS)
    PrintGraphic = choices("PrintGraphic", PRINT_GRAPHIC)

PATH_ARGUMENT = typer.Argument(None, metavar="PATH", help="The guidance root, or a folder inside it. Default: found "
                       "from the working directory.", file_okay=False)
HANDBOOK_OPTION = typer.Option([], "--handbook", "-H", metavar="NAME", help="Build only this handbook (a name from "
                         "guidekit.yaml). Repeatable. Default: all.")
OUT_OPTION = typer.Option(None, "--output", "-o", "--out", metavar="DIR", file_okay=False,
                    help="Output folder; each handbook goes into DIR/NAME/ (HTML) or DIR/NAME.md "
                    "(Markdown). Default: ROOT/site.")
SINCE_OPTION = typer.Option(None, "--since", metavar="REV", help="Git revision to mark changes against, instead of "
                      "each handbook's baseline.")


def guidance_config(path: Path | None, root: Path | None) -> Config:
    return resolve_config(root, [path] if path else [])


def _warn(text: str, colour: str = "yellow") -> None:
    typer.secho(text, fg=colour, err=True)


def _report(result: BuildResult, fmt: str) -> None:
    for note in result.check.notes:  # about the run itself, e.g. a cache folder refused
        _warn(f"warning: {note}")
    if result.blocked or result.errors:
        from guidekit.report.base import ReportOptions, get_reporter  # only with findings to show

        get_reporter("text")(result.check, sys.stdout, ReportOptions())
    if result.blocked:
        _warn(f"guidekit: not building: check found {result.errors} error(s); fix them "
              "or pass --force to build anyway", "red")
        return
    if result.errors:
        _warn(f"guidekit: building despite {result.errors} check error(s) (--force)")
    for hb in result.handbooks:
        for note in hb.notes:
            _warn(f"warning: {note}")
        where = hb.path / "index.html" if fmt == "html" else hb.path
        reused = hb.documents - hb.rendered
        extra = f", {reused} unchanged page(s) reused" if fmt == "html" and reused else ""
        typer.echo(f"{hb.name}: {hb.documents} document(s), {len(hb.omitted)} left out{extra} "
                   f"-> {where}")


def _run(config: Config, opts: BuildOptions) -> BuildResult:
    with stage_bars() as progress:
        return build(config, opts, progress=progress, marks_for=marks_for())


def build_cmd(
    path: Path | None = PATH_ARGUMENT,
    root: Path | None = ROOT_OPTION,
    handbook: list[str] = HANDBOOK_OPTION,
    out: Path | None = OUT_OPTION,
    since: str | None = SINCE_OPTION,
    fmt: Format = typer.Option("html", "--format", "-f", help="html (a static site per handbook) or markdown (one file "
                            "per handbook, for wikis)."),
    force: bool = typer.Option(False, "--force", help="Build even when `check` finds errors."),
    print_graphic: PrintGraphic = typer.Option("omit", "--print-graphic", help="Graphic examples "
                                               "on paper: omit (a neutral note in their place) or "
                                               "include."),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", metavar="DIR", file_okay=False, envvar="GUIDEKIT_CACHE_DIR",
        help="Folder of check's per-file result cache, which a second build reuses (default: "
        "guidekit/check/<repository> in the user cache folder, $XDG_CACHE_HOME or ~/.cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache: "
                                  "check and read every file."),
) -> None:
    """Build the reviewer handbooks defined in guidekit.yaml.

    Refuses to build when `check` finds errors (exit 1) unless --force. Each
    handbook is written into a temporary folder and swapped in, so an
    interrupted build leaves the previous one intact.
    """
    config = guidance_config(path, root)
    opts = BuildOptions(out=output_folder(config.root, out), handbooks=tuple(handbook),
                        since=since, fmt=str(fmt), force=force,
                        print_graphic=str(print_graphic),
                        cache_dir=None if no_cache else (cache_dir or default_folder(config.root)))
    result = _run(config, opts)
    _report(result, str(fmt))
    if result.blocked:
        raise typer.Exit(ExitCode.FINDINGS)
