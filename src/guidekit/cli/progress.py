"""A progress bar for long runs, on a terminal only: never in CI, in a pipe or a file."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["MIN_FILES", "progress_bar", "wants_progress"]

MIN_FILES = 300  # a bar for fewer files only flickers


def wants_progress() -> bool:
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") == "true":
        return False
    return sys.stderr.isatty()


@contextmanager
def progress_bar(*, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``progress(done, total)`` callback that draws a bar on stderr, or None."""
    if not enabled or not wants_progress():
        yield None
        return
    from rich.console import Console  # only for a bar: a short run never draws one
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # no refresh thread (auto_refresh off): the bar redraws when told, at most every
    # 0.1 s, so a check can fork its workers with no other thread running
    bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True, auto_refresh=False)
    task = None
    drawn = 0.0

    def update(done: int, total: int) -> None:
        nonlocal task, drawn
        if total < MIN_FILES:
            return
        if task is None:
            bar.start()
            task = bar.add_task("check", total=total)
        bar.update(task, completed=done)
        now = time.monotonic()
        if now - drawn >= 0.1 or done >= total:
            drawn = now
            bar.refresh()

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
