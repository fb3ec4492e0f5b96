"""A progress bar for long runs, on a terminal only: never in CI, in a pipe or a file."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["MIN_FILES", "progress_bar", "stage_bars", "wants_progress"]

MIN_FILES = 300  # a bar for fewer files only flickers


def wants_progress() -> bool:
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") == "true":
        return False
    return sys.stderr.isatty()


class _Bars:
    """rich bars with no refresh thread (auto_refresh off): they redraw when told, at most
    every 0.1 s and at each bar's end, so check can fork its workers while they show."""

    def __init__(self, *columns: Any) -> None:
        from rich.console import Console  # only for a bar: a short run never draws one
        from rich.progress import Progress

        self.bar = Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False)
        self.started = False
        self.drawn = 0.0

    def add(self, name: str, total: int) -> Any:
        if not self.started:
            self.bar.start()
            self.started = True
        return self.bar.add_task(name, total=total)

    def set(self, task: Any, *, completed: int | None = None, advance: int = 0) -> None:
        if completed is not None:
            self.bar.update(task, completed=completed)
        else:
            self.bar.advance(task, advance)
        now = time.monotonic()
        if now - self.drawn >= 0.1 or self.bar.tasks[task].finished:
            self.drawn = now
            self.bar.refresh()

    def stop(self) -> None:
        if self.started:
            self.bar.stop()


@contextmanager
def progress_bar(*, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``progress(done, total)`` callback that draws a bar on stderr, or None."""
    if not enabled or not wants_progress():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    bars = _Bars(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if total < MIN_FILES:
            return
        if task is None:
            task = bars.add("check", total)
        bars.set(task, completed=done)

    try:
        yield update
    finally:
        bars.stop()


@contextmanager
def stage_bars() -> Iterator[Callable[[str, int], Callable[[int], None]] | None]:
    """Yield ``start(name, total) -> advance(n)``: one bar a stage (build's check, then each
    handbook's pages), or None off a terminal."""
    if not wants_progress():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    bars = _Bars(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                 TimeElapsedColumn())

    def start(name: str, total: int) -> Callable[[int], None]:
        task = bars.add(name, total)
        return lambda n: bars.set(task, advance=n)

    try:
        yield start
    finally:
        bars.stop()
