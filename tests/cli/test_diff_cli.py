"""guidekit diff / changelog / history through the CLI: formats, gates, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, GitRepo, git
from guidekit.schemas import validator_for

FIXTURE = DATA / "diff" / "repo"
GAMB = "policies/ads/gambling.md"
HAR = "policies/community/harassment.md"


def edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    p = repo.path / rel
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new, 1))


@pytest.fixture
def history_repo(git_repo: GitRepo) -> GitRepo:
    """Three commits after the baseline: stricter, editorial, then a move."""
    shutil.copytree(FIXTURE, git_repo.path, dirs_exist_ok=True)
    git_repo.commit("baseline", date="2026-01-01T10:00:00")
    git_repo.git("tag", "v1")
    edit(git_repo, HAR, "severity: medium", "severity: high")
    git_repo.commit("Raise harassment severity", date="2026-01-02T10:00:00")
    edit(git_repo, HAR, "Read the whole thread before you decide.", "Read the full thread before deciding.")
    git_repo.commit("Reword the guidance notes", date="2026-01-03T10:00:00")
    (git_repo.path / "policies/trust").mkdir()
    git_repo.git("mv", HAR, "policies/trust/harassment.md")
    git_repo.commit("Move harassment under trust", date="2026-01-04T10:00:00")
    return git_repo


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_every_format_renders(cli, history_repo: GitRepo, fmt: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "v1", "HEAD", "--format", fmt, cwd=history_repo.path)
    assert r.exit_code == 0, r.stderr
    assert "CG-HARASS" in r.stdout


def test_json_output_matches_its_schema(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    edit(history_repo, GAMB, "action: ad_disapprove\n    severity: high", "action: label\n    severity: high")
    r = cli("diff", "v1", "--format", "json", cwd=history_repo.path)
    data = json.loads(r.stdout)
    errors = list(validator_for("diff").iter_errors(data))
    assert not errors, errors[0].message
    assert data["base"]["ref"] == "v1" and data["head"]["sha"] is None
    doc = next(d for d in data["documents"] if d["id"] == "CG-HARASS")
    assert (doc["change"], doc["old_path"], doc["path"]) == ("moved", HAR, "policies/trust/harassment.md")
    rule = next(r for r in doc["rules"] if r["id"] == "CG-HARASS-1")
    sev = next(f for f in rule["fields"] if f["field"] == "severity")
    assert (sev["old"], sev["new"], sev["impact"]) == ("medium", "high", "stricter")
    assert doc["sections"][0]["heading"] == ["Guidance notes"]
    assert set(data["impacts"]) >= {"stricter", "looser", "editorial"}


@pytest.mark.parametrize(("gate", "code"), [("stricter", 1), ("breaking", 0), ("looser", 0)])
def test_fail_on_gates_the_exit_code(cli, history_repo: GitRepo, gate: str, code: int) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "v1", "HEAD", "--fail-on", gate, "--format", "json", cwd=history_repo.path)
    assert r.exit_code == code
    # a tripped gate says why on standard error: the impact and the documents
    if code:
        assert r.stderr.splitlines() == [f"guidekit: failed: --fail-on {gate}: {gate} changes in 1 document "
                                         "(CG-HARASS)"]
    else:
        assert r.stderr == ""


def test_fail_on_rejects_an_unknown_gate(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "v1", "HEAD", "--fail-on", "scary", cwd=history_repo.path)
    assert r.exit_code == 2


def test_output_file_is_written(cli, history_repo: GitRepo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report" / "diff.html"
    r = cli("diff", "v1", "HEAD", "--format", "html", "--output", str(out), cwd=history_repo.path)
    assert r.exit_code == 0 and r.stdout == ""
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<del>" in page and "<ins>" in page
    # self-contained: no scripts, stylesheets or images fetched from anywhere
    assert "<script" not in page and "<link" not in page and "src=" not in page


def test_root_option_and_plain_text_redline(cli, history_repo: GitRepo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "v1", "HEAD", "--root", str(history_repo.path), cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "[-whole-]{+full+}" in r.stdout
    assert "policies/community/harassment.md → policies/trust/harassment.md" in r.stdout


def test_unknown_revision_is_a_usage_error(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "no-such-tag", cwd=history_repo.path)
    assert r.exit_code == 2
    assert "unknown revision 'no-such-tag'" in r.stderr


@pytest.mark.parametrize(("base", "head", "bad"), [("HEAD", "no-such-tag", "no-such-tag"),
                                                   ("no-such-tag", "HEAD", "no-such-tag"),
                                                   ("HEAD~1..HEAD", "HEAD", "HEAD~1..HEAD")])
def test_two_revisions_name_the_one_that_does_not_resolve(cli, history_repo: GitRepo, base: str,  # type: ignore[no-untyped-def]
                                                           head: str, bad: str) -> None:
    r = cli("diff", base, head, cwd=history_repo.path)
    assert r.exit_code == 2
    assert f"unknown revision {bad!r}" in r.stderr


def test_option_like_revision_is_refused(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("diff", "--", "--output=/tmp/x", cwd=history_repo.path)
    assert r.exit_code == 2 and "is not a revision" in r.stderr


def test_not_a_git_repository(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURE, tmp_path / "g")
    r = cli("diff", cwd=tmp_path / "g")
    assert r.exit_code == 2
    assert "is not inside a git repository" in r.stderr


def test_unborn_branch(cli, git_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(FIXTURE, git_repo.path, dirs_exist_ok=True)
    r = cli("diff", cwd=git_repo.path)
    assert r.exit_code == 2
    assert "has no commits yet" in r.stderr and "'main'" in r.stderr


def test_shallow_clone_lacking_base_says_how_to_fetch(cli, history_repo: GitRepo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history_repo.path}", str(clone)],
                   check=True, capture_output=True)
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    r = cli("diff", "HEAD~2", "HEAD", cwd=clone)
    assert r.exit_code == 2
    assert "unknown revision 'HEAD~2'" in r.stderr and "fetch-depth: 0" in r.stderr
    # what the clone has still diffs
    assert cli("diff", "HEAD", cwd=clone).exit_code == 0


def test_changelog_groups_commits_by_policy(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("changelog", "--since", "v1", cwd=history_repo.path)
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert "## What changed: v1" in text
    assert "### 🟠 stricter · CG-HARASS: Harassment and bullying" in text
    lines = [x for x in text.splitlines() if x.startswith("- `")]
    assert len(lines) == 3
    assert "2026-01-02 Test Author: Raise harassment severity — 🟠 stricter" in lines[-1]
    assert "Move harassment under trust — 🏷️ metadata, moved from policies/community/harassment.md" in lines[0]


def test_changelog_json(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("changelog", "--since", "v1", "--until", "HEAD~1", "--format", "json", cwd=history_repo.path)
    data = json.loads(r.stdout)
    (entry,) = data["entries"]
    assert entry["id"] == "CG-HARASS" and entry["impact"] == "stricter"
    assert [c["subject"] for c in entry["commits"]] == ["Reword the guidance notes", "Raise harassment severity"]
    assert all(len(c["short"]) == 7 and c["author"] == "Test Author" for c in entry["commits"])


def test_history_follows_the_document_across_a_move(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("history", "CG-HARASS", "--format", "json", cwd=history_repo.path)
    assert r.exit_code == 0, r.stderr
    commits = json.loads(r.stdout)["commits"]
    assert [(c["subject"], c["change"], c["impact"]) for c in commits] == [
        ("Move harassment under trust", "moved", "metadata"),
        ("Reword the guidance notes", "modified", "editorial"),
        ("Raise harassment severity", "modified", "stricter"),
        ("baseline", "added", "stricter"),
    ]
    assert commits[2]["path"] == HAR


def test_history_text_and_unknown_id(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("history", "CG-HARASS", cwd=history_repo.path)
    assert "History of CG-HARASS" in r.stdout and "Raise harassment severity" in r.stdout
    r = cli("history", "NOPE", cwd=history_repo.path)
    assert r.exit_code == 2 and "no commit up to HEAD changed a document with id 'NOPE'" in r.stderr


def test_history_of_a_removed_document(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    history_repo.git("rm", "-q", "policies/ads/alcohol.md")
    history_repo.commit("Drop the alcohol policy")
    r = cli("history", "ADS-ALC", "--format", "json", cwd=history_repo.path)
    commits = json.loads(r.stdout)["commits"]
    assert [(c["subject"], c["change"]) for c in commits] == [("Drop the alcohol policy", "removed"),
                                                              ("baseline", "added")]


def test_commands_have_help(cli) -> None:  # type: ignore[no-untyped-def]
    for command in ("diff", "changelog", "history"):
        r = cli(command, "--help")
        assert r.exit_code == 0 and len(r.stdout) > 200


def test_diff_reads_only_paths_and_limits_from_the_config(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    cfg = history_repo.path / "guidekit.yaml"
    cfg.write_text(cfg.read_text() + "paths:\n  policies: policies/**/*.md\n")
    r = cli("diff", "v1", "HEAD", cwd=history_repo.path)
    assert r.exit_code == 2
    assert "guidekit.yaml:4:13: paths.policies must be a list of glob strings" in r.stderr
    assert "guidekit check" in r.stderr
    # a setting the diff does not read is left to `guidekit check`
    cfg.write_text("guidekit: 1\nname: x\nhandbooks: 7\n")
    assert cli("diff", "v1", "HEAD", cwd=history_repo.path).exit_code == 0


def test_path_option_limits_the_diff(cli, history_repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    edit(history_repo, GAMB, "severity: high", "severity: low")
    r = cli("diff", "v1", "--path", "policies/ads", "--format", "json", cwd=history_repo.path)
    assert [d["id"] for d in json.loads(r.stdout)["documents"]] == ["ADS-GAMB"]
