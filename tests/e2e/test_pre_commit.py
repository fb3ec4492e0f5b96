"""A real pre-commit run with this repository's hooks (.pre-commit-hooks.yaml), installed by
pre-commit from a commit of this project: ordinary commits pass, a broken policy fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, GitRepo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

POLICY = "guidance/policies/ads/alcohol.md"


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: the hook environment is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _run(repo: GitRepo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
           "HOME": str(repo.path), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.test",
           "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.test"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(list(args), cwd=repo.path, env=env, capture_output=True, text=True,
                          check=False, timeout=600)


def _edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    path = repo.path / rel
    text = path.read_text("utf-8")
    assert old in text, f"{rel} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_hooks_pass_ordinary_commits_and_fail_a_broken_policy(
        git_repo: GitRepo, project_commit: tuple[Path, str], pre_commit_home: Path) -> None:
    hooks_repo, rev = project_commit
    repo = git_repo
    shutil.copytree(SAMPLE, repo.path / "guidance")
    repo.write("README.md", "# Our guidance\n")
    repo.write(".github/workflows/ci.yaml", "name: ci\non: [pull_request]\njobs: {}\n")
    repo.commit("guidance")
    repo.write(".pre-commit-config.yaml", f"""repos:
  - repo: {hooks_repo}
    rev: {rev}
    hooks:
      - id: guidekit-check
        args: [--root, guidance]
      - id: guidekit-fmt
        args: [--root, guidance]
""")
    installed = _run(repo, pre_commit_home, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    repo.write("README.md", "# Our guidance\n\nHow we write it.\n")
    repo.write(".github/workflows/ci.yaml", "name: ci\non: [pull_request, push]\njobs: {}\n")
    _edit(repo, POLICY, "title: Alcohol in ads\n", "title: Alcohol in ads and promotions\n")
    ok = _commit(repo, pre_commit_home, "an ordinary change")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    out = ok.stdout + ok.stderr
    assert "guidekit check" in out and "guidekit fmt" in out
    assert "Failed" not in out

    head = repo.git("rev-parse", "HEAD")
    _edit(repo, POLICY, "action: ad_restrict", "action: shadowban")
    broken = _commit(repo, pre_commit_home, "a broken policy")
    out = broken.stdout + broken.stderr
    assert broken.returncode != 0, out
    assert f"{POLICY}:" in out and "GK210" in out and "shadowban" in out
    assert repo.git("rev-parse", "HEAD") == head


def _commit(repo: GitRepo, home: Path, message: str) -> subprocess.CompletedProcess[str]:
    repo.git("add", "-A")
    return _run(repo, home, "git", "commit", "-q", "-m", message)
