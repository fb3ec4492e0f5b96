"""Files changed since a git revision: committed, staged, unstaged and new.

Asks git (through guidekit.git, never the network) in the guidance root; paths
come back relative to the root. Old texts are read from git objects so that
ids a change removed still find the documents that referred to them.
"""

from __future__ import annotations

from pathlib import Path

from guidekit.errors import GuidekitError
from guidekit.git import GitCommandError, run, within_reach

__all__ = ["changed_since", "old_text", "tracked_under"]


def changed_since(root: Path, rev: str) -> set[str]:
    """Root-relative paths that differ between ``rev`` and the working tree."""
    try:
        run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except GitCommandError:
        raise GuidekitError(f"--changed-since: {rev!r} is not a commit of the repository at {root}",
                            hint="give a branch, tag or commit, e.g. origin/main") from None
    try:
        diff = run(root, "diff", "--name-only", "--no-renames", "--relative", "-z", "--no-ext-diff",
                   "--end-of-options", rev, "--")
        new = run(root, "ls-files", "--others", "--exclude-standard", "-z")
    except GitCommandError as err:
        raise GuidekitError(f"--changed-since: git failed: {err.stderr.strip() or err}") from None
    return {p for p in (*diff.split("\0"), *new.split("\0")) if p}


def old_text(root: Path, rev: str, rel: str) -> str | None:
    """The file's text at ``rev``, or None where it did not exist."""
    try:
        data = run(root, "show", "--no-textconv", "--end-of-options", f"{rev}:./{rel}")
    except GitCommandError:
        return None
    return data.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def tracked_under(root: Path, folder: Path) -> bool:
    """True when git tracks a file in ``folder`` (False outside a git work tree or without git)."""
    if not within_reach(root, folder):
        return False  # the usual case, the user's cache folder: git need not be asked
    try:
        return bool(run(root, "ls-files", "-z", "--", str(folder)).strip("\0"))
    except (GitCommandError, GuidekitError):
        return False
