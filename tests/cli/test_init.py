"""`guidekit init` writes a repository that passes everything guidekit runs on it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO, git

EXPORTS = ["bundle", "safeguard", "llama-guard", "cope", "eval", "dsa"]


@pytest.fixture
def made(cli, tmp_path: Path) -> Path:
    target = tmp_path / "new-guidance"
    r = cli("init", str(target))
    assert r.exit_code == 0, r.stderr
    return target


def test_check_passes(cli, made: Path) -> None:
    r = cli("check", "--no-cache", "-f", "json", str(made))
    assert r.exit_code == 0, r.stdout
    doc = json.loads(r.stdout)
    assert doc["findings"] == [] and doc["summary"]["files"] >= 7


def test_fmt_check_passes(cli, made: Path) -> None:
    r = cli("fmt", "--check", str(made))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "would reformat 0 files" in r.stderr


def test_sop_tests_pass(cli, made: Path) -> None:
    r = cli("test", "--root", str(made))
    assert r.exit_code == 0, r.stdout
    assert r.stdout.rstrip().endswith("2 passed, 0 failed")


@pytest.mark.parametrize("kind", EXPORTS)
def test_every_export_passes_and_exports_the_starter_policy(cli, made: Path, kind: str,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cli("export", kind, "--root", str(made), "--out", str(out))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "warning" not in r.stderr and "error" not in r.stderr
    files = [out] if out.is_file() else sorted(p for p in out.rglob("*") if p.is_file())
    written = "".join(p.read_text("utf-8") for p in files)
    assert "CG-EXAMPLE" in written or "Example policy" in written, written[:500]


def test_build_shows_the_starter_documents(cli, made: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = cli("build", "--root", str(made), "--out", str(out))
    assert r.exit_code == 0, r.stdout + r.stderr
    page = (out / "reviewers" / "index.html").read_text("utf-8")
    assert "Example policy: scams" in page and "Example triage" in page


def test_gitignore_keeps_outputs_out_of_git(made: Path) -> None:
    ignored = (made / ".gitignore").read_text("utf-8").split()
    assert "/site/" in ignored and ".guidekit-cache/" in ignored
    for out in ("site/reviewers/index.html", ".guidekit-cache/x"):
        (made / out).parent.mkdir(parents=True, exist_ok=True)
        (made / out).write_text("x", "utf-8")
    assert git(made, "status", "--porcelain", "--untracked-files=all", "--", "site", ".guidekit-cache") == ""


def test_the_folder_becomes_a_git_repository(made: Path) -> None:
    assert Path(git(made, "rev-parse", "--show-toplevel")).resolve() == made.resolve()


def test_no_git_and_an_existing_work_tree_are_left_alone(cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    assert cli("init", str(plain), "--no-git").exit_code == 0
    assert not (plain / ".git").exists()
    top = tmp_path / "team"
    top.mkdir()
    git(top, "init", "-q")
    assert cli("init", str(top / "guidance")).exit_code == 0
    assert not (top / "guidance" / ".git").exists()


def test_the_workflow_uses_the_action_with_every_step(made: Path) -> None:
    workflow = YAML(typ="safe").load((made / ".github/workflows/guidance.yaml").read_text("utf-8"))
    steps = workflow["jobs"]["guidance"]["steps"]
    (action,) = [s for s in steps if "guidekit@" in s.get("uses", "")]
    assert set(action["with"]["steps"].split()) == {"check", "test", "fmt", "diff"}
    assert action["with"]["diff-fail-on"]
    inputs = YAML(typ="safe").load((REPO / "action.yml").read_text("utf-8"))["inputs"]
    assert set(action["with"]) <= set(inputs)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    text = (made / ".github/workflows/guidance.yaml").read_text("utf-8")
    assert "pip install guidekit" not in text


def test_the_pre_commit_config_runs_both_hooks(made: Path) -> None:
    config = YAML(typ="safe").load((made / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["guidekit-check"]["entry"] == "guidekit check"
    assert hooks["guidekit-fmt"]["entry"] == "guidekit fmt --check"


def test_init_commits_nothing(made: Path) -> None:
    # nothing was committed: the user's first commit is theirs
    out = subprocess.run(["git", "-C", str(made), "rev-parse", "--verify", "HEAD"],
                         capture_output=True, text=True, check=False)
    assert out.returncode != 0
