"""`guidekit diff`'s arguments, parsed without Typer, or not at all.

Importing Typer costs more than a 50-policy diff (about 0.1 s here), so the
console script (guidekit.cli.entry) parses `guidekit diff ...` itself when it
can. This parser follows click's rules (long options with `=value` or a
separate value, clusters of short options such as `-vfjson`, `--` ending the
options, options between the revisions, the last value winning for a single
option) for the options below, and checks values as the Typer command does.
Anything else (help, an unknown option, a missing or invalid value, a third
revision) gives None: Typer then parses the same arguments and says what is
wrong in its own words. tests/cli/test_diff_fastpath.py holds the table below
to the Typer command's parameters and this parser to Typer's parse.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from guidekit.cli.diff_run import DIFF_FORMATS, GATES, DiffRequest

__all__ = ["DIFF_OPTIONS", "OptionSpec", "parse_diff_args"]

_HELP = frozenset({"-h", "--help"})


class OptionSpec(NamedTuple):
    """One option of `guidekit diff`: where its value goes and what it accepts."""

    dest: str
    names: tuple[str, ...]
    kind: str  # flag, text, choice, int or path
    multiple: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    file_okay: bool = True
    dir_okay: bool = True

    def convert(self, value: str) -> Any:
        """The value as the Typer command receives it, or None when it would refuse it."""
        if self.kind == "choice":
            return value if value in self.choices else None
        if self.kind == "int":
            # click takes what int() takes (" 2_000", "+2000"); only plain digits here
            if not (value.isascii() and value.isdigit()):
                return None
            number = int(value)
            return number if self.minimum is None or number >= self.minimum else None
        if self.kind == "path":
            return _path(Path(value), file_okay=self.file_okay, dir_okay=self.dir_okay)
        return value


DIFF_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("root", ("--root",), "path", file_okay=False),
    OptionSpec("fmt", ("--format", "-f"), "choice", choices=DIFF_FORMATS),
    OptionSpec("fail_on", ("--fail-on",), "choice", multiple=True, choices=GATES),
    OptionSpec("output", ("--output", "-o"), "path", dir_okay=False),
    OptionSpec("path", ("--path",), "text", multiple=True),
    OptionSpec("max_chars", ("--max-chars",), "int", minimum=2_000),
    OptionSpec("verbose", ("--verbose", "-v"), "flag"),
)
_REVISIONS = ("base", "head")

# click's split: a name of one character after one dash is short, any other is long
_LONG = {n: o for o in DIFF_OPTIONS for n in o.names if len(n) != 2 or n.startswith("--")}
_SHORT = {n: o for o in DIFF_OPTIONS for n in o.names if n not in _LONG}


def _path(path: Path, *, file_okay: bool, dir_okay: bool) -> Path | None:
    """Typer's checks of a path option (exists=False, readable=True)."""
    try:
        st = os.stat(path)
    except OSError:
        return path
    if (not file_okay and stat.S_ISREG(st.st_mode)) or (not dir_okay and stat.S_ISDIR(st.st_mode)):
        return None
    return path if os.access(path, os.R_OK) else None


def parse_diff_args(args: Sequence[str]) -> DiffRequest | None:
    """The request in ``args`` (what follows `guidekit diff`), or None to leave them to Typer."""
    if _HELP.intersection(args):
        return None
    values: dict[str, Any] = {}
    revisions: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            revisions += rest
            break
        if arg[:1] != "-" or len(arg) == 1:
            revisions.append(arg)
            continue
        taken = _options(arg)
        if taken is None:
            return None
        for option, given in taken:
            if option.kind == "flag":
                if given is not None:
                    return None  # click: "Option '--verbose' does not take a value."
                values[option.dest] = True
                continue
            if given is None:
                if not rest:
                    return None
                given = rest.pop(0)  # click takes the next word whatever it looks like
            value = option.convert(given)
            if value is None:
                return None
            if option.multiple:
                values.setdefault(option.dest, []).append(value)
            else:
                values[option.dest] = value
    if len(revisions) > len(_REVISIONS):
        return None
    values.update(zip(_REVISIONS, revisions, strict=False))
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return DiffRequest(**fields)


def _options(arg: str) -> list[tuple[OptionSpec, str | None]] | None:
    """The options in one word with their attached values: `--format=json`, `--verbose`, or
    `-vfjson` (flags, then at most one option taking the rest of the word, or the next word,
    as its value); None for an unknown option."""
    name, eq, attached = arg.partition("=")
    if name in _LONG:
        return [(_LONG[name], attached if eq else None)]
    if arg.startswith("--"):
        return None
    taken: list[tuple[OptionSpec, str | None]] = []
    for i, letter in enumerate(arg[1:], start=2):
        option = _SHORT.get(f"-{letter}")
        if option is None:
            return None
        if option.kind != "flag":
            taken.append((option, arg[i:] or None))
            break
        taken.append((option, None))
    return taken
