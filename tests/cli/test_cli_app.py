"""The guidekit command group: Typer's public API only, commands loaded when they run,
shell completion, help that shows choices and metavars rather than Python types."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

GUIDEKIT = [sys.executable, "-m", "guidekit"]


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GUIDEKIT, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_only_typer_public_api() -> None:
    """No private module or name of Typer (or of the click it carries) anywhere in src/."""
    pattern = re.compile(r"typer\._|typer\.core\._|_click\b")
    hits = [f"{p}:{n}" for p in (REPO / "src").rglob("*.py")
            for n, line in enumerate(p.read_text("utf-8").splitlines(), 1) if pattern.search(line)]
    assert hits == []


def test_help_imports_no_command_module() -> None:
    code = ("import sys; from guidekit.cli.app import main; rc = main(['--help']); "
            "print([m for m in sys.modules if m.startswith('guidekit.cli.') and m not in "
            "('guidekit.cli.app', 'guidekit.cli.outcome')], "
            "[m for m in ('rich', 'pydantic', 'jsonschema', 'jinja2', 'markdown_it', 'ruamel') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[] []"


def test_the_process_entry_freezes_the_heap_and_an_in_process_call_does_not() -> None:
    """main() as the process's own command line hands its objects to the system at exit
    (gc.freeze: out of the final collections); main(argv), as tests and embedders call
    it, leaves the collector as it was."""
    # counted from where the interpreter starts: 3.12 starts with some objects frozen already
    code = ("import gc, sys; from guidekit.cli.app import main; start = gc.get_freeze_count(); "
            "main(['--version']); a = gc.get_freeze_count(); "
            "sys.argv = ['guidekit', '--version']; main(); print(a == start, gc.get_freeze_count() > a)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True True"


def test_help_lists_every_command_with_its_line() -> None:
    from guidekit.cli.app import COMMANDS

    r = _run("--help")
    assert r.returncode == 0
    for name in COMMANDS:
        assert re.search(rf"^  {name} ", r.stdout, re.M), name
    assert "--install-completion" in r.stdout and "--show-completion" in r.stdout


@pytest.mark.parametrize(("command", "shown"), [
    ("check", "<text|json|sarif|github|junit>"),
    ("check", "<error|warning|info>"),
    ("diff", "<text|markdown|json|html>"),
    ("diff", "<breaking|stricter|looser|editorial|metadata>"),
    ("test", "<text|json|junit>"),
    ("build", "<html|markdown>"),
    ("export", "<bundle|safeguard|llama-guard|cope|eval|dsa>"),
    ("new", "<policy|sop>"),
])
def test_help_shows_choices_not_python_types(cli, command: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(command, "--help")
    assert r.exit_code == 0
    assert shown in r.stdout
    assert not re.search(r"<(str|bool|int|float|path|dir|file|list\[[A-Za-z]+\])>", r.stdout), r.stdout


@pytest.mark.parametrize("command", ["check", "test", "build", "serve", "export", "diff", "changelog",
                                     "history"])
def test_every_command_that_writes_takes_dash_o(cli, command: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(command, "--help")
    assert re.search(r"-o, --output, --out (FILE|DIR|PATH)", r.stdout), r.stdout


def test_schema_export_takes_dash_o(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("schema", "-o", str(tmp_path / "schemas"))
    assert r.exit_code == 0
    assert (tmp_path / "schemas" / "policy.schema.json").is_file()


def test_an_unknown_command_gets_a_guess(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("chek")
    assert r.exit_code == 2
    assert "No such command 'chek'" in r.stderr and "'check'" in r.stderr


def _complete(words: str) -> list[str]:
    """What the shell would offer: the completion entry point as bash calls it."""
    env = {"_GUIDEKIT_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    r = subprocess.run([str(Path(sys.executable).with_name("guidekit"))], capture_output=True,
                       text=True, env={**os.environ, **env}, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_completion_of_command_names() -> None:
    assert set(_complete("guidekit ch")) == {"check", "changelog"}


def test_completion_of_a_choice() -> None:
    assert _complete("guidekit check --format ") == ["text", "json", "sarif", "github", "junit"]
    assert _complete("guidekit diff --fail-on st") == ["stricter"]


def test_show_completion_prints_a_script() -> None:
    """Typer finds the shell `--show-completion` is typed in from the process tree, so the test
    types it in bash (as its user would), whatever runs the suite (make's /bin/sh, a CI runner);
    the `; exit` keeps bash from replacing itself with guidekit."""
    guidekit = shlex.quote(str(Path(sys.executable).with_name("guidekit")))
    r = subprocess.run(["bash", "-c", f"{guidekit} --show-completion; exit $?"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "_GUIDEKIT_COMPLETE" in r.stdout and "complete " in r.stdout
