"""The diff engine and reporters on policy changes import none of the heavy libraries
other commands use (rich, jinja2, markdown-it, jsonschema, pydantic, polib): each
costs a short command like the diff a large share of its start-up.

``dataclasses`` (and ``inspect``) are no longer kept out: Typer imports both when the
command starts, so the records that are not on a hot path are frozen slotted
dataclasses (tests/unit/test_records.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import GitRepo

GAMB = "policies/ads/gambling.md"
HAR = "policies/community/harassment-bullying.md"


@pytest.fixture
def edited(sample_repo: GitRepo) -> GitRepo:
    """A stricter action, a reworded paragraph, a moved policy; then a working-tree edit."""
    gamb = sample_repo.path / GAMB
    gamb.write_text(gamb.read_text().replace("action: ad_restrict", "action: ad_disapprove", 1))
    har = sample_repo.path / HAR
    har.write_text(har.read_text().replace(" the ", " the whole ", 1))
    sample_repo.git("mv", "policies/ads/dating.md", "policies/dating.md")
    sample_repo.commit("edits")
    alcohol = sample_repo.path / "policies/ads/alcohol.md"
    alcohol.write_text(alcohol.read_text().replace("severity: high", "severity: low", 1))
    return sample_repo


@pytest.mark.parametrize(("base", "head", "fmt"), [
    ("HEAD~1", "HEAD", "json"),
    ("HEAD~1", None, "text"),  # the working tree
    ("HEAD~1", "HEAD", "markdown"),
    ("HEAD~1", "HEAD", "html"),
])
def test_a_policy_diff_imports_no_heavy_library(edited: GitRepo, base: str, head: str | None, fmt: str) -> None:
    """The diff engine and its reporters (the command adds Typer, and pydantic for its parameters)."""
    probe = ("import io, sys; from pathlib import Path; from guidekit.diff import diff_revisions; "
             "from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter; "
             f"changes = diff_revisions(Path('.').resolve(), {base!r}, {head!r}); out = io.StringIO(); "
             f"get_diff_reporter({fmt!r})(changes, out, DiffReportOptions()); sys.stdout.write(out.getvalue()); "
             "print([m for m in ('rich', 'jinja2', 'markdown_it', 'jsonschema', 'pydantic', 'polib') "
             "if m in sys.modules], file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=edited.path, capture_output=True, text=True,
                         check=True)
    assert out.stderr.strip().splitlines()[-1] == "[]"
    if fmt == "json":
        assert '"ADS-GAMB"' in out.stdout and '"stricter"' in out.stdout


def test_typer_imports_dataclasses_and_inspect_anyway() -> None:
    """Why the diff's records may be dataclasses: every command starts by importing Typer,
    which imports both. Should that change, keeping them out may matter again."""
    probe = "import sys, typer; print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['dataclasses', 'inspect']"
