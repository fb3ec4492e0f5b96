"""One rule for the guidance root in every command: run from a folder with no
guidekit.yaml at or above it, each command exits 2, says so, names the guidance
folder below when there is one, and writes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SAMPLE, CliResult, GitRepo

# every command that works on a guidance root, with arguments that would succeed
# (or at least write something) if it ran on the sample
COMMANDS: list[list[str]] = [
    ["check"],
    ["check", "-f", "json", "-o", "report.json"],
    ["fmt"],
    ["fmt", "--check"],
    ["test"],
    ["test", "-o", "cases.txt"],
    ["build"],
    ["build", "-f", "markdown"],
    ["serve", "--port", "0"],
    ["export", "bundle", "-o", "bundle.json"],
    ["export", "dsa", "-o", "dsa"],
    ["diff"],
    ["diff", "HEAD", "-f", "markdown", "-o", "diff.md"],
    ["changelog", "--since", "HEAD"],
    ["history", "CG-HATE"],
    ["new", "policy", "CG-NEW"],
    ["new", "sop", "SOP-NEW", "--policy", "CG-HATE"],
    ["schema", "policy", "--modeline"],
]


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def outer_repo(git_repo: GitRepo) -> GitRepo:
    """A repository that keeps its guidance in guidance/, beside a README."""
    shutil.copytree(SAMPLE, git_repo.path / "guidance")
    git_repo.write("README.md", "# Our guidance\n")
    git_repo.commit("guidance")
    return git_repo


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_root_exits_2_with_the_hint_and_writes_nothing(
        outer_repo: GitRepo, cli: Callable[..., CliResult], args: list[str]) -> None:
    before = _tree(outer_repo.path)
    cache = outer_repo.path.parent / "user-cache"  # where check's cache would go
    r = cli(*args, cwd=outer_repo.path, env={"XDG_CACHE_HOME": str(cache)})
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "no guidekit.yaml found" in r.stderr
    assert "did you mean --root guidance?" in r.stderr
    assert r.stdout == ""
    assert _tree(outer_repo.path) == before
    assert not cache.exists()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_root_anywhere_exits_2_without_a_guess(
        tmp_path: Path, cli: Callable[..., CliResult], args: list[str]) -> None:
    (tmp_path / "node_modules" / "pkg").mkdir(parents=True)
    (tmp_path / "node_modules" / "pkg" / "guidekit.yaml").write_text("guidekit: 1\n")
    before = _tree(tmp_path)
    r = cli(*args, cwd=tmp_path)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "no guidekit.yaml found" in r.stderr
    assert "did you mean" not in r.stderr
    assert _tree(tmp_path) == before


def test_a_root_option_without_guidekit_yaml_is_refused(outer_repo: GitRepo,
                                                        cli: Callable[..., CliResult]) -> None:
    r = cli("test", "--root", ".", cwd=outer_repo.path)
    assert r.exit_code == 2
    assert "no guidekit.yaml found in --root ." in r.stderr
    assert "did you mean --root guidance?" in r.stderr


def test_the_root_is_found_from_the_first_path_then_the_working_directory(
        outer_repo: GitRepo, cli: Callable[..., CliResult]) -> None:
    assert cli("check", "guidance", cwd=outer_repo.path).exit_code == 0
    assert cli("test", cwd=outer_repo.path / "guidance" / "policies").exit_code == 0
    assert cli("test", "--root", "guidance", cwd=outer_repo.path).exit_code == 0


def test_the_hint_looks_a_few_levels_down_only(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "guidekit.yaml").write_text("guidekit: 1\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "guidekit.yaml").write_text("guidekit: 1\n")
    assert "did you mean" not in cli("check", cwd=tmp_path).stderr
    assert "did you mean --root b/c/d?" in cli("check", cwd=tmp_path / "a").stderr
