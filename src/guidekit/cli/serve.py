"""`guidekit serve`: the handbooks on 127.0.0.1, rebuilt when guidance changes."""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Iterable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from guidekit.cli.build import HANDBOOK_OPTION, OUT_OPTION, PATH_ARGUMENT, SINCE_OPTION, guidance_config
from guidekit.cli.common import ROOT_OPTION
from guidekit.errors import GuidekitError
from guidekit.handbook import BuildOptions
from guidekit.handbook.changes import marks_for
from guidekit.handbook.handbook import handbook_specs
from guidekit.handbook.httpd import HandbookHandler
from guidekit.handbook.live import LiveBuild
from guidekit.handbook.reload import Rebuilds
from guidekit.handbook.watch import Watcher
from guidekit.handbook.writer import check_target, output_folder
from guidekit.loading.config import CONFIG_NAME


class _Quiet(HandbookHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib's name
        return


def _waiting(rels: Iterable[str]) -> None:
    for rel in sorted(rels):
        typer.echo(f"{rel}: still being written; waiting for it to settle", err=True)


def _live(live: LiveBuild, watcher: Watcher, changed: set[str] | None = None) -> None:
    result = live.rebuild(watcher.digests(), changed)
    for f in result.findings:
        kept = f.span.path in result.kept
        typer.echo(f"{f.span}: {f.severity.value} {f.rule} {f.message} "
                   f"({'the preview keeps its last good version' if kept else 'left out of the preview'})",
                   err=True)
    if result.moving:
        _waiting(result.moving)
        watcher.again(result.moving)
    typer.echo(f"built {result.documents} document(s) ({result.rendered} rendered) in "
               f"{result.seconds:.2f}s")
    sys.stdout.flush()


def serve(
    path: Path | None = PATH_ARGUMENT,
    root: Path | None = ROOT_OPTION,
    handbook: list[str] = HANDBOOK_OPTION,
    out: Path | None = OUT_OPTION,
    since: str | None = SINCE_OPTION,
    port: int = typer.Option(8000, "--port", metavar="N", help="Port on 127.0.0.1 (0 picks a free one)."),
    interval: float = typer.Option(0.3, "--interval", metavar="SECONDS", help="Seconds between checks for changes."),
) -> None:
    """Build the handbooks, serve them on 127.0.0.1 and rebuild when guidance changes.

    For authors: a save is on the page within a second. A change is a change of
    a file's bytes (a touch is not); a file still being written is waited for.
    Files that fail to load or match their schema are reported, and the preview
    keeps their last good version (or leaves them out); run
    `guidekit check` (or `guidekit build`, which refuses to publish with
    errors) for the cross-document checks. Stop with Ctrl+C.
    """
    config = guidance_config(path, root)
    target = output_folder(config.root, out)
    opts = BuildOptions(out=target, handbooks=tuple(handbook), since=since)
    console = Console(stderr=True, highlight=False)
    for spec in handbook_specs(config, opts.handbooks):
        check_target(target / spec.name)
    # the first look before the first build: an edit made during it is seen as a change
    watcher = Watcher(config.root, (target,), max_bytes=config.limits.max_file_bytes)
    watcher.start()
    live = LiveBuild(config, opts, marks_for())
    _live(live, watcher)
    rebuilds = Rebuilds()  # open pages reload when it moves
    served = type("_Served", (_Quiet,), {
        "rebuilds": rebuilds,
        "handbooks": [(s.name, s.title) for s in handbook_specs(config, opts.handbooks)]})
    handler = functools.partial(served, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    host, bound = server.server_address[:2]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for spec in handbook_specs(config, opts.handbooks):
        typer.echo(f"serving http://{host!s}:{bound}/{spec.name}/index.html")
    sys.stdout.flush()
    waiting: set[str] = set()
    try:
        while True:
            time.sleep(interval)
            change = watcher.changes()
            _waiting(change.moving - waiting)
            waiting = set(change.moving)
            if not change:
                continue
            try:
                if CONFIG_NAME in change.edited:  # handbooks, paths or limits may differ: start afresh
                    config = guidance_config(path, root)
                    watcher.max_bytes = config.limits.max_file_bytes
                    live = LiveBuild(config, opts, marks_for())
                _live(live, watcher, None if change.listing else set(change.edited))
                rebuilds.bump()
            except GuidekitError as err:
                console.print(f"guidekit: error: {err.message}", style="red", markup=False)
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        rebuilds.close()
        server.shutdown()
        server.server_close()
