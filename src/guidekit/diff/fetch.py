"""A diff's git work started early, in a thread (git itself runs in guidekit.git)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guidekit.git import GitRepo, PathChange, pathspec

__all__ = ["Fetch", "Fetched"]

# changed files a prefetch reads: every guidance kind is one of these (anything else a
# configuration names is read when the engine asks for it)
_TEXT_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a diff needs from git before it can parse anything."""

    request: tuple[str, str | None, tuple[str, ...]]  # base, head, paths as asked
    repo: GitRepo
    base_sha: str
    head_sha: str | None
    changes: list[PathChange]
    blobs: dict[str, bytes]  # the changed text files' blobs, by id


class Fetch:
    """A diff's git work (find the repository, resolve both revisions, list the
    changed files, read their blobs) in a thread, started before the caller
    imports the diff engine: on a cold start git's ~30 ms then hide behind the
    imports. ``result()`` waits; it gives None when anything went wrong, and the
    engine then does the same work itself, failing with the proper message."""

    def __init__(self, root: Path, base: str, head: str | None, paths: Sequence[str] = ()) -> None:
        self._args = (root, base, head, tuple(paths))
        self._out: Fetched | None = None
        self._thread = threading.Thread(target=self._run, name="guidekit-git-fetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        root, base, head, paths = self._args
        repo: GitRepo | None = None
        try:
            repo = GitRepo.open(root)
            if head is None:
                bsha, hsha = repo.resolve(base), None
            else:
                bsha, hsha = repo.resolve_pair(base, head)
            changes = repo.changes(bsha, hsha, pathspec(repo.prefix_of(root), paths))
            wanted = [blob for c in changes for path, blob in ((c.old_path, c.old_blob), (c.new_path, c.new_blob))
                      if blob is not None and path is not None and path.lower().endswith(_TEXT_SUFFIXES)]
            self._out = Fetched((base, head, paths), repo, bsha, hsha, changes, repo.read_blobs(wanted))
        except Exception:  # the engine redoes the work and reports what is wrong
            if repo is not None:
                repo.close()

    def result(self) -> Fetched | None:
        self._thread.join()
        return self._out
