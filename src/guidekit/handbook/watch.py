"""What `guidekit serve` watches: a cheap snapshot of the guidance files' stat data.

Polling the stat data of a few thousand files costs milliseconds and needs no
platform file-watching API, so it behaves the same on every machine.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["Snapshot", "snapshot"]

Snapshot = dict[str, tuple[int, int]]  # relative path -> (mtime_ns, size)

_SKIP = {".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".guidekit-cache"}


def snapshot(root: Path, exclude: tuple[Path, ...] = ()) -> Snapshot:
    """Stat data of every file under ``root``, outside ``exclude`` and hidden folders."""
    skip = {str(p.resolve()) for p in exclude}
    out: Snapshot = {}
    base = str(root.resolve())
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if d not in _SKIP and not d.startswith(".")
                   and os.path.join(folder, d) not in skip]
        for name in files:
            full = os.path.join(folder, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            out[os.path.relpath(full, base)] = (st.st_mtime_ns, st.st_size)
    return out
