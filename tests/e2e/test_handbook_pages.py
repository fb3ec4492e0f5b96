"""Plain Markdown pages in handbooks (issue #15): a path configured under
``paths: pages`` holds Markdown without front matter, checked without GK003,
rendered, searched and change-marked like a policy; ``history`` takes its path."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import GitRepo
from guidekit.handbook.search import decode_chunk

pytestmark = pytest.mark.e2e


CONFIG = """guidekit: 1
name: Platform guidelines
paths:
  pages: ["*/*.md"]
rules:
  broken-link:
    severity: warning   # extracted pages link to anchors their sites had
"""

PAGE_V1 = """Community Guidelines
====================

We want a safe place to share ideas.

Restricted goods
----------------

Sellers of **medicines** need a licence in every market.
"""
PAGE_V2 = PAGE_V1.replace("in every market", "in every market, shown on the listing")


def _index(site: Path) -> dict[str, list[list[str]]]:
    return {page: entries for f in (site / "assets" / "search").glob("[0-9]*.js")
            for page, entries in decode_chunk(f.read_bytes()).items()}


def _found(index: dict[str, list[list[str]]], word: str) -> set[str]:
    """The pages whose search entries hold ``word``."""
    return {page for page, entries in index.items() if any(word in e[3].split() for e in entries)}


def test_plain_markdown_page_is_checked_built_searched_marked_and_has_history(
        cli: Any, git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.write("guidekit.yaml", CONFIG)
    git_repo.write("Market/Community Guidelines.md", PAGE_V1)
    first = git_repo.commit("first")
    git_repo.write("Market/Community Guidelines.md", PAGE_V2)
    git_repo.commit("second")

    checked = cli("check", cwd=git_repo.path)
    assert checked.exit_code == 0, checked.stdout
    assert "GK003" not in checked.stdout

    out = tmp_path / "site"
    built = cli("build", "--out", str(out), "--since", first, cwd=git_repo.path)
    assert built.exit_code == 0, built.stdout + built.stderr
    site = out / "handbook"
    page = (site / "Market" / "Community Guidelines.html").read_text(encoding="utf-8")
    assert "<strong>medicines</strong>" in page and "**" not in page
    index_html = (site / "index.html").read_text(encoding="utf-8")
    assert ">Pages</h2>" in index_html and "Community Guidelines</a>" in index_html
    assert 'Community Guidelines</span> <span class="badge badge-modified"' in index_html
    assert "shown on the listing" in page  # the change mark's redline
    assert _found(_index(site), "licence") == {"Market/Community Guidelines.html"}

    history = cli("history", "Market/Community Guidelines.md", cwd=git_repo.path)
    assert history.exit_code == 0, history.stderr
    assert "History of Market/Community Guidelines" in history.stdout and "2 commits" in history.stdout


@pytest.mark.slow
def test_handbook_from_the_open_terms_archive_sample(cli: Any, tmp_path: Path) -> None:
    from test_diff_markdown_history import BUNDLE

    if not BUNDLE.is_file():
        pytest.skip(f"the real history sample {BUNDLE} is not on this machine")
    clone = tmp_path / "ota"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(clone)], check=True, capture_output=True)
    (clone / "guidekit.yaml").write_text(CONFIG, encoding="utf-8")
    earlier = subprocess.run(["git", "rev-list", "--reverse", "HEAD"], cwd=clone, check=True,
                             capture_output=True, text=True).stdout.split()[30]
    out = tmp_path / "site"
    built = cli("build", "--out", str(out), "--since", earlier, cwd=clone)
    assert built.exit_code == 0, built.stdout + built.stderr
    site = out / "handbook"
    pages = {p.relative_to(site).as_posix() for p in site.glob("*/*.html")}
    assert pages == {f"{name}/Community Guidelines.html" for name in ("LinkedIn", "Temu", "YouTube")}
    index = _index(site)
    # a word each page's own text holds (not only its title)
    assert "LinkedIn/Community Guidelines.html" in _found(index, "professional")
    assert "Temu/Community Guidelines.html" in _found(index, "reviews")
    assert "YouTube/Community Guidelines.html" in _found(index, "thumbnails")
    start = (site / "index.html").read_text(encoding="utf-8")
    changes = start.split('<section class="changes"', 1)[1].split("</section>", 1)[0]
    for name in ("LinkedIn", "Temu", "YouTube"):  # each changed (or came) since the earlier revision
        assert re.search(f'{name}/Community Guidelines</span> <span class="badge badge-(modified|added)"', changes)
