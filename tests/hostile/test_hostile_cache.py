"""A cache the repository cannot forge (issue 17): where it lives, what it refuses, one read."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import guidekit.check.engine as engine
from conftest import GitRepo, git
from guidekit.check.cache import default_folder
from guidekit.check.engine import run_check
from guidekit.loading import load_config
from guidekit.loading.source import LoadProblem

ALC = "policies/ads/alcohol.md"


def _guidekit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guidekit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def _blank(cache: Path) -> None:
    """What a forger does: every stored finding removed."""
    for db in cache.glob("check-*.sqlite"):
        with contextlib.closing(sqlite3.connect(db)) as con, con:  # closed, and committed
            con.execute("UPDATE entries SET blob = json_set(blob, '$[6]', json('[]'))")
            con.execute("UPDATE state SET row = json_set(json_set(row, '$[4]', json('[]')), "
                        "'$[5]', json('[]'))")


def test_a_committed_forged_cache_does_not_pass_check_in_a_clone(sample_repo: GitRepo,
                                                                  tmp_path: Path) -> None:
    sample_repo.write(ALC, (sample_repo.path / ALC).read_text("utf-8")
                      .replace("id: ADS-ALC\n", "id: ADS-GAMB\n"))  # a duplicate id: an error
    forged = sample_repo.path / ".guidekit-cache"
    first = _guidekit("check", "--cache-dir", str(forged), cwd=sample_repo.path)
    assert first.returncode == 1, first.stderr
    _blank(forged)
    # the forgery works on a folder of this machine's (so the test below means something)
    assert _guidekit("check", "--cache-dir", str(forged), cwd=sample_repo.path).returncode == 0
    (forged / ".gitignore").unlink()
    sample_repo.commit("a cache that says all is well")
    assert "check-" in sample_repo.git("ls-files", ".guidekit-cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(sample_repo.path), str(clone))
    # the default cache is the user's, outside the work tree: the forged one is never read
    plain = _guidekit("check", cwd=clone)
    assert plain.returncode == 1 and "GK2" in plain.stdout, plain.stdout + plain.stderr
    assert default_folder(clone).is_dir()
    assert not default_folder(clone).is_relative_to(clone)
    # named explicitly, a folder git tracks is still refused, with the reason
    named = _guidekit("check", "--cache-dir", ".guidekit-cache", cwd=clone)
    assert named.returncode == 1, named.stdout
    assert "git tracks files in the cache folder" in named.stderr
    # and left as it was: not written
    assert git(clone, "status", "--porcelain") == ""


def test_a_symlinked_cache_folder_is_never_read_or_written(sample_root: Path,
                                                           tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "check-keepme.sqlite").write_text("not guidekit's", "utf-8")
    (sample_root / ".guidekit-cache").symlink_to(outside)
    result = _guidekit("check", "--cache-dir", ".guidekit-cache", cwd=sample_root)
    assert result.returncode in (0, 1)
    assert "is a symbolic link" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["check-keepme.sqlite"]


def test_a_cache_folder_under_a_symlinked_folder_is_refused(sample_root: Path,
                                                            tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (sample_root / "caches").symlink_to(outside)
    result = run_check(load_config(sample_root), cache_dir=sample_root / "caches" / "gk", lean=True)
    assert result.notes and "symbolic link" in result.notes[0]
    assert list(outside.iterdir()) == []


def test_key_and_analysis_come_from_one_read(sample_root: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A save between hashing and analysing must not store one content's findings
    under the other's key (the cache race)."""
    path = sample_root / ALC
    original = path.read_text("utf-8")
    broken = original.replace("id: ADS-ALC\n", "id: ADS-GAMB\n")
    cache = tmp_path / "cache"
    real_read = engine.read_guidance

    def save_while_hashing(p: Path, limit: int) -> bytes | LoadProblem:
        out = real_read(p, limit)
        if p == path:
            path.write_text(broken, encoding="utf-8")  # the editor saves right after the hash
        return out

    monkeypatch.setattr(engine, "read_guidance", save_while_hashing)
    run_check(load_config(sample_root), cache_dir=cache, lean=True)
    monkeypatch.undo()
    path.write_text(original, encoding="utf-8")
    warm = run_check(load_config(sample_root), cache_dir=cache, lean=True)
    cold = run_check(load_config(sample_root), lean=True)
    assert [(f.rule, f.span.path, f.message) for f in warm.findings] == \
        [(f.rule, f.span.path, f.message) for f in cold.findings]


def test_default_cache_folder_follows_the_user_cache_and_the_real_path(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch
                                                                        ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "link").symlink_to(repo)
    assert default_folder(repo) == default_folder(tmp_path / "link")
    assert default_folder(repo).is_relative_to(tmp_path / "xdg" / "guidekit")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert default_folder(repo).is_relative_to(Path.home() / ".cache" / "guidekit")
