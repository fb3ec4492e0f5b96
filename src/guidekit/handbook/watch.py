"""What `guidekit serve` watches: the guidance files' content, looked at cheaply.

Each look stats every file (a few milliseconds for thousands, and no platform
file-watching API, so it behaves the same on every machine) and reads only the
files whose stat data moved: a change is a change of the bytes' digest, so a
touch that leaves the bytes alone does not rebuild. A file whose modification
time is within ``RACY_NS`` of a look is read again at the next look whatever
its stat data says: on a file system that keeps coarse times, an edit of the
same size in the same second leaves the stat data as it was (git calls these
entries "racily clean").

A file that changed is looked at once more after a short pause (``SETTLE``):
when its stat data or digest moved again it is still being written (an editor
that writes in place, a ``git checkout`` under way) and is left for a later
look rather than rendered torn. The build reads each file once more and
renders it only when its digest is the one the watcher saw settle
(``LiveBuild``); a file that still fails to load then keeps its last good
version in the preview.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guidekit.loading.source import read_guidance

__all__ = ["RACY_NS", "SETTLE", "Changes", "Look", "Watcher", "digest"]

SETTLE = 0.1  # seconds between the two looks at a changed file
RACY_NS = 2_000_000_000  # the coarsest modification-time step in common use (FAT: 2 s)

_SKIP = {".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".guidekit-cache"}


def digest(raw: bytes) -> str:
    """The content key of a file's bytes (the watcher's and the live build's)."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Look:
    """One file at one look."""

    mtime_ns: int
    size: int
    digest: str  # of the bytes; for a file that cannot be read, why not
    racy: bool = field(default=False, compare=False)  # read it again at the next look


@dataclass(frozen=True)
class Changes:
    """What moved since the last look, once settled."""

    edited: frozenset[str] = frozenset()  # files whose bytes changed (added or removed: see ``listing``)
    listing: bool = False  # a file was added or removed: walk the folders again
    moving: frozenset[str] = frozenset()  # still being written: left for a later look

    def __bool__(self) -> bool:
        return bool(self.edited) or self.listing


def _look_at(full: str, st: os.stat_result, started_ns: int, max_bytes: int) -> Look:
    racy = st.st_mtime_ns >= started_ns - RACY_NS
    if not stat.S_ISREG(st.st_mode):  # never opened: a FIFO would block
        return Look(st.st_mtime_ns, st.st_size, f"mode {st.st_mode:o}", racy)
    raw = read_guidance(Path(full), max_bytes)
    key = digest(raw) if isinstance(raw, bytes) else f"{raw.rule}: {raw.message}"
    return Look(st.st_mtime_ns, st.st_size, key, racy)


def _bytes(look: Look | None) -> str | None:
    return None if look is None else look.digest


class Watcher:
    """The files under ``root`` (outside ``exclude`` and hidden folders) as serve last took
    them in. ``max_bytes``: larger files are not read (guidance never loads them)."""

    def __init__(self, root: Path, exclude: tuple[Path, ...] = (), *, max_bytes: int = 1 << 30,
                 settle: float = SETTLE) -> None:
        self.root = root.resolve()
        self._skip = {str(p.resolve()) for p in exclude}
        self.max_bytes = max_bytes
        self.settle = settle
        self._seen: dict[str, Look] = {}
        self._again: set[str] = set()

    def digests(self) -> dict[str, str]:
        """Path relative to the root -> digest of the bytes as last settled."""
        return {rel: look.digest for rel, look in self._seen.items()}

    def start(self) -> None:
        """Take every file in (before the first build: an edit made during it is a change)."""
        self._seen = self._look({})

    def again(self, rels: Iterable[str]) -> None:
        """Report these files as edited at the next look (the build found them moving)."""
        self._again.update(rels)

    def changes(self, pause: Callable[[float], None] = time.sleep) -> Changes:
        """Look, and when something changed, look again after ``pause(settle)``."""
        base = self._seen
        now = self._look(base)
        changed = {rel for rel in now.keys() | base.keys() if _bytes(now.get(rel)) != _bytes(base.get(rel))}
        changed |= self._again & now.keys()
        if not changed:
            self._seen = now  # a touch: the new stat data, the same bytes
            return Changes()
        pause(self.settle)
        later = self._look(now)
        moving = {rel for rel in changed if later.get(rel) != now.get(rel)}
        # the base moves on for all but the moving files; a file that changed only during
        # the pause keeps its first look, so that the next look reports it
        seen = {rel: look for rel, look in now.items() if rel not in moving}
        seen.update({rel: base[rel] for rel in moving if rel in base})
        self._seen = seen
        self._again -= changed - moving
        settled = changed - moving
        listing = any((rel in base) != (rel in now) for rel in settled)
        return Changes(frozenset(settled), listing, frozenset(moving))

    def _look(self, before: dict[str, Look]) -> dict[str, Look]:
        started = time.time_ns()
        out: dict[str, Look] = {}
        base = str(self.root)
        for folder, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if d not in _SKIP and not d.startswith(".")
                       and os.path.join(folder, d) not in self._skip]
            for name in files:
                full = os.path.join(folder, name)
                try:
                    st = os.stat(full)
                except OSError:
                    continue
                rel = os.path.relpath(full, base)
                prev = before.get(rel)
                if (prev is not None and not prev.racy and prev.mtime_ns == st.st_mtime_ns
                        and prev.size == st.st_size):
                    out[rel] = prev
                else:
                    out[rel] = _look_at(full, st, started, self.max_bytes)
        return out
