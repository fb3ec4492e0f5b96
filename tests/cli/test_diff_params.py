"""guidekit.cli.fastparams: the diff commands parse their options without pydantic,
and the direct conversion gives what Typer's own gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import GitRepo
from guidekit.cli.fastparams import FastCommand


def _app(cls: type[Any] | None) -> tuple[typer.Typer, list[Any]]:
    seen: list[Any] = []
    app = typer.Typer()

    def cmd(
        name: str = typer.Argument("x"),
        other: str | None = typer.Argument(None),
        count: int = typer.Option(5, "--count", min=2, max=9),
        flag: bool = typer.Option(False, "--flag", envvar="FP_FLAG"),
        out: Path | None = typer.Option(None, "--out", dir_okay=False),
        root: Path | None = typer.Option(None, "--root", file_okay=False),
        tag: list[str] = typer.Option([], "--tag"),
    ) -> None:
        seen.append((name, other, count, flag, out, root, tag))

    app.command("cmd", cls=cls)(cmd) if cls else app.command("cmd")(cmd)
    app.command("noop")(lambda: None)
    return app, seen


@pytest.mark.parametrize("args,env", [
    ([], {}),
    (["a", "b", "--count", "9", "--flag", "--tag", "t1", "--tag", "t2"], {}),
    (["--count", "2", "--out", "f.txt", "--root", "."], {}),
    (["--count", "1"], {}),
    (["--count", "10"], {}),
    (["--count", "x"], {}),
    (["--out", "."], {}),
    (["--root", "f.txt"], {}),
    ([], {"FP_FLAG": "yes"}),
    ([], {"FP_FLAG": "0"}),
    ([], {"FP_FLAG": "maybe"}),
])
def test_direct_conversion_matches_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         args: list[str], env: dict[str, str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.txt").write_text("x")
    results = []
    for cls in (None, FastCommand):
        app, seen = _app(cls)
        r = CliRunner().invoke(app, ["cmd", *args], env=env)
        results.append((r.exit_code, seen, "Invalid value" in r.output))
    assert results[0] == results[1]


def test_diff_parses_without_pydantic(history_repo_path: Path) -> None:
    """Importing pydantic cost more than a 50-policy diff; the diff path must not."""
    code = ("import sys; from guidekit.cli.app import main; "
            "rc = main(['diff', 'HEAD~1', 'HEAD', '-f', 'json', '--max-chars', '3000', '-v', '--path', '.', "
            "'-o', 'out.json']); print(rc, 'pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=history_repo_path, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["0", "False"]


@pytest.fixture
def history_repo_path(git_repo: GitRepo) -> Path:
    (git_repo.path / "guidekit.yaml").write_text("guidekit: 1\n")
    (git_repo.path / "notes.md").write_text("# Notes\n\nOne.\n")
    git_repo.commit("one", date="2026-01-01T10:00:00")
    (git_repo.path / "notes.md").write_text("# Notes\n\nTwo.\n")
    git_repo.commit("two", date="2026-01-02T10:00:00")
    return git_repo.path
