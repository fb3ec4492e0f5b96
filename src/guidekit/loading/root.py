"""Where a guidance repository starts: the folder that holds guidekit.yaml.

Kept apart from the configuration loader (guidekit.loading.config) so that a
command can find its root before it imports the loader."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG_NAME", "find_root"]

CONFIG_NAME = "guidekit.yaml"


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds guidekit.yaml."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None
