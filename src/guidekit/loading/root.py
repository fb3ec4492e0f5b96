"""Where a guidance repository starts: the folder that holds guidekit.yaml.

One rule for every command: ``--root`` when given, else the nearest folder at
or above the first PATH, else at or above the working directory. When none
holds guidekit.yaml the command stops (exit 2) before it writes anything, and
the hint names a guidekit.yaml found a few levels below the working directory.

Kept apart from the configuration loader (guidekit.loading.config) so that a
command can find its root before it imports the loader."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from guidekit.errors import GuidekitError

__all__ = ["CONFIG_NAME", "find_root", "guidance_root", "roots_below"]

CONFIG_NAME = "guidekit.yaml"

# folders the hint never looks into: version control, dependencies, caches
_SKIP = frozenset({"node_modules", "site-packages", "__pycache__"})
_DEPTH = 3  # how far below the working directory the hint looks


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds guidekit.yaml."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def roots_below(start: Path, depth: int = _DEPTH) -> list[Path]:
    """Folders up to ``depth`` levels below ``start`` that hold guidekit.yaml, nearest
    first; hidden folders, virtual environments and node_modules are skipped."""
    found: list[Path] = []
    level = [start]
    for _ in range(depth):
        below: list[Path] = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if (entry.name.startswith(".") or entry.name in _SKIP
                        or not entry.is_dir(follow_symlinks=False)):
                    continue
                sub = Path(entry.path)
                if (sub / "pyvenv.cfg").exists():
                    continue
                if (sub / CONFIG_NAME).is_file():
                    found.append(sub)
                below.append(sub)
        level = below
    return found


def guidance_root(root: Path | None, paths: Sequence[Path] = (), cwd: Path | None = None) -> Path:
    """The guidance root a command works on (resolved), or a GuidekitError (exit 2)
    saying that no guidekit.yaml was found, with a ``--root`` hint when one is below."""
    here = cwd or Path.cwd()
    for p in paths:
        # before the root is looked for: a missing path must not send the search elsewhere
        if not p.exists() and not p.is_symlink():
            raise GuidekitError(f"no such file or folder: {p}")
    if root is not None:
        if not root.is_dir():
            raise GuidekitError(f"--root {root} is not a folder")
        if not (root / CONFIG_NAME).is_file():
            raise GuidekitError(f"no {CONFIG_NAME} found in --root {root}",
                                hint=_hint(root) or "`guidekit init FOLDER` writes a start")
        return root.resolve()
    starts = [paths[0]] if paths else []
    for start in (*starts, here):
        found = find_root(start if start.exists() else start.parent)
        if found is not None:
            return found
    where = f"{paths[0]}, {here}" if paths else str(here)
    raise GuidekitError(f"no {CONFIG_NAME} found in {where} or any folder above",
                        hint=_hint(here) or "name the guidance root with --root FOLDER, "
                        "or write one with `guidekit init FOLDER`")


def _hint(start: Path) -> str | None:
    below = roots_below(start)
    if not below:
        return None
    rel = os.path.relpath(below[0], start)
    return f"did you mean --root {rel}?"
