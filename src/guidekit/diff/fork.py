"""Split a two-phase computation over forked processes, with one exchange between
the phases.

A diff loads and compares each changed document on its own, except for a few
facts every comparison needs from all of them (which ids disappeared, where
each rule lives). ``split`` gives each process a share of the items; each runs
``first`` on its share and sends back its facts; the parent ``combine``s them
all and sends the result to every child; each process then runs ``second`` on
its share with it. The parent does a share itself, so with two cores one child
is forked.

Children are forked (they inherit everything the functions close over, nothing
is pickled but the facts, the combined result and the answers) and leave with
``os._exit``. Anything that goes wrong in a child (an exception, a crash, a
kill) costs time, not the answer: the parent does that share itself. Where fork
is missing, another thread is running (forking it would copy its locks), there
is too little work, or other processes keep the other cores busy, everything
runs in this process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypeVar

__all__ = ["jobs_for", "split"]

T = TypeVar("T")  # an item
S = TypeVar("S")  # what phase one leaves in its process for phase two
F = TypeVar("F")  # the facts phase one sends to the parent
C = TypeVar("C")  # the facts combined
R = TypeVar("R")  # phase two's answer for one share

_FAILED: Any = object()  # what receive() gives for a child that failed
_RUN_QUEUE = "/proc/loadavg"  # its fourth field: runnable / all scheduling entities


def jobs_for(items: int, *, per_job: int) -> int:
    """How many processes to use for ``items`` items, at least ``per_job`` each, and no
    more than there are cores free of other work now."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    wanted = min(cores, items // per_job)
    if wanted <= 1:
        return 1
    return max(1, min(wanted, _free_cores(cores)))


def _free_cores(cores: int) -> int:
    """Cores that no other runnable process wants at this moment (Linux's run queue, in
    /proc/loadavg, counts this process too); all of them where that cannot be read. A
    child that has to wait for a core holds the parent up at each exchange: on a busy
    machine one process finishes sooner than two."""
    try:
        with open(_RUN_QUEUE, "rb") as fh:
            running = int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return cores
    return max(0, cores - max(0, running - 1))


def split(items: Sequence[T], jobs: int, first: Callable[[Sequence[T]], tuple[S, F]],
          combine: Callable[[list[F]], C], second: Callable[[S, C], list[R]],
          in_child: Callable[[], None] = lambda: None) -> list[R]:
    """``second`` over every share, after ``first`` over every share and one
    ``combine`` of all the facts; the answers of all shares, in share order.
    ``in_child`` runs first thing in each child (e.g. to drop a pipe to a helper
    process the parent keeps using)."""
    shares = [items[i::jobs] for i in range(jobs)] if jobs > 1 else [items]
    if jobs > 1:
        # objects that exist now move out of the collector's reach, so that a collection
        # in a child does not write to (and copy) every page it shares with the parent
        gc.freeze()
    try:
        children = [_Child.start(share, first, second, in_child) for share in shares[1:]]
    finally:
        if jobs > 1:
            gc.unfreeze()
    state, facts = first(shares[0])
    all_facts = [facts]
    kept: list[S | None] = [state]
    for child, share in zip(children, shares[1:], strict=True):
        got = child.receive()
        if got is _FAILED:
            child.stop()
            s, f = first(share)
            kept.append(s)
            all_facts.append(f)
        else:
            kept.append(None)
            all_facts.append(got)
    combined = combine(all_facts)
    for child in children:
        child.send(combined)
    out = second(state, combined)
    for i, (child, share) in enumerate(zip(children, shares[1:], strict=True), start=1):
        answer = child.receive()
        child.stop()
        if answer is _FAILED:
            local = kept[i]
            if local is None:
                local, _facts = first(share)
            answer = second(local, combined)
        out.extend(answer)
    return out


class _Child:
    """One forked process working on one share; a pipe each way."""

    def __init__(self, pid: int | None, up: BinaryIO | None, down: BinaryIO | None) -> None:
        self.pid, self.up, self.down = pid, up, down
        self.failed = pid is None  # no process (fork refused): the parent does the share

    @classmethod
    def start(cls, share: Sequence[T], first: Callable[[Sequence[T]], tuple[S, F]],
              second: Callable[[S, C], list[R]], in_child: Callable[[], None]) -> _Child:
        up_r, up_w = os.pipe()  # child -> parent
        down_r, down_w = os.pipe()  # parent -> child
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: one process does the work
            for fd in (up_r, up_w, down_r, down_w):
                os.close(fd)
            return cls(None, None, None)
        if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow forks)
            os.close(up_r)
            os.close(down_w)
            code = 0
            with os.fdopen(up_w, "wb") as up, os.fdopen(down_r, "rb") as down:
                gc.disable()  # a short life: no collections, no pages copied for them
                try:
                    in_child()
                    state, facts = first(share)
                    _dump(("ok", facts), up)
                    combined = pickle.load(down)
                    _dump(("ok", second(state, combined)), up)
                except BaseException:  # any failure: the parent does the share
                    code = 1
                    with contextlib.suppress(BaseException):
                        _dump(("failed", None), up)
            os._exit(code)
        os.close(up_w)
        os.close(down_r)
        return cls(pid, os.fdopen(up_r, "rb"), os.fdopen(down_w, "wb"))

    def receive(self) -> Any:
        if self.failed or self.up is None:
            return _FAILED
        try:
            status, got = pickle.load(self.up)
        except Exception:  # a child that died or sent garbage
            status, got = "failed", None
        if status != "ok":
            self.failed = True
            return _FAILED
        return got

    def send(self, value: Any) -> None:
        if self.failed or self.down is None:
            return
        try:
            _dump(value, self.down)
        except (OSError, pickle.PicklingError):
            self.failed = True

    def stop(self) -> None:
        for stream in (self.up, self.down):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if self.pid is not None:
            with contextlib.suppress(ChildProcessError):  # already reaped
                os.waitpid(self.pid, 0)


def _dump(value: Any, stream: BinaryIO) -> None:
    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()
