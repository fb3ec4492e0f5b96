"""Which files under the root are guidance, and of which kind."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from guidekit.errors import GuidekitError
from guidekit.loading.config import CONFIG_NAME, Config
from guidekit.loading.source import DocKind

__all__ = ["Discovered", "Named", "discover", "glob_to_regex", "matches_any", "select_named"]

_KIND_KEYS = (
    ("cases", DocKind.CASES),
    ("sops", DocKind.SOP),
    ("taxonomy", DocKind.TAXONOMY),
    ("pages", DocKind.PAGE),
    ("policies", DocKind.POLICY),
)
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".guidekit-cache"}


@lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob with ``**`` into a regex over POSIX relative paths."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            alts = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def matches_any(rel: str, patterns: Iterable[str]) -> bool:
    return any(glob_to_regex(p).match(rel) for p in patterns)


_OUTSIDE = ("link-outside-root", "symbolic link points outside the guidance repository; not followed")


# named tuple, measured hot: one per file found (every command walks the whole tree)
class Discovered(NamedTuple):
    path: Path
    rel: str
    kind: DocKind | None  # None: a link that leaves the root, or a folder
    # not read: check reports ``problem`` (rule name, message) instead
    outside_link: bool = False
    problem: tuple[str, str] = _OUTSIDE


def classify(rel: str, config: Config) -> DocKind | None:
    paths = config.paths
    if matches_any(rel, paths["exclude"]):
        return None
    for key, kind in _KIND_KEYS:
        if matches_any(rel, paths[key]):
            return kind
    return None


def discover(config: Config) -> list[Discovered]:
    """Every guidance file under the root, sorted by relative path.

    Links are not followed out of the root: a link whose target lies outside is
    returned with ``outside_link`` so that check can report it.
    """
    root = config.root.resolve()
    found: list[Discovered] = []

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else root
        rel = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        found.append(Discovered(where, rel, None, True, (
            "unreadable", f"cannot read folder: {err.strerror or err}; its files were not checked")))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        here = Path(dirpath)
        names = list(filenames)
        # os.walk lists linked folders as dirnames and does not enter them
        names += [d for d in dirnames if (here / d).is_symlink()]
        for name in sorted(names):
            if name == CONFIG_NAME and here == root:
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            link = path.is_symlink()
            try:
                target = path.resolve() if link else path
            except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13)
                found.append(Discovered(path, rel, None, True, (
                    "link-outside-root", "symbolic link loop: the link never reaches a file")))
                continue
            if link and target.is_dir():
                if not target.is_relative_to(root):
                    found.append(Discovered(path, rel, None, outside_link=True))
                continue
            kind = classify(rel, config)
            if kind is None:
                continue
            if link:
                if not target.is_relative_to(root):
                    found.append(Discovered(path, rel, kind, outside_link=True))
                    continue
                if not target.exists():
                    found.append(Discovered(path, rel, kind, True, (
                        "unreadable", "broken symbolic link: its target does not exist")))
                    continue
            found.append(Discovered(path, rel, kind))
    found.sort(key=lambda d: d.rel)
    return found


@dataclass(frozen=True, slots=True)
class Named:
    """The paths a command was given by name, against the files ``paths:`` covers."""

    prefixes: tuple[str, ...]  # relative files, and folders ending in "/"; () = the whole root
    skipped: tuple[str, ...]  # paths as given: outside the root, or matching no ``paths:`` glob
    given: bool  # paths were given (all skipped: nothing is wanted)

    def wanted(self, rel: str) -> bool:
        return not self.given or any(rel == x or rel.startswith(x) for x in self.prefixes)

    @property
    def nothing(self) -> bool:
        """Every path given was skipped: the command has nothing to do."""
        return self.given and not self.prefixes and bool(self.skipped)


def select_named(config: Config, paths: Sequence[Path], known: Iterable[str]) -> Named:
    """Which of ``paths`` (files and folders given by name) a command works on.

    Like ruff's ``--force-exclude``: a file the configuration does not cover
    (outside the root, or matching no ``paths:`` glob, or excluded) is skipped,
    so a pre-commit hook can pass every staged file. ``known`` are the relative
    paths of the files the command would take without names.
    """
    root = config.root.resolve()
    known = set(known) | {CONFIG_NAME}
    prefixes: list[str] = []
    skipped: list[str] = []
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise GuidekitError(f"no such file or folder: {p}")
        absolute = p.parent.resolve() / p.name if p.is_symlink() else p.resolve()
        if absolute == root:
            return Named((), (), given=False)
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            skipped.append(str(p))
            continue
        if p.is_dir() and not p.is_symlink():
            prefixes.append(rel.rstrip("/") + "/")
        elif rel in known:
            prefixes.append(rel)
        else:
            skipped.append(str(p))
    return Named(tuple(prefixes), tuple(skipped), given=bool(paths))
