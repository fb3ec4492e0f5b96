"""The progress bar: on a terminal only, never in CI."""

from __future__ import annotations

import io
import os
import sys
import threading

import pytest

from guidekit.check.parallel import MIN_PARALLEL, run_all
from guidekit.cli.progress import MIN_FILES, progress_bar, stage_bars, wants_progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _terminal(monkeypatch: pytest.MonkeyPatch) -> _Tty:
    """stderr a terminal, outside CI: where the bars draw (set in the test itself: pytest puts
    its own stderr back between a fixture's set-up and the test)."""
    err = _Tty()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return err


def test_no_bar_in_ci_or_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    _terminal(monkeypatch)
    assert wants_progress()
    monkeypatch.setenv("CI", "true")
    assert not wants_progress()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not wants_progress()
    with progress_bar() as update:
        assert update is None


def test_bar_draws_for_long_runs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _terminal(monkeypatch)
    with progress_bar(enabled=False) as update:
        assert update is None
    with progress_bar() as update:
        assert update is not None
        update(5, MIN_FILES - 1)
    assert err.getvalue() == ""
    with progress_bar() as update:
        assert update is not None
        update(MIN_FILES, MIN_FILES * 2)
    assert "checking" in err.getvalue()


def test_the_bar_draws_without_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # check forks its workers while the bar shows: no other thread may run then
    err = _terminal(monkeypatch)
    before = threading.active_count()
    with progress_bar() as update:
        assert update is not None
        for done in range(0, MIN_FILES * 2 + 1, 50):
            update(done, MIN_FILES * 2)
            assert threading.active_count() == before
    assert "checking" in err.getvalue()


def test_build_s_stage_bars_draw_without_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # build shows a bar while its check forks workers and its translations stage: as check's bar,
    # no refresh thread (with one, run_all and the translations stage fall back to one process)
    err = _terminal(monkeypatch)
    before = threading.active_count()
    with stage_bars() as start:
        assert start is not None
        advance = start("check", 400)
        for _ in range(8):
            advance(50)
            assert threading.active_count() == before
        pages = start("reviewers", 3)
        pages(3)
        assert threading.active_count() == before
    assert "check" in err.getvalue() and "reviewers" in err.getvalue()
    monkeypatch.setenv("CI", "true")
    with stage_bars() as start:
        assert start is None


def _pid(_item: int) -> int:
    return os.getpid()


def test_workers_are_forked_only_when_no_other_thread_runs() -> None:
    items = list(range(MIN_PARALLEL * 2))
    assert threading.active_count() == 1
    assert set(run_all(_pid, items, jobs=2)) - {os.getpid()}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert set(run_all(_pid, items, jobs=2)) == {os.getpid()}
    finally:
        stop.set()
        other.join()
