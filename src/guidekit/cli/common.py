"""Options and helpers shared by the commands (output_stream and use_color live in
guidekit.cli.streams, which does not import Typer)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

# re-exported: the commands take every shared helper from here
from guidekit.cli.streams import output_stream as output_stream
from guidekit.cli.streams import use_color as use_color
from guidekit.loading.root import guidance_root

if TYPE_CHECKING:  # loaded by the commands that read the configuration (diff reads it in its engine)
    from guidekit.loading.config import Config


def root_option(*, paths: bool = True) -> Any:
    """--root, with help that says where the root is looked for without it."""
    where = "the first PATH, then the working directory" if paths else "the working directory"
    return typer.Option(None, "--root", metavar="DIR", file_okay=False,
                        help=f"Guidance root (the folder with guidekit.yaml). Default: the nearest "
                        f"one at or above {where}.")


ROOT_OPTION = root_option()
OUTPUT_OPTION = typer.Option(None, "--output", "-o", "--out", metavar="FILE", dir_okay=False,
                             help="Write the report to FILE (atomically) instead of standard output.")
VERBOSE_OPTION = typer.Option(False, "--verbose", "-v", help="Show every message and note.")


def choices(name: str, values: Iterable[str]) -> Any:
    """An enum of ``values`` for a Typer parameter, so that help and shell completion show
    the choices and Typer refuses anything else. Its members are str (StrEnum); a command
    takes ``str(value)``. Annotate with it behind ``if TYPE_CHECKING: X = str``."""
    return StrEnum(name, {v: v for v in values})


def resolve_config(root: Path | None, paths: Sequence[Path] = ()) -> Config:
    """The configuration of the guidance root (guidekit.loading.root's one rule)."""
    from guidekit.loading.config import load_config

    return load_config(guidance_root(root, paths))


def echo_skipped(names: Sequence[str]) -> None:
    """With -v: the files given by name that were left out (see loading.discover.select_named)."""
    for name in names:
        typer.echo(f"skipped {name}: outside the guidance root or matching no paths: glob "
                   "in guidekit.yaml", err=True)


def default_format(explicit: str | None) -> str:
    if explicit:
        return str(explicit)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "text"
