"""Files changed since a git revision: committed, staged, unstaged and new.

Runs the ``git`` command (never the network) in the guidance root; paths come
back relative to the root. Old texts are read with ``git show`` so that ids a
change removed still find the documents that referred to them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from guidekit.errors import GuidekitError

__all__ = ["changed_since", "old_text", "tracked_under"]


def _git(root: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                             check=False, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise GuidekitError("--changed-since needs git, which is not installed") from None
    if out.returncode != 0:
        raise _GitFailed(out.stderr.strip())
    return out.stdout


class _GitFailed(Exception):
    pass


def changed_since(root: Path, rev: str) -> set[str]:
    """Root-relative paths that differ between ``rev`` and the working tree."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except _GitFailed:
        raise GuidekitError(f"--changed-since: {rev!r} is not a commit of the repository at {root}",
                            hint="give a branch, tag or commit, e.g. origin/main") from None
    try:
        diff = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", rev, "--")
        new = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    except _GitFailed as err:
        raise GuidekitError(f"--changed-since: git failed: {err}") from None
    return {p for p in (*diff.split("\0"), *new.split("\0")) if p}


def old_text(root: Path, rev: str, rel: str) -> str | None:
    """The file's text at ``rev``, or None where it did not exist."""
    try:
        return _git(root, "show", f"{rev}:./{rel}")
    except _GitFailed:
        return None


def tracked_under(root: Path, folder: Path) -> bool:
    """True when git tracks a file in ``folder`` (False outside a git work tree or without git)."""
    try:
        return bool(_git(root, "ls-files", "-z", "--", str(folder)).strip("\0"))
    except (_GitFailed, GuidekitError):
        return False
