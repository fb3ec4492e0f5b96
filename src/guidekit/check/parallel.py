"""Run a per-item function on every core: forked workers, results in any order.

Workers are forked so they inherit the function and everything it closes
over (settings, compiled validators) without pickling it. Where fork is not
available, another thread is running (a forked child would inherit its locks
held, and Python warns from 3.12: `guidekit serve`'s server, for one), or the
batch is small enough that starting workers costs more than it saves, the
items run in this process.

While workers run, the parent's garbage collector is paused: the parent only
takes results in and keeps them, so each collection would walk every result
kept so far again, for nothing (~10% of the parent's CPU at 5,000 policies).
The workers, forked before the pause, collect as usual, but never walk what
they inherited (``gc.freeze`` before the fork): a collection writes to every
object it walks, which would copy each page of the parent's memory into every
worker.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported when a run forks (a warm re-run seldom does)
    from multiprocessing.connection import Connection

__all__ = ["MIN_PARALLEL", "Beside", "default_jobs", "run_all"]

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 60  # below this many items, forking costs more than it saves

_task: Callable[[Any], Any] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _forkable() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _call(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def run_all(fn: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None,
            progress: Callable[[int], None] | None = None, min_items: int = MIN_PARALLEL) -> Iterator[R]:
    """Yield ``fn(item)`` for every item; ``progress(n)`` after each n done. ``min_items``:
    the fewest items worth forking for (a few heavy items, such as whole catalogs, are)."""
    global _task
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(items) < max(2, min_items) or not _forkable():
        for item in items:
            yield fn(item)
            if progress:
                progress(1)
        return
    import multiprocessing

    _task = fn
    collecting = gc.isenabled()
    try:
        ctx = multiprocessing.get_context("fork")
        chunk = max(1, min(64, len(items) // (jobs * 8)))
        gc.freeze()  # what the workers inherit stays shared with the parent
        with ctx.Pool(jobs) as pool:
            gc.disable()  # after the fork: the workers collect as usual
            for result in pool.imap_unordered(_call, items, chunksize=chunk):
                yield result
                if progress:
                    progress(1)
    finally:
        _task = None
        gc.unfreeze()
        if collecting:
            gc.enable()


def _send(fn: Callable[[], Any], conn: Connection) -> None:
    try:
        result: tuple[bool, Any] = (True, fn())
    except BaseException:  # the parent computes it again and sees the error itself
        result = (False, None)
    try:
        conn.send(result)
    finally:
        conn.close()


class Beside(Generic[R]):
    """``fn()`` computed in a forked process while the caller goes on (a stage that does not
    depend on the caller's work); ``result()`` waits for it. Where forking is not possible,
    not wanted (``enabled`` False) or the child fails, ``result()`` computes it here."""

    def __init__(self, fn: Callable[[], R], *, enabled: bool = True) -> None:
        self._fn = fn
        self._proc: Any = None
        self._conn: Connection | None = None
        if enabled and _forkable():
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            recv, send = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=_send, args=(fn, send))
            gc.freeze()  # as for run_all's workers
            try:
                self._proc.start()
            finally:
                gc.unfreeze()
            send.close()
            self._conn = recv

    def result(self) -> R:
        if self._proc is None or self._conn is None:
            return self._fn()
        try:
            ok, value = self._conn.recv()  # before join: a large result fills the pipe until read
        except (EOFError, OSError):
            ok, value = False, None
        finally:
            self._conn.close()
            self._proc.join()
            self._proc = None
        return value if ok else self._fn()

    def close(self) -> None:
        """Stop the child if its result is no longer wanted (the caller failed or was interrupted)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._proc = None
