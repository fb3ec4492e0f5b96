"""guidekit.git is the one place that runs git, and user-given revisions never become options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import GitRepo
from guidekit.check.changes import changed_since, old_text
from guidekit.errors import GuidekitError
from guidekit.git import GitRepo as Repo
from guidekit.git import run

SRC = Path(__file__).resolve().parents[2] / "src" / "guidekit"


def test_no_other_module_runs_a_program() -> None:
    runs = re.compile(r"\bsubprocess\.(run|Popen|call|check_output|check_call)\b|\bos\.(system|popen|exec)")
    offenders = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                 if p.name != "git.py" and re.search(r'["\']git["\']', p.read_text(encoding="utf-8"))
                 and runs.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_git_speaks_c_and_pages_nothing(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("GIT_PAGER", "false")
    assert run(git_repo.path, "var", "GIT_PAGER").strip() == "cat"
    out = run(git_repo.path, "-c", "alias.e=!env", "e")
    assert "LC_ALL=C" in out.splitlines()


@pytest.mark.parametrize("rev", ["--output=hijacked.txt", "-p"])
def test_a_revision_that_looks_like_an_option_is_refused(sample_repo: GitRepo, rev: str) -> None:
    with pytest.raises(GuidekitError):
        changed_since(sample_repo.path, rev)
    assert old_text(sample_repo.path, rev, "guidekit.yaml") is None
    with Repo.open(sample_repo.path) as repo:
        with pytest.raises(GuidekitError):
            repo.resolve(rev)
        with pytest.raises(GuidekitError):
            repo.list_files(rev, [])
        with pytest.raises(GuidekitError):
            repo.log(rev)
    assert not (sample_repo.path / "hijacked.txt").exists()


def test_changed_since_lists_committed_staged_and_new_files(sample_repo: GitRepo) -> None:
    base = sample_repo.git("rev-parse", "HEAD")
    (sample_repo.path / "taxonomy" / "new.yaml").write_text("taxonomy: new\nitems: []\n", encoding="utf-8")
    policy = next((sample_repo.path / "policies").rglob("*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = changed_since(sample_repo.path, base)
    assert changed == {"taxonomy/new.yaml", policy.relative_to(sample_repo.path).as_posix()}
    assert old_text(sample_repo.path, base, "taxonomy/new.yaml") is None
    assert old_text(sample_repo.path, base, "guidekit.yaml") == (sample_repo.path / "guidekit.yaml").read_text()
