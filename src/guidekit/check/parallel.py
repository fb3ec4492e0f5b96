"""Run a per-item function on every core: forked workers, results in any order.

Workers are forked so they inherit the function, the items and everything
they close over (settings, compiled validators) without pickling them: the
parent sends each worker only the numbers of the chunks of items to do, and
the worker sends back each chunk's results. Where fork is not available,
another thread is running (a forked child would inherit its locks held, and
Python warns from 3.12: `guidekit serve`'s server, for one), or the batch is
small enough that starting workers costs more than it saves, the items run in
this process.

The results waiting for the parent are bounded: a worker holds at most
``AHEAD`` chunks it was given and not yet handed back, and the parent gives it
the next one only when it takes a result in. A worker whose parent is behind
(a slow reporter, a full cache write) waits, idle, instead of piling results up
in the parent's memory (``most_ahead``). A worker that fails on a chunk, or
whose results cannot be pickled, hands the chunk back and the parent does it
itself, where the error shows as it would without workers; a worker that dies
(killed, out of memory) is noticed by its closed pipe and its chunks are done
here too. When the parent stops early (Ctrl-C, a finding limit, an error) the
workers are stopped and reaped before ``run_all`` returns; Ctrl-C is the
parent's alone (workers ignore SIGINT), and a parent killed outright leaves
workers that end at their next read of the closed pipe.

While workers run, the parent's garbage collector is paused: the parent only
takes results in and keeps them, so each collection would walk every result
kept so far again, for nothing (~10% of the parent's CPU at 5,000 policies).
The workers, forked before the pause, collect as usual, but never walk what
they inherited (``gc.freeze`` before the fork): a collection writes to every
object it walks, which would copy each page of the parent's memory into every
worker.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:  # multiprocessing is imported when a run forks (a warm re-run seldom does)
    from multiprocessing.connection import Connection

__all__ = ["AHEAD", "MIN_PARALLEL", "Beside", "default_jobs", "most_ahead", "run_all"]

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 60  # below this many items, forking costs more than it saves
AHEAD = 2  # chunks a worker holds: one it works on, one queued while the parent takes the other in


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _forkable() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _chunk_size(n: int, jobs: int) -> int:
    return max(1, min(64, n // (jobs * 8)))


def most_ahead(n: int, jobs: int) -> int:
    """The most results of ``n`` items on ``jobs`` workers computed and not yet taken by the
    caller of ``run_all``: the chunks the workers hold and the one being handed out."""
    return (AHEAD * jobs + 1) * _chunk_size(n, jobs)


def _work(fn: Callable[[Any], Any], items: Sequence[Any], size: int, conn: Connection,
          others: list[Connection]) -> None:
    """A worker: do the chunks the parent names, send each one's results back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the workers
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    from multiprocessing.reduction import ForkingPickler

    for other in others:  # the parent's ends of the workers forked before: theirs to close
        other.close()
    while True:
        try:
            i = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if i is None:
            return
        try:
            data = ForkingPickler.dumps((i, [fn(x) for x in items[i * size:(i + 1) * size]]))
        except BaseException:  # the parent does the chunk itself and sees the error there
            data = ForkingPickler.dumps((i, None))
        try:
            conn.send_bytes(data)
        except OSError:
            return


def run_all(fn: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None,
            progress: Callable[[int], None] | None = None, min_items: int = MIN_PARALLEL) -> Iterator[R]:
    """Yield ``fn(item)`` for every item; ``progress(n)`` after each n done. ``min_items``:
    the fewest items worth forking for (a few heavy items, such as whole catalogs, are)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(items) < max(2, min_items) or not _forkable():
        for item in items:
            yield fn(item)
            if progress:
                progress(1)
        return
    import multiprocessing
    from multiprocessing.connection import wait

    size = _chunk_size(len(items), jobs)
    chunks = (len(items) + size - 1) // size
    jobs = min(jobs, chunks)
    ctx = multiprocessing.get_context("fork")
    held: dict[Connection, deque[int]] = {}  # each worker's pipe -> the chunks it holds
    procs: list[Any] = []
    given = 0  # chunks handed out so far

    def give(conn: Connection) -> None:
        nonlocal given
        if given < chunks:
            try:
                conn.send(given)
            except OSError:  # the worker is gone: its pipe's end is read next
                return
            held[conn].append(given)
            given += 1

    def stop(conn: Connection) -> None:
        """Nothing more for this worker: it ends."""
        del held[conn]
        with contextlib.suppress(OSError):
            conn.send(None)
        conn.close()

    def here(i: int) -> Iterator[R]:
        for item in items[i * size:(i + 1) * size]:
            yield fn(item)
            if progress:
                progress(1)

    collecting = gc.isenabled()
    finished = False
    try:
        gc.freeze()  # what the workers inherit stays shared with the parent
        for _ in range(jobs):
            conn, theirs = ctx.Pipe()
            proc = ctx.Process(target=_work, args=(fn, items, size, theirs, list(held)), daemon=True)
            # a Ctrl-C during the fork waits until the child ignores it; the parent gets it after
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                proc.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            procs.append(proc)
            theirs.close()  # so that the pipe reads as closed once the worker ends
            held[conn] = deque()
        for _ahead in range(AHEAD):  # a chunk to each in turn: with few chunks, each has one
            for conn in held:
                give(conn)
        for conn in [c for c, chunks_held in held.items() if not chunks_held]:
            stop(conn)
        gc.disable()  # after the fork: the workers collect as usual
        while held:
            for ready in wait(list(held)):
                conn = cast("Connection", ready)
                try:
                    i, results = conn.recv()
                except (EOFError, OSError):  # the worker ended holding these: done here
                    lost = held.pop(conn)
                    conn.close()
                    for j in lost:
                        yield from here(j)
                    continue
                held[conn].remove(i)
                give(conn)  # before the results go out: the worker goes on meanwhile
                if not held[conn]:
                    stop(conn)
                if results is None:  # the worker failed on it
                    yield from here(i)
                    continue
                for result in results:
                    yield result
                    if progress:
                        progress(1)
        while given < chunks:  # every worker died
            given += 1
            yield from here(given - 1)
        finished = True
    finally:
        for conn in held:
            conn.close()  # a worker waiting for a chunk reads the end of its pipe and ends
        for proc in procs:
            if not finished:
                proc.terminate()  # one that is working, or blocked sending a chunk back
            proc.join()
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
