"""`guidekit build` and `guidekit serve`: reviewer handbooks."""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from guidekit.check.cache import default_folder
from guidekit.cli.common import ROOT_OPTION, choices, resolve_config
from guidekit.errors import ExitCode, GuidekitError
from guidekit.handbook import FORMATS, PRINT_GRAPHIC, BuildOptions, BuildResult, build
from guidekit.handbook.changes import marks_for
from guidekit.handbook.handbook import handbook_specs
from guidekit.handbook.httpd import HandbookHandler
from guidekit.handbook.live import LiveBuild
from guidekit.handbook.reload import Rebuilds
from guidekit.handbook.watch import snapshot
from guidekit.handbook.writer import check_target, output_folder
from guidekit.loading.config import CONFIG_NAME, Config
from guidekit.report.base import ReportOptions, get_reporter

if TYPE_CHECKING:
    Format = str
    PrintGraphic = str
else:
    Format = choices("Format", FORMATS)
    PrintGraphic = choices("PrintGraphic", PRINT_GRAPHIC)

_PATH = typer.Argument(None, metavar="PATH", help="The guidance root, or a folder inside it. Default: found "
                       "from the working directory.", file_okay=False)
_HANDBOOK = typer.Option([], "--handbook", "-H", metavar="NAME", help="Build only this handbook (a name from "
                         "guidekit.yaml). Repeatable. Default: all.")
_OUT = typer.Option(None, "--output", "-o", "--out", metavar="DIR", file_okay=False,
                    help="Output folder; each handbook goes into DIR/NAME/ (HTML) or DIR/NAME.md "
                    "(Markdown). Default: ROOT/site.")
_SINCE = typer.Option(None, "--since", metavar="REV", help="Git revision to mark changes against, instead of "
                      "each handbook's baseline.")


def _config(path: Path | None, root: Path | None) -> Config:
    return resolve_config(root, [path] if path else [])


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    """A rich progress bar on a terminal; nothing when output is piped or captured."""
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        def start(name: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(name, total=total)
            return lambda n: bar.advance(task, n)
        yield start


def _report(result: BuildResult, console: Console, fmt: str) -> None:
    for note in result.check.notes:  # about the run itself, e.g. a cache folder refused
        console.print(f"warning: {note}", style="yellow", markup=False)
    if result.blocked or result.errors:
        get_reporter("text")(result.check, sys.stdout, ReportOptions())
    if result.blocked:
        console.print(f"guidekit: not building: check found {result.errors} error(s); fix them "
                      "or pass --force to build anyway", style="red")
        return
    if result.errors:
        console.print(f"guidekit: building despite {result.errors} check error(s) (--force)",
                      style="yellow")
    for hb in result.handbooks:
        for note in hb.notes:
            console.print(f"warning: {note}", style="yellow")
        where = hb.path / "index.html" if fmt == "html" else hb.path
        reused = hb.documents - hb.rendered
        extra = f", {reused} unchanged page(s) reused" if fmt == "html" and reused else ""
        typer.echo(f"{hb.name}: {hb.documents} document(s), {len(hb.omitted)} left out{extra} "
                   f"-> {where}")


def _run(config: Config, opts: BuildOptions, console: Console) -> BuildResult:
    with _progress(console) as progress:
        return build(config, opts, progress=progress, marks_for=marks_for())


def build_cmd(
    path: Path | None = _PATH,
    root: Path | None = ROOT_OPTION,
    handbook: list[str] = _HANDBOOK,
    out: Path | None = _OUT,
    since: str | None = _SINCE,
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
    config = _config(path, root)
    opts = BuildOptions(out=output_folder(config.root, out), handbooks=tuple(handbook),
                        since=since, fmt=str(fmt), force=force,
                        print_graphic=str(print_graphic),
                        cache_dir=None if no_cache else (cache_dir or default_folder(config.root)))
    console = Console(stderr=True, highlight=False)
    result = _run(config, opts, console)
    _report(result, console, str(fmt))
    if result.blocked:
        raise typer.Exit(ExitCode.FINDINGS)


class _Quiet(HandbookHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib's name
        return


def _live(live: LiveBuild, changed: set[str] | None = None) -> None:
    result = live.rebuild(changed)
    for f in result.findings:
        typer.echo(f"{f.span}: {f.severity.value} {f.rule} {f.message} (left out of the preview)",
                   err=True)
    typer.echo(f"built {result.documents} document(s) ({result.rendered} rendered) in "
               f"{result.seconds:.2f}s")
    sys.stdout.flush()


def serve(
    path: Path | None = _PATH,
    root: Path | None = ROOT_OPTION,
    handbook: list[str] = _HANDBOOK,
    out: Path | None = _OUT,
    since: str | None = _SINCE,
    port: int = typer.Option(8000, "--port", metavar="N", help="Port on 127.0.0.1 (0 picks a free one)."),
    interval: float = typer.Option(0.3, "--interval", metavar="SECONDS", help="Seconds between checks for changes."),
) -> None:
    """Build the handbooks, serve them on 127.0.0.1 and rebuild when guidance changes.

    For authors: a save is on the page within a second. Files that fail to load
    or match their schema are reported and left out of the preview; run
    `guidekit check` (or `guidekit build`, which refuses to publish with
    errors) for the cross-document checks. Stop with Ctrl+C.
    """
    config = _config(path, root)
    target = output_folder(config.root, out)
    opts = BuildOptions(out=target, handbooks=tuple(handbook), since=since)
    console = Console(stderr=True, highlight=False)
    for spec in handbook_specs(config, opts.handbooks):
        check_target(target / spec.name)
    live = LiveBuild(config, opts, marks_for())
    _live(live)
    rebuilds = Rebuilds()  # open pages reload when it moves
    served = type("_Served", (_Quiet,), {
        "rebuilds": rebuilds,
        "handbooks": [(s.name, s.title) for s in handbook_specs(config, opts.handbooks)]})
    handler = functools.partial(served, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    host, bound = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # take the snapshot before saying "serving": an edit made right after that line
    # must be seen as a change
    seen = snapshot(config.root, (target,))
    for spec in handbook_specs(config, opts.handbooks):
        typer.echo(f"serving http://{host!s}:{bound}/{spec.name}/index.html")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(interval)
            now = snapshot(config.root, (target,))
            if now == seen:
                continue
            edited = {rel for rel in now if rel in seen and now[rel] != seen[rel]}
            same_files = now.keys() == seen.keys()
            seen = now
            try:
                if CONFIG_NAME in edited:  # handbooks, paths or limits may differ: start afresh
                    config = _config(path, root)
                    live = LiveBuild(config, opts, marks_for())
                _live(live, edited if same_files else None)
                rebuilds.bump()
            except GuidekitError as err:
                console.print(f"guidekit: error: {err.message}", style="red", markup=False)
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        rebuilds.close()
        server.shutdown()
        server.server_close()
