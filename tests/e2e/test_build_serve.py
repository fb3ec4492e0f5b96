"""`guidekit serve`: a real process serving on 127.0.0.1 that rebuilds when a policy is saved."""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLE, chromium_path

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
        line = _wait_for_line(proc, r"serving http://127\.0\.0\.1:\d+/ads-br/index\.html", 120)
        m = re.search(r"serving (http://127\.0\.0\.1:\d+/ads-br/)index\.html", line)
        assert m is not None
        url = m.group(1)
        yield root, url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:  # 127.0.0.1 only
        return r.read().decode()


_LINES: dict[int, queue.Queue[str]] = {}


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    """The process's output lines, read on a thread so that waiting can time out."""
    if proc.pid not in _LINES:
        q: queue.Queue[str] = queue.Queue()
        stream = proc.stdout
        assert stream is not None

        def pump() -> None:
            for line in stream:
                q.put(line)
            q.put("")  # end of output

        threading.Thread(target=pump, daemon=True).start()
        _LINES[proc.pid] = q
    return _LINES[proc.pid]


def _wait_for_line(proc: subprocess.Popen[str], pattern: str, seconds: float = 60) -> str:
    lines = _lines(proc)
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        assert line, f"serve ended; it printed: {seen}"
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} in {seconds:.0f} s; serve printed: {seen}")


def test_serve_rebuilds_a_saved_policy(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, proc = served
    # serve shows the Brazil handbook in Portuguese, as build does (docs/translations.md)
    assert "<h1 id=\"ADS-ALC-t\">Bebidas alcoólicas em anúncios</h1>" in _get(url + "ADS-ALC.html")
    policy = root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text().replace("title: Alcohol in ads", "title: Alcohol in adverts"))
    line = _wait_for_line(proc, r"^built \d+ document\(s\) \(\d+ rendered\)")
    m = re.search(r"built (\d+) document\(s\) \((\d+) rendered\)", line)
    assert m is not None
    # the policy and the pages that show its title, not the whole handbook
    assert 1 <= int(m.group(2)) < int(m.group(1))
    # a reworded source: its translation is out of date, so the new source text is shown
    assert "<h1 id=\"ADS-ALC-t\">Alcohol in adverts</h1>" in _get(url + "ADS-ALC.html")
    assert "Alcohol in adverts" in _get(url + "index.html")


def test_serve_applies_translations_as_build_does(served: tuple[Path, str, subprocess.Popen[str]],
                                                   tmp_path: Path) -> None:
    """One way to a translated handbook: serve's pages are build's (translated text, body
    headings, taxonomy titles, notices), and a saved catalog shows at once."""
    from guidekit.cli.app import main

    root, url, proc = served
    assert main(["build", str(root), "--out", str(tmp_path / "built"), "--handbook", "ads-br"]) == 0
    for page in ("ADS-GAMB.html", "ADS-FIN.html", "SOP-ADS-CREATIVE.html"):
        served_page, built_page = _get(url + page), (tmp_path / "built" / "ads-br" / page).read_text()
        article = re.compile(r"<!--gk:article-->.*<!--/gk:article-->", re.DOTALL)
        assert article.search(served_page).group(0) == article.search(built_page).group(0)  # type: ignore[union-attr]
    gamb = _get(url + "ADS-GAMB.html")
    assert '<h2 id="definitions">Definições</h2>' in gamb and "Anúncio reprovado" in gamb
    assert "Esta regra ficou mais rígida depois de traduzida" in gamb
    catalog = root / "translations" / "pt-BR" / "guidance.po"
    catalog.write_text(catalog.read_text("utf-8").replace('msgstr "Bebidas alcoólicas em anúncios"',
                                                          'msgstr "Bebidas alcoólicas na publicidade"'), "utf-8")
    _wait_for_line(proc, r"^built ")
    assert "<h1 id=\"ADS-ALC-t\">Bebidas alcoólicas na publicidade</h1>" in _get(url + "ADS-ALC.html")


_GOOD_TITLE = "<h1 id=\"ADS-ALC-t\">Bebidas alcoólicas em anúncios</h1>"


def test_serve_reports_a_broken_file_and_keeps_its_last_good_version(
        served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    root, url, proc = served
    policy = root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text().replace("kind: ads", "kind: [ads", 1))
    line = _wait_for_line(proc, r"alcohol\.md:\d+:\d+: error")
    assert "the preview keeps its last good version" in line
    _wait_for_line(proc, r"^built ")
    index = _get(url + "index.html")
    assert "ADS-FIN" in index and "ADS-ALC.html" in index
    assert _GOOD_TITLE in _get(url + "ADS-ALC.html")
    # a new file that never loaded has no good version: it is left out
    (root / "policies" / "ads" / "draft.md").write_text("---\nid: ADS-DRAFT\ntitle: [Draft\n---\n")
    line = _wait_for_line(proc, r"draft\.md:\d+:\d+: error")
    assert "left out of the preview" in line


def test_serve_waits_for_a_file_written_in_two_halves(
        served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    """An editor that writes in place: serve may look between the halves. The torn file
    is reported, the handbook served stays the last good one (its page, its title), and
    the whole file is on the page once the second half is there."""
    root, url, proc = served
    policy = root / "policies" / "ads" / "alcohol.md"
    new = policy.read_bytes().replace(b"title: Alcohol in ads", b"title: Alcohol in adverts")
    half = len(new) // 2  # inside the front matter's rules: it is not closed yet
    with open(policy, "r+b") as fh:
        fh.truncate(0)
        fh.write(new[:half])
        fh.flush()
        line = _wait_for_line(proc, r"alcohol\.md:\d+:\d+: error")
        assert "the preview keeps its last good version" in line
        _wait_for_line(proc, r"^built ")
        assert _GOOD_TITLE in _get(url + "ADS-ALC.html")
        assert "ADS-ALC.html" in _get(url + "index.html")
        fh.write(new[half:])
    # each rebuild prints a line; the whole file is on the page after one of them
    while _GOOD_TITLE in _get(url + "ADS-ALC.html"):
        _wait_for_line(proc, r"^built ")
    assert "<h1 id=\"ADS-ALC-t\">Alcohol in adverts</h1>" in _get(url + "ADS-ALC.html")


def test_open_pages_reload_after_a_rebuild_and_root_lists_the_handbooks(
        served: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    root, url, proc = served
    base = url.removesuffix("/ads-br/")
    with urllib.request.urlopen(base + "/", timeout=60) as r:  # 127.0.0.1 only
        assert r.geturl().endswith("/__guidekit/handbooks.html")
        assert 'href="/ads-br/index.html"' in r.read().decode()
    # only serve adds the reload script: the handbook on disk has none
    assert "__guidekit" not in (tmp_path / "site" / "ads-br" / "ADS-ALC.html").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url + "ADS-ALC.html")
            # the page has its event stream open once the first count arrived
            page.locator("html[data-live-reload=on]").wait_for(state="attached")
            page.evaluate("window.__before = 1")
            policy = root / "policies" / "ads" / "alcohol.md"
            policy.write_text(policy.read_text().replace("title: Alcohol in ads", "title: Alcohol in adverts"))
            _wait_for_line(proc, r"^built ")
            page.wait_for_function("window.__before === undefined", timeout=60_000)
            assert page.locator("h1").inner_text() == "Alcohol in adverts"  # reworded: its translation is stale
        finally:
            browser.close()
