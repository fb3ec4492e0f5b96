"""run_all's workers, as real processes: the results waiting for the parent are bounded, and a
run stopped early (a finding limit, Ctrl-C, a worker that dies or fails) never hangs.

Each case runs in a child Python process (one thread, so run_all forks its workers) with
a timeout as the guard against a hang; nothing asserts on time. The workers count the
items they start in a file opened for appending, and the consumer writes how many results
it took; each item sees how far ahead of the consumer the workers are.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

_GUARD = 120  # seconds: only a hang comes near this

_PRELUDE = """
import json, multiprocessing, os, signal, sys, time
from guidekit.check.parallel import most_ahead, run_all

N, JOBS = 3000, 2
BOUND = most_ahead(N, JOBS)
PARENT = os.getpid()
started = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
consumed = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT)
os.pwrite(consumed, b"%10d" % 0, 0)


def count() -> int:
    return os.fstat(started).st_size


def ahead(i):
    os.write(started, b".")
    return i, os.getpid(), count() - int(os.pread(consumed, 10, 0))


def stall():
    # the consumer falls behind: the workers go as far ahead as they may (the bound
    # when there is one; all the items when there is none), then it goes on
    while count() < min(N, BOUND):
        time.sleep(0.005)


def took(n):
    os.pwrite(consumed, b"%10d" % n, 0)


def gone(pids):
    return sorted(p for p in pids if p != PARENT and os.path.exists(f"/proc/{p}"))
"""


def _run(tmp_path: Path, body: str, *, new_session: bool = False) -> tuple[int, dict[str, Any], str]:
    script = tmp_path / "run.py"
    script.write_text(_PRELUDE + textwrap.dedent(body))
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "started"), str(tmp_path / "consumed")],
                          capture_output=True, text=True, timeout=_GUARD, start_new_session=new_session)
    lines = proc.stdout.strip().splitlines()
    return proc.returncode, json.loads(lines[-1]) if lines else {}, proc.stderr


def test_results_ahead_of_a_slow_consumer_stay_within_the_bound(tmp_path: Path) -> None:
    code, got, err = _run(tmp_path, """
        worst, pids, seen = 0, set(), []
        for n, (i, pid, ahead_by) in enumerate(run_all(ahead, range(N), jobs=JOBS), 1):
            took(n)
            seen.append(i)
            pids.add(pid)
            worst = max(worst, ahead_by)
            if n == 1:
                stall()
        print(json.dumps({"worst": worst, "bound": BOUND, "workers": len(pids - {PARENT}),
                          "all": sorted(seen) == list(range(N))}))
    """)
    assert code == 0, err
    assert got["workers"] == 2 and got["all"]
    assert got["bound"] < 3000 // 4  # a bound well short of the whole run
    assert got["worst"] <= got["bound"]


def test_a_consumer_that_stops_early_ends_the_workers(tmp_path: Path) -> None:
    """A finding limit: the consumer stops while every worker is blocked on the parent."""
    code, got, err = _run(tmp_path, """
        results = run_all(ahead, range(N), jobs=JOBS)
        i, pid, _ = next(results)
        stall()
        workers = [p.pid for p in multiprocessing.active_children()]
        results.close()
        print(json.dumps({"workers": len(workers), "left": gone(workers),
                          "children": [p.pid for p in multiprocessing.active_children()]}))
    """)
    assert code == 0, err
    assert got == {"workers": 2, "left": [], "children": []}


def test_ctrl_c_ends_the_run_with_130_and_no_worker_speaks(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, workers included, while they wait on the parent."""
    code, got, err = _run(tmp_path, """
        # Python's own Ctrl-C handler, whatever this test's runner was started with (a job
        # started in the background by a shell without job control inherits SIGINT ignored)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        workers = []

        def main():
            for n, _ in enumerate(run_all(ahead, range(N), jobs=JOBS), 1):
                took(n)
                if n == 1:
                    stall()
                    workers.extend(p.pid for p in multiprocessing.active_children())
                    os.killpg(os.getpgrp(), signal.SIGINT)  # as a terminal's Ctrl-C does
                    time.sleep(60)  # the interrupt comes first

        try:
            main()
            status = 0
        except KeyboardInterrupt:
            status = 130
        print(json.dumps({"status": status, "workers": len(workers), "left": gone(workers)}))
        sys.exit(status)
    """, new_session=True)
    assert code == 130
    assert got == {"status": 130, "workers": 2, "left": []}
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_a_worker_that_dies_does_not_hang_the_run(tmp_path: Path) -> None:
    """A worker killed outright (out of memory, a crash in C): its items are done here."""
    code, got, err = _run(tmp_path, """
        def fragile(i):
            if i == 100 and os.getpid() != PARENT:
                os.kill(os.getpid(), signal.SIGKILL)
            return i, os.getpid()

        got = list(run_all(fragile, range(N), jobs=JOBS))
        print(json.dumps({"all": sorted(i for i, _ in got) == list(range(N)),
                          "here": sorted({i for i, pid in got if pid == PARENT}),
                          "children": [p.pid for p in multiprocessing.active_children()]}))
    """)
    assert code == 0, err
    assert got["all"] and 100 in got["here"] and got["children"] == []


def test_a_worker_that_fails_hands_its_error_to_the_parent(tmp_path: Path) -> None:
    code, got, err = _run(tmp_path, """
        def failing(i):
            if i == 7:
                raise ValueError(f"item {i} is broken")
            return i

        try:
            list(run_all(failing, range(N), jobs=JOBS))
            raised = ""
        except ValueError as e:
            raised = str(e)
        print(json.dumps({"raised": raised, "children": [p.pid for p in multiprocessing.active_children()]}))
    """)
    assert code == 0, err
    assert got == {"raised": "item 7 is broken", "children": []}


def test_results_a_worker_cannot_send_are_computed_here(tmp_path: Path) -> None:
    code, got, err = _run(tmp_path, """
        def odd(i):
            return (lambda: i) if i == 5 else i  # a function does not pickle

        got = list(run_all(odd, range(N), jobs=JOBS))
        print(json.dumps(sorted(x if isinstance(x, int) else x() for x in got) == list(range(N))))
    """)
    assert code == 0, err
    assert got is True


def test_fewer_chunks_than_workers_end(tmp_path: Path) -> None:
    """A few heavy items (whole catalogs): a worker with nothing to hold is told to end."""
    code, got, err = _run(tmp_path, """
        out = {}
        for n in (2, 3, 5):
            for jobs in (2, 3, 8):
                got = list(run_all(lambda i: (i, os.getpid()), range(n), jobs=jobs, min_items=2))
                out[f"{n}/{jobs}"] = [sorted(i for i, _ in got) == list(range(n)),
                                      PARENT not in {pid for _, pid in got}]
        print(json.dumps({"runs": out, "children": [p.pid for p in multiprocessing.active_children()]}))
    """)
    assert code == 0, err
    assert all(v == [True, True] for v in got["runs"].values()) and got["children"] == []


def test_the_guard_is_not_needed_by_the_serial_path(tmp_path: Path) -> None:
    """Below the fork threshold nothing forks: the same results, in order, in this process."""
    from guidekit.check.parallel import run_all

    before = signal.getsignal(signal.SIGINT)
    assert list(run_all(lambda i: (i, os.getpid()), range(10), jobs=2)) == [(i, os.getpid()) for i in range(10)]
    assert signal.getsignal(signal.SIGINT) is before  # the parent's Ctrl-C is left as it was
