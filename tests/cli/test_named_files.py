"""Files given by name that guidekit.yaml does not cover are skipped by check and fmt
(like ruff's --force-exclude), so a pre-commit hook can pass every staged file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

POLICY = "policies/ads/alcohol.md"


@pytest.fixture
def repo(sample_root: Path) -> Path:
    """The sample guidance in a subfolder, beside files that are not guidance."""
    top = sample_root.parent
    (top / "README.md").write_text("# A team repository\n", "utf-8")
    (top / ".pre-commit-config.yaml").write_text("repos: []\n", "utf-8")
    (top / ".github/workflows").mkdir(parents=True)
    (top / ".github/workflows/ci.yaml").write_text("on: push\njobs: {}\n", "utf-8")
    (sample_root / "notes.md").write_text("# Notes, not a policy\n", "utf-8")
    (sample_root / "policies/ads/notes.txt").write_text("not guidance\n", "utf-8")
    return top


def _named(top: Path) -> list[str]:
    return [str(top / "README.md"), str(top / ".pre-commit-config.yaml"),
            str(top / ".github/workflows/ci.yaml"), str(top / "guidance/notes.md"),
            str(top / "guidance/policies/ads/notes.txt"), str(top / "guidance" / POLICY)]


@pytest.mark.parametrize("command", [["check"], ["fmt", "--check"]])
def test_uncovered_files_are_skipped_silently(cli, repo: Path, command: list[str]) -> None:
    r = cli(*command, "--root", str(repo / "guidance"), *_named(repo))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "README" not in r.stdout + r.stderr and "skipped" not in r.stderr


@pytest.mark.parametrize("command", [["check"], ["fmt", "--check"]])
def test_verbose_lists_the_skipped_files(cli, repo: Path, command: list[str]) -> None:
    r = cli(*command, "-v", "--root", str(repo / "guidance"), *_named(repo))
    assert r.exit_code == 0, r.stdout + r.stderr
    skipped = [line.split()[1].rstrip(":") for line in r.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped == _named(repo)[:-1]


@pytest.mark.parametrize("command", [["check"], ["fmt", "--check"]])
def test_only_uncovered_files_is_a_clean_run_that_writes_nothing(cli, repo: Path,
                                                                 command: list[str]) -> None:
    before = sorted(repo.rglob("*"))
    r = cli(*command, "--root", str(repo / "guidance"), *_named(repo)[:-1])
    assert r.exit_code == 0, r.stdout + r.stderr
    assert sorted(repo.rglob("*")) == before


def test_a_covered_file_is_checked_as_before(cli, repo: Path) -> None:
    policy = repo / "guidance" / POLICY
    policy.write_text(policy.read_text("utf-8").replace("action: ad_restrict", "action: vaporise", 1), "utf-8")
    r = cli("check", "--no-cache", "-f", "json", "--root", str(repo / "guidance"), *_named(repo))
    assert r.exit_code == 1
    paths = {f["path"] for f in json.loads(r.stdout)["findings"]}
    assert paths and all(p.endswith(POLICY) for p in paths)
    r = cli("fmt", "--check", "--root", str(repo / "guidance"), *_named(repo))
    assert r.exit_code == 0, r.stdout + r.stderr


def test_an_excluded_file_is_skipped(cli, repo: Path) -> None:
    config = repo / "guidance/guidekit.yaml"
    text = config.read_text("utf-8").replace("paths:\n", 'paths:\n  exclude: ["policies/ads/**"]\n', 1)
    config.write_text(text, "utf-8")
    r = cli("check", "-v", "--no-cache", str(repo / "guidance" / POLICY))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "skipped" in r.stderr
