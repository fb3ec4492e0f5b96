"""Guidance in a subfolder of a git repository: every report names files from the top of
the repository (guidance/policies/...), wherever the command runs, and SARIF holds no
machine path. Without git, paths start at the working directory."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from conftest import DATA, SAMPLE, GitRepo

pytestmark = pytest.mark.e2e

POLICY = "guidance/policies/ads/alcohol.md"
SOP = "guidance/sops/ad-creative-review.sop.yaml"


def _break(top: Path) -> None:
    path = top / POLICY
    text = path.read_text("utf-8")
    assert "action: ad_restrict" in text
    path.write_text(text.replace("action: ad_restrict", "action: shadowban", 1), "utf-8")


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    shutil.copytree(SAMPLE, git_repo.path / "guidance")
    git_repo.write("README.md", "# Team repository\n")
    git_repo.commit("guidance in a subfolder")
    _break(git_repo.path)
    return git_repo


def _where(repo: GitRepo, place: str) -> tuple[Path, list[str]]:
    """(working directory, arguments naming the guidance) for a run from ``place``."""
    if place == "top":
        return repo.path, ["guidance"]
    return repo.path / "guidance/policies", []


PLACES = ["top", "inside guidance/"]


@pytest.mark.parametrize("place", PLACES)
def test_github_annotations_name_the_file_from_the_repository_top(cli, repo: GitRepo, place: str) -> None:
    cwd, args = _where(repo, place)
    r = cli("check", "--no-cache", "-f", "github", *args, cwd=cwd)
    assert r.exit_code == 1
    assert f"::error file={POLICY},line=" in r.stdout
    assert all(" file=guidance/" in line for line in r.stdout.splitlines() if line.startswith("::"))


@pytest.mark.parametrize("place", PLACES)
def test_sarif_is_valid_and_relative_to_the_repository(cli, repo: GitRepo, place: str,
                                                       tmp_path: Path) -> None:
    cwd, args = _where(repo, place)
    out = tmp_path / "check.sarif"
    r = cli("check", "--no-cache", "-f", "sarif", "-o", str(out), *args, cwd=cwd)
    assert r.exit_code == 1
    text = out.read_text("utf-8")
    doc = json.loads(text)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert list(Draft7Validator(schema).iter_errors(doc)) == []
    locations = [loc["physicalLocation"]["artifactLocation"]
                 for res in doc["runs"][0]["results"] for loc in res["locations"]]
    assert {"uri": POLICY, "uriBaseId": "%SRCROOT%"} in locations
    assert all(loc["uri"].startswith("guidance/") for loc in locations)
    assert str(repo.path) not in text and "file:" not in text
    assert str(Path(repo.path).resolve()) not in text and str(tmp_path) not in text


@pytest.mark.parametrize("place", PLACES)
def test_junit_and_json_name_the_file_from_the_repository_top(cli, repo: GitRepo, place: str) -> None:
    cwd, args = _where(repo, place)
    r = cli("check", "--no-cache", "-f", "json", *args, cwd=cwd)
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["root"] == "guidance"
    assert POLICY in {f["path"] for f in doc["findings"]}
    assert str(repo.path) not in r.stdout
    r = cli("check", "--no-cache", "-f", "junit", *args, cwd=cwd)
    cases = ET.fromstring(r.stdout).iter("testcase")
    files = {c.get("file") for c in cases}
    assert POLICY in files and all(f and f.startswith("guidance/") for f in files)


@pytest.mark.parametrize("place", PLACES)
def test_text_names_the_file_from_the_repository_top(cli, repo: GitRepo, place: str) -> None:
    cwd, args = _where(repo, place)
    r = cli("check", "--no-cache", *args, cwd=cwd)
    assert r.exit_code == 1
    assert f"  {POLICY}:" in r.stdout


@pytest.mark.parametrize("place", PLACES)
def test_sop_test_reports_name_files_from_the_repository_top(cli, repo: GitRepo, place: str) -> None:
    cwd, args = _where(repo, place)
    r = cli("test", "-f", "json", *args, cwd=cwd)
    doc = json.loads(r.stdout)
    assert doc["root"] == "guidance"
    sops = {s["path"] for s in doc["sops"]}
    assert SOP in sops and all(p.startswith("guidance/sops/") for p in sops)
    cases = [c for s in doc["sops"] for c in s["cases"]]
    assert cases and all(c["path"].startswith("guidance/sops/") for c in cases)
    r = cli("test", "-f", "junit", *args, cwd=cwd)
    files = {el.get("file") for el in ET.fromstring(r.stdout).iter() if el.get("file")}
    assert SOP in files and all(f.startswith("guidance/") for f in files)
    r = cli("test", "-v", *args, cwd=cwd)
    assert SOP in r.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_diff_reports_name_files_from_the_repository_top(cli, repo: GitRepo, fmt: str) -> None:
    r = cli("diff", "-f", fmt, cwd=repo.path / "guidance")
    assert r.exit_code in (0, 1), r.stderr
    assert POLICY in r.stdout
    if fmt == "json":
        doc = json.loads(r.stdout)
        (changed,) = doc["documents"]
        assert changed["path"] == POLICY
        assert changed["location"] is None or changed["location"]["path"] == POLICY


def test_without_git_paths_start_at_the_working_directory(cli, tmp_path: Path) -> None:
    top = tmp_path / "team"
    shutil.copytree(SAMPLE, top / "guidance")
    _break(top)
    r = cli("check", "--no-cache", "-f", "github", "guidance", cwd=top)
    assert r.exit_code == 1
    assert f"::error file={POLICY}," in r.stdout
