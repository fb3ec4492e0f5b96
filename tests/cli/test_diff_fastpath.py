"""The start-up fast path (guidekit.cli.entry, guidekit.cli.diff_args): `guidekit diff`
parses as Typer parses it, runs without importing Typer, and prints the same bytes
and exit codes; whatever the fast parser does not fully understand goes to Typer."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import DATA, CliResult, GitRepo
from guidekit.cli.app import load_commands
from guidekit.cli.diff_args import _REVISIONS, DIFF_OPTIONS, parse_diff_args
from guidekit.cli.diff_run import DiffRequest

GUIDEKIT = Path(sys.executable).with_name("guidekit")
HAR = "policies/community/harassment.md"

# every spelling click accepts, in a folder with a file f.txt and a folder d/
VALID: list[list[str]] = [
    [],
    ["v1"],
    ["v1", "HEAD"],
    ["v1", "HEAD", "--format", "json"],
    ["--format=markdown", "v1"],
    ["-f", "html", "v1", "v2"],
    ["-fjson", "v1"],
    ["-vfjson", "v1"],
    ["-vf", "text"],
    ["v1", "-v", "v2", "--fail-on", "stricter", "--fail-on=looser"],
    ["--fail-on", "breaking", "--fail-on", "breaking", "--fail-on", "metadata"],
    ["--path", "policies", "--path=sops", "--path", "x y"],
    ["--path", "--"],
    ["--path="],
    ["--max-chars", "2000"],
    ["--max-chars=0060000", "--max-chars", "123456"],
    ["-o", "out.json"],
    ["-oout.json", "--output=report/out.md"],
    ["--root", "d", "-v", "--verbose"],
    ["--root=."],
    ["--root", "missing"],
    ["-f", "json", "-f", "text"],
    ["--", "-weird", "v2"],
    ["v1", "--", "--format"],
    ["-"],
    [""],
]

# what the fast parser leaves to Typer, and the exit code Typer gives
FALLBACK: list[tuple[list[str], int]] = [
    (["--help"], 0),
    (["-h"], 0),
    (["v1", "-vh"], 0),
    (["--nope"], 2),
    (["-x"], 2),
    (["-vx"], 2),
    (["--format"], 2),
    (["v1", "-f"], 2),
    (["--format", "xml"], 2),
    (["-f=json"], 2),
    (["--format="], 2),
    (["--Format", "json"], 2),
    (["--form", "json"], 2),
    (["--fail-on", "scary"], 2),
    (["--max-chars", "1999"], 2),
    (["--max-chars", "lots"], 2),
    (["--max-chars", "-5"], 2),
    (["--verbose=yes"], 2),
    (["a", "b", "c"], 2),
    (["a", "--", "b", "c"], 2),
    (["--root", "f.txt"], 2),
    (["-o", "d"], 2),
    (["--output="], 2),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "d").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _diff_command() -> Any:
    return load_commands("guidekit.cli.diff")["diff"]


def _typer_parse(args: list[str]) -> DiffRequest:
    params = _diff_command().make_context("diff", list(args)).params
    return DiffRequest(**{k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})


@pytest.mark.parametrize("args", VALID, ids=lambda a: " ".join(a) or "(none)")
def test_fast_parse_equals_typer_parse(workdir: Path, args: list[str]) -> None:
    fast = parse_diff_args(args)
    assert fast is not None, "the fast parser should understand this"
    assert fast._asdict() == _typer_parse(args)._asdict()


@pytest.mark.parametrize(("args", "code"), FALLBACK, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_fast_parser_leaves_the_rest_to_typer(workdir: Path, cli: Callable[..., CliResult],
                                              args: list[str], code: int) -> None:
    assert parse_diff_args(args) is None
    assert cli("diff", *args).exit_code == code


@pytest.mark.parametrize("args", [["--max-chars", "2_000"], ["--max-chars", " 3000"], ["--path", "-h"]])
def test_fast_parser_is_stricter_than_click(workdir: Path, args: list[str]) -> None:
    """Odd spellings click accepts (Python's int(), an option value that looks like help)
    go to Typer too: a slower start, never a different result."""
    assert parse_diff_args(args) is None
    _typer_parse(args)


def test_option_table_matches_the_typer_command(workdir: Path) -> None:
    """A new option on the Typer command, or a changed name, default or check, fails
    here until guidekit.cli.diff_args knows it too."""
    params = _diff_command().params
    defaults = DiffRequest._field_defaults
    assert [p.name for p in params] == list(DiffRequest._fields)
    arguments = [p for p in params if p.param_type_name == "argument"]
    assert tuple(p.name for p in arguments) == _REVISIONS
    options = {p.name: p for p in params if p.param_type_name == "option"}
    assert set(options) == {o.dest for o in DIFF_OPTIONS}
    for p in params:
        default = tuple(p.default) if isinstance(p.default, list) else p.default
        assert (default, p.envvar, p.required) == (defaults[p.name], None, False), p.name
    kinds = {"flag": bool, "text": str, "choice": str, "int": int, "path": Path}
    for spec in DIFF_OPTIONS:
        p = options[spec.dest]
        info = p.type_descriptor.parameter_info
        annotation = p.type_descriptor.annotation
        assert (tuple(p.opts) + tuple(p.secondary_opts), p.is_flag, p.multiple, p.count) == (
            spec.names, spec.kind == "flag", spec.multiple, False), spec.dest
        assert annotation == (list[kinds[spec.kind]] if spec.multiple else kinds[spec.kind]), spec.dest
        assert (info.min, info.max, info.file_okay, info.dir_okay) == (
            spec.minimum, None, spec.file_okay, spec.dir_okay), spec.dest
        assert (info.exists, info.readable, info.writable, info.resolve_path, info.allow_dash) == (
            False, True, False, False, False), spec.dest
        # the checks themselves: Typer accepts what the table accepts, and refuses the rest
        name = spec.names[0]
        for value in spec.choices:
            assert getattr(_typer_parse([name, value]), spec.dest) in (value, (value,))
        if spec.minimum is not None:
            assert getattr(_typer_parse([name, str(spec.minimum)]), spec.dest) == spec.minimum
        bad = "not-a-choice" if spec.choices else str(spec.minimum - 1) if spec.minimum is not None else None
        if bad is not None:
            with pytest.raises(typer.BadParameter):
                _typer_parse([name, bad])


@pytest.fixture
def changed_repo(git_repo: GitRepo) -> GitRepo:
    """v1, then a commit that makes harassment stricter, then an uncommitted rewording."""
    shutil.copytree(DATA / "diff" / "repo", git_repo.path, dirs_exist_ok=True)
    git_repo.commit("baseline", date="2026-01-01T10:00:00")
    git_repo.git("tag", "v1")
    p = git_repo.path / HAR
    p.write_text(p.read_text().replace("severity: medium", "severity: high", 1))
    git_repo.commit("Raise harassment severity", date="2026-01-02T10:00:00")
    p.write_text(p.read_text().replace("Read the whole thread before you decide.",
                                       "Read the full thread before deciding.", 1))
    return git_repo


@pytest.mark.parametrize(("args", "code"), [
    (["diff", "v1", "HEAD", "--format", "json"], 0),
    (["diff", "v1", "-fmarkdown"], 0),
    (["diff", "v1", "HEAD", "--fail-on", "stricter", "-f", "json"], 1),
    (["diff", "v1", "--fail-on=looser", "--fail-on", "breaking", "-vf", "markdown", "--max-chars", "2000"], 0),
    (["diff", "nope", "HEAD"], 2),
    (["diff", "v1", "--root", "missing"], 2),
])
@pytest.mark.parametrize("launcher", ["console script", "python -m guidekit"])
def test_fast_path_prints_what_typer_prints(changed_repo: GitRepo, cli: Callable[..., CliResult],
                                            launcher: str, args: list[str], code: int) -> None:
    command = [str(GUIDEKIT)] if launcher == "console script" else [sys.executable, "-m", "guidekit"]
    assert parse_diff_args(args[1:]) is not None
    env = {**os.environ, "GITHUB_ACTIONS": ""}
    env.pop("GUIDEKIT_DEBUG", None)
    fast = subprocess.run([*command, *args], cwd=changed_repo.path, env=env, capture_output=True)
    typer_run = cli(*args, cwd=changed_repo.path)
    assert (fast.returncode, typer_run.exit_code) == (code, code)
    assert fast.stdout == typer_run.stdout.encode()
    assert fast.stderr == typer_run.stderr.encode()
    if code == 0:
        assert b"CG-HARASS" in fast.stdout


def _modules_after(code: str, cwd: Path) -> list[str]:
    probe = (f"import sys; from guidekit.cli.entry import main; rc = main({code}); "
             "print('rc', rc, [m for m in ('typer', 'click', 'rich', 'pydantic') if m in sys.modules], "
             "file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stderr.strip().splitlines()[-1].split(" ", 2)


def test_diff_and_version_run_without_typer(changed_repo: GitRepo) -> None:
    args = "['diff', 'v1', 'HEAD', '-vf', 'json', '--fail-on', 'stricter', '-o', 'out.json']"
    assert _modules_after(args, changed_repo.path) == ["rc", "1", "[]"]
    assert (changed_repo.path / "out.json").read_text().startswith("{")
    assert _modules_after("['--version']", changed_repo.path) == ["rc", "0", "[]"]
    assert _modules_after("['diff', 'nope']", changed_repo.path) == ["rc", "2", "[]"]


@pytest.mark.parametrize(("args", "code"), [(["diff", "--help"], 0), (["diff", "v1", "--format", "xml"], 2),
                                           (["check", "--help"], 0), (["--version", "diff"], 0)])
def test_anything_else_runs_typer(changed_repo: GitRepo, args: list[str], code: int) -> None:
    _, rc, loaded = _modules_after(repr(args), changed_repo.path)
    assert rc == str(code) and "'typer'" in loaded


def test_console_script_is_the_fast_entry() -> None:
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="guidekit")
    assert script.value == "guidekit.cli.entry:main", "reinstall: pip install -e . --no-deps"


@pytest.mark.parametrize("entry", ["guidekit.cli.entry", "guidekit.cli.app"])
def test_a_reader_that_goes_away_ends_the_run_quietly(changed_repo: GitRepo, entry: str) -> None:
    """`guidekit diff ... | head`: exit 1 and nothing on stderr, on either path."""
    code = f"import sys; from {entry} import main; sys.exit(main(['diff', 'v1', 'HEAD', '-f', 'json']))"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=changed_repo.path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # long before the report is written
    _, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr) == (1, b"")
