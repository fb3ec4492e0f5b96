"""The one place that turns what a command raised into a message and an exit code.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
configuration error, 3 internal error, 130 interrupted. Typer-free: the
`guidekit` group (guidekit.cli.app) and the commands report a failure in the
same words.
"""

from __future__ import annotations

import os
import sys

from guidekit.errors import ExitCode, GuidekitError

__all__ = ["echo_err", "report_failure"]


def echo_err(text: str) -> None:
    """One line on standard error, written as click.echo(err=True) writes it: escape
    sequences (say, in a revision name) are dropped unless stderr is a terminal."""
    stream = sys.stderr
    try:
        tty = stream.isatty()
    except Exception:
        tty = False
    if not tty and "\033" in text:
        import re

        text = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text)
    stream.write(text + "\n")
    stream.flush()


def report_failure(err: BaseException) -> int:
    """Say on standard error what ``err`` means for the user; the exit code it calls for."""
    if isinstance(err, GuidekitError):
        echo_err(f"guidekit: error: {err.message}")
        if err.hint:
            echo_err(f"  hint: {err.hint}")
        return ExitCode.USAGE
    if isinstance(err, BrokenPipeError):
        # the reader went away (e.g. `| head`); stop quietly as other CLIs do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.FINDINGS
    if isinstance(err, KeyboardInterrupt):
        echo_err("guidekit: interrupted")
        return ExitCode.INTERRUPTED
    if isinstance(err, OSError):
        # a folder that is read-only, a file where a folder should be, a full disk:
        # the user's to fix, not a bug
        where = f": {err.filename}" if err.filename else ""
        echo_err(f"guidekit: error: {err.strerror or err}{where}")
        return ExitCode.USAGE
    echo_err(f"guidekit: internal error: {type(err).__name__}: {err}")
    if os.environ.get("GUIDEKIT_DEBUG"):
        import traceback

        traceback.print_exception(err)
    else:
        echo_err("  this is a bug in guidekit; set GUIDEKIT_DEBUG=1 for the traceback and report it")
    return ExitCode.INTERNAL
