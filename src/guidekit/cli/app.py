"""The guidekit command: the Typer app, its lazy command table, and the hand-over of
every exception a command raises to guidekit.cli.outcome (message and exit code).

The console script is guidekit.cli.entry.main, which runs `guidekit diff` and
`guidekit --version` without importing Typer and calls main() here for the rest.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from guidekit import __version__
from guidekit.cli.fastparams import FastParams
from guidekit.cli.outcome import report_failure
from guidekit.errors import ExitCode

__all__ = ["app", "main"]


# command -> the module whose register(app) defines it. A module is imported only
# when one of its commands runs (or for --help), so `guidekit diff` does not pay
# for the handbook renderer's imports. tests/unit/test_meta.py keeps this in step.
COMMANDS: dict[str, str] = {
    "check": "guidekit.cli.check",
    "rules": "guidekit.cli.check",
    "fmt": "guidekit.cli.fmt",
    "diff": "guidekit.cli.diff",
    "changelog": "guidekit.cli.diff",
    "history": "guidekit.cli.diff",
    "build": "guidekit.cli.build",
    "serve": "guidekit.cli.build",
    "test": "guidekit.cli.sop_test",
    "export": "guidekit.cli.export",
    "init": "guidekit.cli.scaffold",
    "new": "guidekit.cli.scaffold",
    "schema": "guidekit.cli.schema",
    "lsp": "guidekit.cli.lsp",
}


def load_commands(module: str) -> dict[str, Any]:
    """The click commands that ``module``'s register() defines."""
    holder = typer.Typer()
    importlib.import_module(module).register(holder)
    out: dict[str, Any] = {}
    for info in holder.registered_commands:
        cmd = typer.main.get_command_from_info(
            info, pretty_exceptions_short=True, rich_markup_mode=app.rich_markup_mode
        )
        out[cmd.name or info.name or ""] = cmd
    return out


class _Group(FastParams, TyperGroup):
    """Loads commands on demand, and turns every exception a command raises into a
    message and an exit code. (FastParams: --version and --help parse without
    importing pydantic, see guidekit.cli.fastparams.)"""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands.update(load_commands(COMMANDS[cmd_name]))
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in COMMANDS:
            # an unknown name: load everything so the "did you mean" hint sees all commands
            for module in dict.fromkeys(COMMANDS.values()):
                self.commands.update(load_commands(module))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.TyperException, typer.Abort):
            raise
        except (Exception, KeyboardInterrupt) as err:
            raise typer.Exit(report_failure(err)) from None


app = typer.Typer(
    cls=_Group,
    name="guidekit",
    help="Check, diff, render, test and export content-moderation guidance kept in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
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
