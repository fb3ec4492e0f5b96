"""`guidekit serve`: the handbooks on 127.0.0.1, rebuilt when guidance changes."""

from __future__ import annotations

import functools
import sys
import threading
import time
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
from guidekit.handbook.watch import snapshot
from guidekit.handbook.writer import check_target, output_folder
from guidekit.loading.config import CONFIG_NAME


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
    path: Path | None = PATH_ARGUMENT,
    root: Path | None = ROOT_OPTION,
    handbook: list[str] = HANDBOOK_OPTION,
    out: Path | None = OUT_OPTION,
    since: str | None = SINCE_OPTION,
    port: int = typer.Option(8000, "--port", metavar="N", help="Port on 127.0.0.1 (0 picks a free one)."),
    interval: float = typer.Option(0.3, "--interval", metavar="SECONDS", help="Seconds between checks for changes."),
) -> None:
    """Build the handbooks, serve them on 127.0.0.1 and rebuild when guidance changes.

    For authors: a save is on the page within a second. Files that fail to load
    or match their schema are reported and left out of the preview; run
    `guidekit check` (or `guidekit build`, which refuses to publish with
    errors) for the cross-document checks. Stop with Ctrl+C.
    """
    config = guidance_config(path, root)
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
                    config = guidance_config(path, root)
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
