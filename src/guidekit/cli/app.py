"""The guidekit command and the one place that maps outcomes to exit codes.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
configuration error, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from guidekit import __version__
from guidekit.errors import ExitCode, GuidekitError

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """Turns every exception a command raises into a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GuidekitError as err:
            typer.echo(f"guidekit: error: {err.message}", err=True)
            if err.hint:
                typer.echo(f"  hint: {err.hint}", err=True)
            raise typer.Exit(ExitCode.USAGE) from None
        except (typer.Exit, typer.TyperException, typer.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (e.g. `| head`); stop quietly as other CLIs do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitCode.FINDINGS) from None
        except KeyboardInterrupt:
            typer.echo("guidekit: interrupted", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except OSError as err:
            # a folder that is read-only, a file where a folder should be, a full disk:
            # the user's to fix, not a bug
            where = f": {err.filename}" if err.filename else ""
            typer.echo(f"guidekit: error: {err.strerror or err}{where}", err=True)
            raise typer.Exit(ExitCode.USAGE) from None
        except Exception as err:
            typer.echo(f"guidekit: internal error: {type(err).__name__}: {err}", err=True)
            if os.environ.get("GUIDEKIT_DEBUG"):
                traceback.print_exc()
            else:
                typer.echo("  this is a bug in guidekit; set GUIDEKIT_DEBUG=1 for the traceback "
                           "and report it", err=True)
            raise typer.Exit(ExitCode.INTERNAL) from None


app = typer.Typer(
    cls=_Group,
    name="guidekit",
    help="Check, diff, render, test and export content-moderation guidance kept in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guidekit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """guidekit: moderation guidance as code.

    Exit codes: 0 clean, 1 findings (or failed cases, or a --fail-on gate),
    2 usage or configuration error, 3 internal error, 130 interrupted.
    """


def _register() -> None:
    from guidekit.cli import build, check, diff, export, fmt, scaffold, schema, sop_test

    check.register(app)
    scaffold.register(app)
    schema.register(app)
    sop_test.register(app)
    export.register(app)
    build.register(app)
    diff.register(app)
    fmt.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    try:
        # with standalone_mode off, an Exit raised by a command comes back as the return value
        rv = app(args=argv, prog_name="guidekit", standalone_mode=False)
    except typer.Exit as e:
        return int(e.exit_code)
    except typer.TyperException as e:
        show = getattr(e, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"guidekit: error: {e}", err=True)
        return ExitCode.USAGE
    except typer.Abort:
        return ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
