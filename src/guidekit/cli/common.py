"""Options and helpers shared by the commands (output_stream and use_color live in
guidekit.cli.streams, which does not import Typer)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import typer

# re-exported: the commands take every shared helper from here
from guidekit.cli.streams import output_stream as output_stream
from guidekit.cli.streams import use_color as use_color
from guidekit.loading.config import Config, load_config
from guidekit.loading.root import guidance_root

ROOT_OPTION = typer.Option(
    None, "--root", help="Guidance root (the folder with guidekit.yaml). "
    "Default: found by walking up from the first PATH, then from the working directory.",
    file_okay=False,
)
OUTPUT_OPTION = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically) "
                             "instead of standard output.", dir_okay=False)
VERBOSE_OPTION = typer.Option(False, "--verbose", "-v", help="Show every message and note.")


def resolve_config(root: Path | None, paths: Sequence[Path] = ()) -> Config:
    """The configuration of the guidance root (guidekit.loading.root's one rule)."""
    return load_config(guidance_root(root, paths))


def echo_skipped(names: Sequence[str]) -> None:
    """With -v: the files given by name that were left out (see loading.discover.select_named)."""
    for name in names:
        typer.echo(f"skipped {name}: outside the guidance root or matching no paths: glob "
                   "in guidekit.yaml", err=True)


def default_format(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "text"


def choice(values: Sequence[str]) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is not None and value not in values:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}")
        return value
    return check
