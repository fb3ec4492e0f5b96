"""Rendered diff reports against golden files, and the size limit of the PR comment.

Refresh the goldens after a deliberate change to a diff report with:
    GUIDEKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/e2e/test_diff_golden.py
then review the diff of tests/data/golden/diff/.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import DATA, GitRepo
from guidekit.diff import ChangeSet, diff_revisions
from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter
from guidekit.report.diff_markdown import render_markdown

GOLDEN = DATA / "golden" / "diff"
UPDATE = os.environ.get("GUIDEKIT_UPDATE_GOLDEN") == "1"
FIXTURE = DATA / "diff" / "repo"


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed commit dates, so that commit ids (shown in the reports) are stable."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-03-01T12:00:00+00:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-03-01T12:00:00+00:00")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def changes(git_repo: GitRepo, dated: None) -> ChangeSet:
    p = git_repo.path
    shutil.copytree(FIXTURE, p, dirs_exist_ok=True)
    git_repo.commit("baseline")
    git_repo.git("tag", "v1")
    _replace(p / "policies/ads/alcohol.md", "markets: [DE, FR]", "markets: [DE, FR, IT]")
    _replace(p / "policies/ads/gambling.md", "  - id: ADS-GAMB-1\n", "  - id: ADS-GAMB-1.a\n")
    _replace(p / "policies/ads/gambling.md", "action: ad_disapprove\n    severity: high",
             "action: label\n    severity: high")
    _replace(p / "policies/community/harassment.md", "Read the whole thread before you decide.",
             "Read the full thread before deciding. Check the <profile> of the person | named.")
    _replace(p / "policies/community/harassment.md", "People stop taking part when they are attacked",
             "People stop taking part\nwhen they are attacked")
    _replace(p / "sops/ads-review.sop.yaml", "actions: [ad_disapprove]", "actions: [account_ban]")
    (p / "policies/eu").mkdir()
    git_repo.git("mv", "policies/ads/alcohol.md", "policies/eu/alcohol.md")
    git_repo.commit("second")
    return diff_revisions(p, "v1", "HEAD")


def _render(changes: ChangeSet, fmt: str) -> str:
    buf = io.StringIO()
    get_diff_reporter(fmt)(changes, buf, DiffReportOptions(color=False, width=100))
    return buf.getvalue()


@pytest.mark.e2e
@pytest.mark.parametrize(("fmt", "name"), [("markdown", "pr-comment.md"), ("text", "terminal.txt")])
def test_report_matches_golden(changes: ChangeSet, fmt: str, name: str) -> None:
    out = _render(changes, fmt)
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}; run with GUIDEKIT_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_markdown_renders_as_intended(changes: ChangeSet) -> None:
    """Parsed as CommonMark with tables: one summary table, collapsible blocks, and
    redlines as <del>/<ins> whose content cannot break out of the markup."""
    md = render_markdown(changes)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    assert sum(t.type == "table_open" for t in tokens) == 1
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + len(changes)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<details>") == len(changes) == html.count("</details>")
    assert "<del>whole</del><ins>full</ins>" in html.replace("\n", "")
    # user text with markup characters stays text
    assert "&lt;profile&gt;" in html and "<profile>" not in html


def _policy(i: int) -> str:
    return f"""---
id: GEN-{i:04d}
title: Generated policy {i} with a long enough title to fill the table
kind: community
status: active
version: 1
effective: 2026-01-01
owners: [team-{i % 7}]
rules:
  - id: GEN-{i:04d}-1
    title: Rule one of policy {i}
    text: Remove content of type {i} when it targets a person.
    action: remove
    severity: medium
    examples:
      violating:
        - id: v1
          text: "Example {i} that violates the rule in a clear way."
---

## Rationale

Policy {i} exists because content of type {i} harms people. This paragraph is long enough to
make each document's details take a few hundred characters in the report.
"""


@pytest.mark.e2e
@pytest.mark.slow
def test_markdown_stays_under_the_limit_on_500_documents(git_repo: GitRepo) -> None:
    p = git_repo.path
    shutil.copytree(FIXTURE / "taxonomy", p / "taxonomy")
    (p / "guidekit.yaml").write_text("guidekit: 1\n")
    for i in range(500):
        git_repo.write(f"policies/gen/p{i:04d}.md", _policy(i))
    git_repo.commit("generated")
    for i in range(500):
        path = p / f"policies/gen/p{i:04d}.md"
        _replace(path, "severity: medium", "severity: high")
        _replace(path, "harms people", "harms people and their families")
    git_repo.commit("500 changes")
    changes = diff_revisions(p, "HEAD~1", "HEAD")
    assert len(changes) == 500
    md = render_markdown(changes)
    assert len(md) < 60_000
    assert "**Truncated**" in md and "500 documents" in md
    assert md.count("<details>") == md.count("</details>") > 10
    small = render_markdown(changes, max_chars=10_000)
    assert len(small) < 10_000 and "**Truncated**" in small
