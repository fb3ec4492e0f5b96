"""A diff's git work started early, in a thread (git itself runs in guidekit.git)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guidekit.git import GitRepo, PathChange, pathspec

if TYPE_CHECKING:
    from guidekit.loading.config import Config

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
    blobs: dict[str, bytes]  # the changed text files' blobs, by id (and the base's taxonomy's)
    # (path, blob) of the files in the base's taxonomy folders; None: not listed
    base_taxonomy: list[tuple[str, str]] | None = None


class Fetch:
    """A diff's git work (find the repository and resolve both revisions, list the
    changed files, list the base's taxonomy, read their blobs) in a thread, started
    before the caller imports the diff engine: on a cold start git's ~30 ms then
    hide behind the imports. ``result()`` waits; it gives None when anything went
    wrong, and the engine then does the same work itself, failing with the proper
    message.

    Where the taxonomy lies comes from guidekit.yaml, which the caller reads while
    git resolves and diffs: ``settle`` hands it over (or None), and the thread waits
    for it before it reads, so that one git process reads all the blobs."""

    def __init__(self, root: Path, base: str, head: str | None, paths: Sequence[str] = ()) -> None:
        self._args = (root, base, head, tuple(paths))
        self._out: Fetched | None = None
        self.settings: tuple[Config, bool] | None = None
        self._settled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="guidekit-git-fetch", daemon=True)
        self._thread.start()

    def settle(self, settings: tuple[Config, bool] | None) -> None:
        """The configuration (guidekit.diff.settings.diff_config's answer), None when it
        could not be read; call it once, on every path."""
        self.settings = settings
        self._settled.set()

    def _run(self) -> None:
        root, base, head, paths = self._args
        repo: GitRepo | None = None
        try:
            repo, shas = GitRepo.open_resolving(root, [base] if head is None else [base, head])
            if shas is not None:
                bsha, hsha = shas[0], shas[1] if head is not None else None
            elif head is None:
                bsha, hsha = repo.resolve(base), None
            else:
                bsha, hsha = repo.resolve_pair(base, head)
            prefix = repo.prefix_of(root)
            changes = repo.changes(bsha, hsha, pathspec(prefix, paths))
            wanted = [blob for c in changes for path, blob in ((c.old_path, c.old_blob), (c.new_path, c.new_blob))
                      if blob is not None and path is not None and path.lower().endswith(_TEXT_SUFFIXES)]
            self._settled.wait()
            taxonomy = None
            if self.settings is not None:
                from guidekit.diff.settings import taxonomy_folders  # loaded by the caller already

                taxonomy = repo.tree_blobs(bsha, taxonomy_folders(self.settings[0], prefix))()
                wanted += [blob for path, blob in taxonomy if path.lower().endswith(_TEXT_SUFFIXES)]
            self._out = Fetched((base, head, paths), repo, bsha, hsha, changes, repo.read_blobs(wanted), taxonomy)
        except Exception:  # the engine redoes the work and reports what is wrong
            if repo is not None:
                repo.close()

    def result(self) -> Fetched | None:
        if not self._settled.is_set():
            self.settle(None)
        self._thread.join()
        return self._out
