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


def test_open_resolving_is_open_and_resolve_in_one_call(sample_repo: GitRepo, tmp_path: Path) -> None:
    head = run(sample_repo.path, "rev-parse", "HEAD").strip()
    repo, shas = Repo.open_resolving(sample_repo.path / "policies", ["HEAD", head[:12]])
    assert repo.top == Repo.open(sample_repo.path).top and shas == [head, head]
    for revs in (["HEAD", "nope"], ["HEAD~5..HEAD"], ["--all"], []):  # the caller resolves each
        assert Repo.open_resolving(sample_repo.path, revs)[1] is None
    with pytest.raises(GuidekitError, match="not inside a git repository"):
        Repo.open_resolving(tmp_path, ["HEAD"])


def test_many_blobs_are_read_in_one_go(git_repo: GitRepo) -> None:
    """More objects than a pipe holds requests for (a diff of a few thousand files): read
    while they are asked for, not after (asked for first, git and guidekit waited on each
    other for ever)."""
    import threading

    folder = git_repo.path / "many"
    folder.mkdir()
    names = [f"f{i}.txt" for i in range(3000)]
    for i, name in enumerate(names):
        (folder / name).write_text(f"file {i}\n" * 4)
    shas = run(git_repo.path, "hash-object", "-w", "--", *(f"many/{n}" for n in names)).split()
    found: dict[str, bytes] = {}
    with Repo.open(git_repo.path) as repo:
        reader = threading.Thread(target=lambda: found.update(repo.read_blobs(shas)), daemon=True)
        reader.start()
        reader.join(timeout=120)
    assert not reader.is_alive(), "read_blobs hung"
    assert len(found) == 3000 and found[shas[2999]] == b"file 2999\n" * 4


def test_changed_since_lists_committed_staged_and_new_files(sample_repo: GitRepo) -> None:
    base = sample_repo.git("rev-parse", "HEAD")
    (sample_repo.path / "taxonomy" / "new.yaml").write_text("taxonomy: new\nitems: []\n", encoding="utf-8")
    policy = next((sample_repo.path / "policies").rglob("*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = changed_since(sample_repo.path, base)
    assert changed == {"taxonomy/new.yaml", policy.relative_to(sample_repo.path).as_posix()}
    assert old_text(sample_repo.path, base, "taxonomy/new.yaml") is None
    assert old_text(sample_repo.path, base, "guidekit.yaml") == (sample_repo.path / "guidekit.yaml").read_text()


def test_within_reach_is_false_only_where_git_tracks_nothing(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's tracked-folder test asks git only where a folder may be in reach of the
    repository: each False here is checked against git's own answer."""
    from conftest import git
    from guidekit.check.changes import tracked_under
    from guidekit.git import within_reach

    repo = tmp_path / "repo"
    (repo / "guidance").mkdir(parents=True)
    (repo / "cache").mkdir()
    (repo / "cache" / "check-x.sqlite").write_text("committed", "utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a committed cache")
    root = repo / "guidance"
    outside = tmp_path / "user-cache" / "guidekit"
    assert within_reach(root, repo / "cache") and tracked_under(root, repo / "cache")
    assert not within_reach(root, outside) and not tracked_under(root, outside)
    # a linked work tree (its .git is a file naming the repository's folder)
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(linked))
    assert within_reach(linked, linked / "cache") and tracked_under(linked, linked / "cache")
    assert not within_reach(linked, outside) and not tracked_under(linked, outside)
    # a work tree placed above the repository by core.worktree: git is asked
    placed = tmp_path / "placed"
    (placed / "meta").mkdir(parents=True)
    (placed / "cache").mkdir()
    (placed / "cache" / "check-y.sqlite").write_text("committed", "utf-8")
    git(placed / "meta", "init", "-q", "-b", "main")
    git(placed / "meta", "config", "core.worktree", str(placed))
    git(placed / "meta", "add", "../cache")
    git(placed / "meta", "commit", "-q", "-m", "a cache beside the repository folder")
    assert within_reach(placed / "meta", placed / "cache") and tracked_under(placed / "meta", placed / "cache")
    # the environment can place the repository anywhere: git is asked
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert within_reach(tmp_path, outside)
    monkeypatch.delenv("GIT_DIR")
    assert not within_reach(tmp_path, outside)
    # a configuration that includes other files may set the work tree there: git is asked
    git(repo, "config", "include.path", str(tmp_path / "more.gitconfig"))
    assert within_reach(root, outside)
