"""The guidekit command (the console script and `python -m guidekit`): a Typer app
whose command group loads a command's module only to run it, and hands every
exception a command raises to guidekit.cli.outcome (message and exit code).

Built on Typer's public API only: ``typer.Typer(cls=...)`` with a subclass of
``typer.core.TyperGroup`` that overrides the click group's documented hooks
(list_commands, get_command, format_commands, resolve_command, invoke), and
``typer.main.get_command`` to turn a command function into a click command.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import sys
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from guidekit import __version__
from guidekit.cli.outcome import report_failure
from guidekit.errors import ExitCode

__all__ = ["COMMANDS", "app", "load_command", "main"]


# command -> (module, function, one-line help). A module is imported only when its
# command runs (or shows its own help), so `guidekit --help` imports no engine and
# `guidekit diff` does not pay for the handbook renderer. The help here is the first
# line of the function's docstring (tests/unit/test_meta.py keeps them in step).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("guidekit.cli.check", "check",
              "Validate guidance: schemas, cross-document rules and lint rules."),
    "rules": ("guidekit.cli.check", "rules", "List the check rules, or explain one."),
    "fmt": ("guidekit.cli.fmt", "fmt", "Format guidance YAML and front matter canonically, losing nothing."),
    "diff": ("guidekit.cli.diff", "diff", "What changed in the guidance between two revisions, by meaning."),
    "changelog": ("guidekit.cli.diff", "changelog", "Release notes grouped by policy."),
    "history": ("guidekit.cli.diff", "history", "Every commit that changed one document, newest first."),
    "build": ("guidekit.cli.build", "build_cmd", "Build the reviewer handbooks defined in guidekit.yaml."),
    "serve": ("guidekit.cli.serve", "serve",
              "Build the handbooks, serve them on 127.0.0.1 and rebuild when guidance changes."),
    "test": ("guidekit.cli.sop_test", "test",
             "Run every SOP's labelled cases and report pass/fail, the path taken and coverage."),
    "export": ("guidekit.cli.export", "export",
               "Export the guidance for downstream systems and classifiers; output is deterministic."),
    "init": ("guidekit.cli.scaffold", "init",
             "Scaffold a guidance repository that passes everything guidekit runs on it."),
    "new": ("guidekit.cli.scaffold", "new", "Write a new policy or SOP from a template that passes `guidekit check`."),
    "schema": ("guidekit.cli.schema", "schema",
               "Print or export guidekit's JSON Schemas (draft 2020-12); no network needed."),
    "lsp": ("guidekit.cli.lsp", "lsp", "Run the guidance language server."),
    "i18n": ("guidekit.cli.i18n", "i18n",
             "Translated guidance: units by stable id, gettext catalogs, staleness by meaning."),
}

_CONTEXT = {"help_option_names": ["-h", "--help"]}


def load_command(name: str) -> Any:
    """The click command ``name``: its module imported, its function made a command
    by Typer (typer.main.get_command on a one-command app)."""
    module, function, _help = COMMANDS[name]
    holder = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                         context_settings=_CONTEXT)
    holder.command(name, cls=Command)(getattr(importlib.import_module(module), function))
    return typer.main.get_command(holder)


class Command(TyperCommand):
    """A command whose help names each argument by its metavar, with its choices when it
    has some, and never by a Python type (`<list[Path]>`); options name theirs by metavar."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or param.param_type_name not in sections:
                continue
            name, text = record
            if param.param_type_name == "argument":
                shown, _sep, kind = name.partition(" <")
                name = shown if "|" not in kind else name
            sections[param.param_type_name].append((name, text))
        for title, key in (("Arguments", "argument"), ("Options", "option")):
            if sections[key]:
                with formatter.section(title):
                    formatter.write_dl(sections[key])


class LazyGroup(TyperGroup):
    """Loads a command when it runs, lists commands from COMMANDS without loading them,
    and turns every exception a command raises into a message and an exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_m, _f, short) in COMMANDS.items()])

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, list(COMMANDS))
            ctx.fail(f"No such command {name!r}."
                     + (f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.TyperException, typer.Abort):
            raise
        except (Exception, KeyboardInterrupt) as err:
            raise typer.Exit(report_failure(err)) from None


app = typer.Typer(
    cls=LazyGroup,
    name="guidekit",
    help="Check, diff, render, test and export content-moderation guidance kept in git.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=_CONTEXT,
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
    """Run the guidekit command line (``argv`` None: this process's own arguments)."""
    code = _run(argv)
    if argv is None:
        # the process ends with this return (the console script, `python -m guidekit`): its
        # objects go back to the system with it. Frozen, they are out of the final
        # collections Python runs while it shuts down, which cost ~40 ms after a diff of 50
        # documents (the same in-process call, with ``argv``, leaves the collector alone)
        gc.freeze()
    return code


def _run(argv: list[str] | None) -> int:
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
    except BrokenPipeError as err:
        return report_failure(err)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
