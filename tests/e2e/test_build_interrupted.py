"""A build killed half-way leaves the previous handbook whole (a real process, a real SIGKILL)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from guidekit.handbook.cache import MANIFEST

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COPIES = 400


def _corpus(root: Path) -> None:
    """The sample guidance plus many copies of one policy, so that writing takes a while."""
    shutil.copytree(SAMPLE, root)
    text = (SAMPLE / "policies" / "ads" / "alcohol.md").read_text(encoding="utf-8")
    folder = root / "policies" / "copies"
    folder.mkdir()
    for i in range(COPIES):
        body = text.replace("ADS-ALC", f"COPY-{i}").replace("related: [ADS-GAMB, SOP-ADS-CREATIVE]",
                                                          "related: [ADS-GAMB]")
        (folder / f"copy-{i}.md").write_text(body, encoding="utf-8")


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _args(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "guidekit", "build", str(root), "--out", str(out),
            "--handbook", "ads-global"]


def _build(root: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_args(root, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _temp_folders(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(".ads-global.tmp-")]


def _pages(folder: Path) -> list[Path]:
    """The pages under ``folder`` now; empty once it is gone (the build may remove it as we look)."""
    return [Path(top, name) for top, _dirs, names in os.walk(folder) for name in names if name.endswith(".html")]


def _marker(n: int) -> str:
    return f"Ad disapproved {n}"


def _change_every_page(root: Path, n: int) -> None:
    # a taxonomy title is on every page, so no page can be carried over from the last build
    actions = root / "taxonomy" / "actions.yaml"
    actions.write_text(re.sub(r"title: Ad disapproved.*", f"title: {_marker(n)}", actions.read_text()))


def _writing(folder: Path, n: int) -> bool:
    """True when the (stopped) build is still writing ``folder``: it holds pages of build ``n``
    and no manifest yet. Right after the swap the temporary name holds the *previous*
    handbook while it is removed, so a count of pages alone cannot tell the two apart."""
    if (folder / MANIFEST).exists():
        return False
    new = 0
    for page in _pages(folder):
        with contextlib.suppress(FileNotFoundError):
            new += _marker(n) in page.read_text(encoding="utf-8")
    return new >= 20


@pytest.fixture
def first_build(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    root, out = tmp_path / "guidance", tmp_path / "site"
    _corpus(root)
    done = subprocess.run(_args(root, out), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    site = out / "ads-global"
    before = _digest(site)
    assert f"COPY-{COPIES - 1}.html" in before
    return root, out, before


def test_killed_while_writing_leaves_the_previous_handbook(
        first_build: tuple[Path, Path, dict[str, str]]) -> None:
    root, out, before = first_build
    site = out / "ads-global"
    caught = None
    for attempt in range(5):
        _change_every_page(root, attempt)
        proc = _build(root, out)
        # wait until it has started writing the new handbook beside the old one, then freeze it
        while proc.poll() is None:
            tmp = _temp_folders(out)
            if tmp and len(_pages(tmp[0])) >= 20:
                os.kill(proc.pid, signal.SIGSTOP)  # not reaped yet: the pid is still this build's
                if _writing(tmp[0], attempt):
                    caught = tmp[0]
                    break
                os.kill(proc.pid, signal.SIGCONT)  # it had swapped already (or ended): let it finish
                proc.wait(timeout=300)
        if caught is not None:
            break
        assert proc.returncode == 0
        before = _digest(site)  # it won the race and finished: that is the new previous build
    assert caught is not None, "never caught the build while it was writing"
    assert _digest(site) == before  # mid-write, readers still see the whole previous handbook
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _digest(site) == before
    assert caught.exists()  # the half-written folder is left beside it, never in its place
    # the next build finishes, replaces the handbook and clears the dead build's leftovers
    proc = _build(root, out)
    assert proc.wait(timeout=300) == 0
    assert not caught.exists()
    assert _temp_folders(out) == []
    after = _digest(site)
    assert after != before and after.keys() == before.keys()


def test_killed_before_writing_leaves_the_previous_handbook(
        first_build: tuple[Path, Path, dict[str, str]]) -> None:
    root, out, before = first_build
    site = out / "ads-global"
    # a kill point, not a wait: loading and checking take seconds, and should this build
    # be quicker than that, the next attempt kills the next one the moment it starts
    for attempt, delay in enumerate((0.3, 0.0)):
        _change_every_page(root, 90 + attempt)
        proc = _build(root, out)
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=30)
        if proc.returncode == -signal.SIGKILL and not _temp_folders(out):
            break  # killed before it wrote anything
        for leftover in _temp_folders(out):  # killed while writing: the other test's case
            shutil.rmtree(leftover)
        before = _digest(site)
    assert proc.returncode == -signal.SIGKILL and _temp_folders(out) == []
    assert _digest(site) == before
