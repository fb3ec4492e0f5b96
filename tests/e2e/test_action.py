"""The GitHub Action's steps (action/run.sh, what action.yml runs) in a real repository
with the variables GitHub sets on a pull request: annotations on standard output, the
diff in the job summary, the exit status the inputs ask for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO, SAMPLE, GitRepo

pytestmark = pytest.mark.e2e

POLICY = "guidance/policies/ads/alcohol.md"
CHALLENGES = "guidance/policies/community/dangerous-challenges.md"
RUN = REPO / "action" / "run.sh"


@pytest.fixture
def pull_request(git_repo: GitRepo) -> GitRepo:
    """main holds the sample guidance in guidance/; the branch `feature` (checked out) changes it."""
    shutil.copytree(SAMPLE, git_repo.path / "guidance")
    git_repo.write("README.md", "# Team repository\n")
    git_repo.commit("guidance")
    git_repo.git("checkout", "-q", "-b", "feature")
    return git_repo


def _edit(repo: GitRepo, old: str, new: str, rel: str = POLICY) -> None:
    path = repo.path / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _stricter(repo: GitRepo) -> None:
    """A label becomes an age restriction: a stricter change that keeps every SOP case passing."""
    _edit(repo, "    action: label\n", "    action: age_restrict\n", CHALLENGES)
    repo.commit("stricter: age-restrict a dangerous challenge")


def _run(repo: GitRepo, tmp_path: Path, event: str = "pull_request",
         **inputs: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    summary = tmp_path / "step-summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CI": "true", "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event, "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "feature",
        "GITHUB_REF": "refs/pull/7/merge", "GITHUB_SHA": repo.git("rev-parse", "HEAD"),
        "GITHUB_REPOSITORY": "example/guidance", "GITHUB_WORKSPACE": str(repo.path),
        "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path),
        "HOME": str(repo.path), "GIT_CONFIG_NOSYSTEM": "1",
        "GUIDEKIT_ROOT": "guidance",
        **{f"GUIDEKIT_{k.upper()}": v for k, v in inputs.items()},
    }
    out = subprocess.run(["bash", str(RUN)], cwd=repo.path, env=env, capture_output=True, text=True,
                         check=False, timeout=600)
    return out, summary


def test_a_clean_stricter_change_passes_and_writes_the_job_summary(pull_request: GitRepo,
                                                                   tmp_path: Path) -> None:
    _stricter(pull_request)
    out, summary = _run(pull_request, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "::error" not in out.stdout
    report = summary.read_text("utf-8")
    assert "guidekit diff" in report and "stricter" in report and CHALLENGES in report


def test_findings_are_annotations_and_fail_the_job(pull_request: GitRepo, tmp_path: Path) -> None:
    _edit(pull_request, "action: ad_restrict", "action: shadowban")
    pull_request.commit("a broken policy")
    out, summary = _run(pull_request, tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"::error file={POLICY},line=" in out.stdout
    assert summary.is_file()  # the other steps still ran


def test_the_diff_gate_follows_its_input(pull_request: GitRepo, tmp_path: Path) -> None:
    _stricter(pull_request)
    out, summary = _run(pull_request, tmp_path, diff_fail_on="stricter, breaking")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "stricter" in summary.read_text("utf-8")
    assert "guidekit diff: exit status 1" in out.stderr


def test_steps_and_check_fail_on_follow_their_inputs(pull_request: GitRepo, tmp_path: Path) -> None:
    path = pull_request.path / POLICY
    path.write_text(path.read_text("utf-8").replace("\n## ", "\n## Empty\n\n## ", 1), "utf-8")
    pull_request.commit("an empty section: a warning")
    out, summary = _run(pull_request, tmp_path, steps="check", check_fail_on="error")
    warned = out.stdout.count("::warning ")
    assert out.returncode == 0 and warned, out.stdout + out.stderr
    assert not summary.exists()  # no diff step asked for
    out, _ = _run(pull_request, tmp_path, steps="check", check_fail_on="warning")
    assert out.returncode == 1


def test_no_diff_outside_a_pull_request(pull_request: GitRepo, tmp_path: Path) -> None:
    _stricter(pull_request)
    out, summary = _run(pull_request, tmp_path, event="push", diff_fail_on="stricter")
    assert out.returncode == 0, out.stdout + out.stderr
    assert not summary.exists()


def test_action_yml_runs_this_script_with_every_input() -> None:
    action = YAML(typ="safe").load((REPO / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("action/run.sh" in s.get("run", "") for s in steps)
    assert any("github.action_path" in s.get("run", "") and "install.sh" in s["run"] for s in steps)
    run_env = next(s["env"] for s in steps if "run.sh" in s.get("run", ""))
    for name in action["inputs"]:
        if name != "python":
            assert f"GUIDEKIT_{name.upper().replace('-', '_')}" in run_env, name


def test_action_yml_keeps_the_check_cache_with_actions_cache() -> None:
    """actions/cache saves and restores the folder run.sh gives check, keyed on guidekit's
    version and lockfile (from the install step) with one entry per commit."""
    action = YAML(typ="safe").load((REPO / "action.yml").read_text("utf-8"))
    steps = action["runs"]["steps"]
    install = next(s for s in steps if "install.sh" in s.get("run", ""))
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    run = next(s for s in steps if "run.sh" in s.get("run", ""))
    run_env = run["env"]
    assert steps.index(install) < steps.index(cache) < steps.index(run)
    assert cache["with"]["path"] == run_env["GUIDEKIT_CACHE_DIR"]
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    for output in ("version", "lock"):
        assert f"steps.{install['id']}.outputs.{output}" in key and output in restore
        assert f'echo "{output}=' in (REPO / "action" / "install.sh").read_text("utf-8")
    assert key.endswith("-${{ github.sha }}") and key.startswith(restore)
    assert cache["if"] == "inputs.cache == 'true'" and run_env["GUIDEKIT_CACHE"] == "${{ inputs.cache }}"


def _cache_rows(folder: Path) -> int:
    import sqlite3

    files = sorted(folder.glob("check-*.sqlite"))
    assert len(files) == 1, files
    db = sqlite3.connect(files[0])
    try:
        return int(db.execute("SELECT COUNT(*) FROM state").fetchone()[0])
    finally:
        db.close()


def test_check_keeps_its_cache_where_the_action_saves_it(pull_request: GitRepo, tmp_path: Path) -> None:
    folder = pull_request.path / ".guidekit-cache"
    out, _ = _run(pull_request, tmp_path, steps="check")
    assert out.returncode == 0, out.stdout + out.stderr
    files = _cache_rows(folder)
    assert files > 10  # every guidance file's last findings: the next run re-checks only changes
    assert pull_request.git("status", "--porcelain") == ""  # the folder ignores itself in git
    _edit(pull_request, "action: ad_restrict", "action: shadowban")
    out, _ = _run(pull_request, tmp_path, steps="check")  # a warm run still sees the change
    assert out.returncode == 1 and f"::error file={POLICY},line=" in out.stdout, out.stdout
    assert _cache_rows(folder) == files


def test_no_cache_when_the_input_says_so(pull_request: GitRepo, tmp_path: Path) -> None:
    out, _ = _run(pull_request, tmp_path, steps="check", cache="false")
    assert out.returncode == 0, out.stdout + out.stderr
    assert not (pull_request.path / ".guidekit-cache").exists()
