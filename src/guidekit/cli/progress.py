"""A progress bar for long runs, on a terminal only: never in CI, in a pipe or a file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
    bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if total < MIN_FILES:
            return
        if task is None:
            bar.start()
            task = bar.add_task("check", total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
