"""`guidekit serve`: a real process serving on 127.0.0.1 that rebuilds when a policy is saved."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLE

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidekit", "serve", str(root), "--out", str(tmp_path / "site"),
         "--port", "0", "--interval", "0.1", "--handbook", "ads-br"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "serve ended before it served"
            m = re.search(r"serving (http://127\.0\.0\.1:\d+/ads-br/)index\.html", line)
            url = m.group(1) if m else None
        assert url is not None
        yield root, url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:  # 127.0.0.1 only
        return r.read().decode()


def _wait_for_line(proc: subprocess.Popen[str], pattern: str) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "serve ended"
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r}")


def test_serve_rebuilds_a_saved_policy(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, proc = served
    assert "<h1 id=\"ADS-ALC-t\">Alcohol in ads</h1>" in _get(url + "ADS-ALC.html")
    policy = root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text().replace("title: Alcohol in ads", "title: Alcohol in adverts"))
    line = _wait_for_line(proc, r"^built \d+ document\(s\) \(\d+ rendered\)")
    m = re.search(r"built (\d+) document\(s\) \((\d+) rendered\)", line)
    assert m is not None
    # the policy and the pages that show its title, not the whole handbook
    assert 1 <= int(m.group(2)) < int(m.group(1))
    assert "<h1 id=\"ADS-ALC-t\">Alcohol in adverts</h1>" in _get(url + "ADS-ALC.html")
    assert "Alcohol in adverts" in _get(url + "index.html")


def test_serve_reports_a_broken_file_and_keeps_serving(
        served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, proc = served
    policy = root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text().replace("kind: ads", "kind: [ads", 1))
    line = _wait_for_line(proc, r"alcohol\.md:\d+:\d+: error")
    assert "left out of the preview" in line
    _wait_for_line(proc, r"^built ")
    assert "ADS-FIN" in _get(url + "index.html")
