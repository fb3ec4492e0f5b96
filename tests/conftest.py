"""Shared fixtures: the sample guidance, real git repositories, the CLI."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from guidekit.cli.app import app

# On a loaded CI machine (2 cores shared) generating examples can be slow: the CI profile
# drops the too_slow health check and the deadline, and keeps every test's example count.
settings.register_profile("ci", suppress_health_check=[HealthCheck.too_slow], deadline=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

# Debian's package first (what `make browser` installs), then other names a machine may use
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str:
    """The Chromium the browser tests drive (through Playwright's executable_path)."""
    found = next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)
    assert found, f"no Chromium on PATH ({', '.join(CHROMIUM_NAMES)}): `make browser` installs Debian's"
    return found


REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "guidance"


def bench_module(name: str) -> ModuleType:
    """A script of bench/ (the corpus generator, a bench's edits), imported as bench/'s scripts import each other."""
    folder = str(REPO / "bench")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)
# the Open Terms Archive sample: shared/ sits beside the clone (CI, /work/main) or beside the
# worktrees' folder; tests clone the bundle into a temporary folder, never into the repository
OTA_BUNDLE = next((p for p in (REPO.parent / "shared" / "corpora" / "ota-sample.bundle",
                               REPO.parent.parent / "shared" / "corpora" / "ota-sample.bundle",
                               Path("/work/shared/corpora/ota-sample.bundle")) if p.is_file()),
                  REPO.parent / "shared" / "corpora" / "ota-sample.bundle")
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(autouse=True)
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user cache folder: check's default cache lives there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "user-cache"))
    monkeypatch.delenv("GUIDEKIT_CACHE_DIR", raising=False)


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of the sample guidance repository."""
    dest = tmp_path / "guidance"
    shutil.copytree(SAMPLE, dest)
    return dest


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run guidekit through Typer's CliRunner: cli("check", "--format", "json", cwd=path)."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        result = runner.invoke(app, list(args), env={"GITHUB_ACTIONS": "", **(env or {})})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.test",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.test",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
    }
    out = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


@dataclass
class GitRepo:
    path: Path

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def write(self, rel: str, text: str) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    def commit(self, message: str, *, date: str | None = None) -> str:
        self.git("add", "-A")
        args = ["commit", "-q", "--allow-empty", "-m", message]
        if date:
            args += ["--date", date]
        self.git(*args)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[GitRepo]:
    """An empty, real git repository (no commits yet)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    yield GitRepo(path)


@pytest.fixture
def sample_repo(git_repo: GitRepo) -> GitRepo:
    """A real git repository whose first commit is the sample guidance."""
    shutil.copytree(SAMPLE, git_repo.path, dirs_exist_ok=True)
    git_repo.commit("sample guidance")
    return git_repo


@pytest.fixture(scope="session")
def project_commit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository of this project's current sources (what pip installs from a clone),
    and its commit: for tools that take a repository and a revision, such as pre-commit."""
    dest = tmp_path_factory.mktemp("guidekit-project")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("src", "schemas"):
        shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "Makefile"):
        shutil.copy2(REPO / name, dest / name)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "guidekit as it is now")
    return dest, git(dest, "rev-parse", "HEAD")


class _Tags(HTMLParser):
    """The open-tag stack of an HTML fragment; closing tags that match nothing are kept."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "img", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.bad.append(tag)


def assert_balanced(html: str) -> None:
    """Every tag the fragment opens, it closes, in order (a cut never leaves one open)."""
    tags = _Tags()
    tags.feed(html)
    tags.close()
    assert not tags.stack and not tags.bad, (tags.stack[:5], tags.bad[:5])
