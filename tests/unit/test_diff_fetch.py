"""diff_revisions starts git in a thread before the engine loads (guidekit.diff.fetch.Fetch):
the answer, and every error, must be what the engine alone gives."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, GitRepo
from guidekit.diff import DiffSession, diff_revisions
from guidekit.diff.fetch import Fetch
from guidekit.errors import GuidekitError
from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter


def _json(changes: object) -> str:
    buf = io.StringIO()
    get_diff_reporter("json")(changes, buf, DiffReportOptions())  # type: ignore[arg-type]
    return buf.getvalue()


def _alone(root: Path, base: str, head: str | None, paths: tuple[str, ...] = ()) -> str:
    with DiffSession(root) as session:
        return _json(session.diff(base, head, paths=paths))


@pytest.fixture
def nested(git_repo: GitRepo) -> Path:
    """The sample guidance in a folder of a larger repository, then edited: a stricter
    action, a reworded paragraph, a moved policy, an untracked new policy."""
    root = git_repo.path / "trust" / "guidance"
    shutil.copytree(SAMPLE, root)
    git_repo.write("README.md", "Not guidance.\n")
    git_repo.commit("baseline")
    gamb = root / "policies/ads/gambling.md"
    gamb.write_text(gamb.read_text().replace("action: ad_restrict", "action: ad_disapprove", 1))
    har = root / "policies/community/harassment-bullying.md"
    text = har.read_text()
    har.write_text(text.replace(" the ", " the whole ", 1))
    git_repo.git("mv", "trust/guidance/policies/ads/dating.md", "trust/guidance/policies/dating.md")
    git_repo.commit("edits")
    shutil.copy(gamb, root / "policies/ads/gambling-copy.md")  # untracked, same id: a second document
    (root / "policies/ads/alcohol.md").write_text(
        (root / "policies/ads/alcohol.md").read_text().replace("severity: high", "severity: low", 1))
    return root


@pytest.mark.parametrize(("base", "head", "paths"), [
    ("HEAD~1", "HEAD", ()),
    ("HEAD~1", None, ()),  # the working tree: edits and an untracked file
    ("HEAD~1", "HEAD", ("policies/ads",)),
    ("HEAD", None, ("policies/ads/alcohol.md",)),
])
def test_a_prefetched_diff_is_the_diff_without_one(nested: Path, base: str, head: str | None,
                                                   paths: tuple[str, ...]) -> None:
    fetched = _json(diff_revisions(nested, base, head, paths=paths))
    assert fetched == _alone(nested, base, head, paths)
    assert '"documents": [\n' in fetched  # something changed


def test_the_fetch_reads_what_the_diff_needs(nested: Path) -> None:
    got = Fetch(nested, "HEAD~1", "HEAD").result()
    assert got is not None
    assert [c.new_path for c in got.changes if c.new_path] == sorted(
        c.new_path for c in got.changes if c.new_path)
    assert all(p.startswith("trust/guidance/") for c in got.changes for p in (c.old_path, c.new_path) if p)
    assert {c.new_blob for c in got.changes if c.new_blob} <= set(got.blobs)
    assert got.base_taxonomy is None  # no settings handed over: the engine lists the taxonomy
    got.repo.close()


def test_with_the_settings_the_fetch_reads_the_base_taxonomy_too(nested: Path) -> None:
    from guidekit.diff.settings import diff_config

    fetch = Fetch(nested, "HEAD~1", "HEAD")
    fetch.settle(diff_config(nested))
    got = fetch.result()
    assert got is not None and got.base_taxonomy is not None
    names = {p.removeprefix("trust/guidance/") for p, _blob in got.base_taxonomy}
    assert {"taxonomy/actions.yaml", "taxonomy/severities.yaml"} <= names
    assert {blob for _p, blob in got.base_taxonomy} <= set(got.blobs)
    got.repo.close()


def test_a_diff_of_two_commits_asks_git_four_things(nested: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the repository is with both revisions, what changed, the base's taxonomy
    files, and one read of every blob the diff needs (the changed files' and the
    taxonomy's): each git process costs a diff a few milliseconds."""
    log = tmp_path / "git.log"
    spy = tmp_path / "bin" / "git"
    spy.parent.mkdir()
    spy.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {shutil.which("git")} "$@"\n', "utf-8")
    spy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy.parent}{os.pathsep}{os.environ['PATH']}")
    changes = diff_revisions(nested, "HEAD~1", "HEAD")
    assert any(d.id == "ADS-GAMB" for d in changes.documents)
    assert log.read_text("utf-8").split() == ["rev-parse", "diff", "ls-tree", "cat-file"]


@pytest.mark.parametrize(("base", "head"), [("nope", "HEAD"), ("HEAD", "nope"), ("--all", "HEAD")])
def test_a_fetch_that_fails_leaves_the_message_to_the_engine(nested: Path, base: str, head: str) -> None:
    assert Fetch(nested, base, head).result() is None
    with pytest.raises(GuidekitError) as alone:
        _alone(nested, base, head)
    with pytest.raises(GuidekitError) as fetched:
        diff_revisions(nested, base, head)
    assert (fetched.value.message, fetched.value.hint) == (alone.value.message, alone.value.hint)


def test_not_a_repository_is_the_same_error(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "g")
    with pytest.raises(GuidekitError) as err:
        diff_revisions(tmp_path / "g", "HEAD", None)
    assert "not inside a git repository" in err.value.message


def test_importing_the_package_does_not_load_the_engine() -> None:
    code = ("import sys, guidekit.diff, guidekit.diff.fetch; "
            "print([m for m in ('guidekit.diff.engine', 'guidekit.diff.model', 'ruamel.yaml') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
