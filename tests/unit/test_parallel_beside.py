"""Beside: a stage computed in a forked process while the caller goes on, or here when it cannot be."""

from __future__ import annotations

import os

import pytest

from guidekit.check.parallel import Beside


def test_result_comes_from_a_child_process() -> None:
    assert Beside(os.getpid).result() != os.getpid()


def test_not_enabled_runs_here() -> None:
    assert Beside(os.getpid, enabled=False).result() == os.getpid()


def test_a_failing_child_is_computed_again_here_where_its_error_shows() -> None:
    parent = os.getpid()

    def only_here() -> int:
        if os.getpid() != parent:
            raise RuntimeError("not in the child")
        return 42

    assert Beside(only_here).result() == 42

    def always() -> int:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        Beside(always).result()


def test_close_stops_a_child_whose_result_is_not_wanted() -> None:
    import time

    b = Beside(lambda: time.sleep(600))
    pid = b._proc.pid
    b.close()
    with pytest.raises(ProcessLookupError):  # ended and reaped
        os.kill(pid, 0)
