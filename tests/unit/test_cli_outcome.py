"""guidekit.cli.outcome: each kind of failure, its message and its exit code (the Typer
group and the start-up fast path both report through it)."""

from __future__ import annotations

import io
import sys

import pytest

from guidekit.cli.outcome import report_failure
from guidekit.errors import GuidekitError

BUG = "  this is a bug in guidekit; set GUIDEKIT_DEBUG=1 for the traceback and report it\n"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("err", "code", "stderr"), [
    (GuidekitError("unknown revision 'x'", hint="give a tag"), 2,
     "guidekit: error: unknown revision 'x'\n  hint: give a tag\n"),
    (GuidekitError("--root r is not a folder"), 2, "guidekit: error: --root r is not a folder\n"),
    (FileNotFoundError(2, "No such file or directory", "out/x.json"), 2,
     "guidekit: error: No such file or directory: out/x.json\n"),
    (OSError("disk full"), 2, "guidekit: error: disk full\n"),
    (KeyboardInterrupt(), 130, "guidekit: interrupted\n"),
    (ValueError("boom"), 3, "guidekit: internal error: ValueError: boom\n" + BUG),
    # as click.echo does: escape sequences only reach a terminal
    (GuidekitError("unknown revision '\033[31mred'"), 2, "guidekit: error: unknown revision 'red'\n"),
])
def test_each_failure_has_its_message_and_code(monkeypatch: pytest.MonkeyPatch, err: BaseException,
                                               code: int, stderr: str) -> None:
    monkeypatch.delenv("GUIDEKIT_DEBUG", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert report_failure(err) == code
    assert sys.stderr.getvalue() == stderr


def test_a_terminal_gets_the_message_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Tty())
    assert report_failure(GuidekitError("\033[31mred")) == 2
    assert sys.stderr.getvalue() == "guidekit: error: \033[31mred\n"


def test_debug_prints_the_traceback_instead_of_the_bug_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDEKIT_DEBUG", "1")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    try:
        raise ValueError("boom")
    except ValueError as err:
        assert report_failure(err) == 3
    lines = sys.stderr.getvalue().splitlines()
    assert lines[0] == "guidekit: internal error: ValueError: boom"
    assert lines[1] == "Traceback (most recent call last):" and lines[-1] == "ValueError: boom"
    assert BUG.strip() not in lines
