"""guidekit diff: what changed in the guidance between two git revisions, by meaning.

The public API (stable; handbooks build their change marks on it):

- ``diff_revisions(root, base="HEAD", head=None, paths=()) -> ChangeSet``
  (``head`` None is the working tree)
- ``DiffSession(root)`` for many diffs over one open repository
- ``word_redline(old, new) -> list[(op, text)]`` with op "equal" | "insert" | "delete"
- the ChangeSet data: ``ChangeSet``, ``DocumentChange``, ``RuleChange``
  (= ``ItemChange``), ``FieldChange``, ``SectionChange``, ``ParagraphChange``,
  ``Revision``, the translation units a change touches per locale
  (``LocaleTranslations``, ``TranslationChange``: filled by guidekit.i18n.changes),
  and the enums ``ChangeKind`` and ``Impact``.

Names are imported from their modules on first use (guidekit.lazy): importing
this package costs nothing, so diff_revisions can start git before the engine's
modules load.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guidekit.lazy import lazy_exports

if TYPE_CHECKING:
    from guidekit.diff.engine import DiffSession
    from guidekit.diff.model import (
        ChangeKind,
        ChangeSet,
        DocumentChange,
        FieldChange,
        Impact,
        ItemChange,
        LocaleTranslations,
        ParagraphChange,
        Redline,
        Revision,
        RuleChange,
        SectionChange,
        TranslationChange,
    )
    from guidekit.diff.redline import word_redline

__all__ = [
    "ChangeKind",
    "ChangeSet",
    "DiffSession",
    "DocumentChange",
    "FieldChange",
    "Impact",
    "ItemChange",
    "LocaleTranslations",
    "ParagraphChange",
    "Redline",
    "Revision",
    "RuleChange",
    "SectionChange",
    "TranslationChange",
    "diff_revisions",
    "word_redline",
]

_MODEL = ("ChangeKind", "ChangeSet", "DocumentChange", "FieldChange", "Impact", "ItemChange", "LocaleTranslations",
          "ParagraphChange", "Redline", "Revision", "RuleChange", "SectionChange", "TranslationChange")
__getattr__ = lazy_exports(__name__, {**dict.fromkeys(_MODEL, "model"), "DiffSession": "engine",
                                      "word_redline": "redline"})


def diff_revisions(root: Path, base: str = "HEAD", head: str | None = None, *,
                   paths: Sequence[str] = ()) -> ChangeSet:
    """What changed in the guidance under ``root`` from ``base`` to ``head``.

    ``head`` None is the working tree (untracked files included). ``paths``
    (relative to root) limits the diff to those files or folders.
    """
    import sys

    from guidekit.diff.fetch import Fetch

    paths = [_inside(p) for p in paths]

    # git starts now and works while the engine loads; the thread that waits on git
    # needs the interpreter lock after each read, so the importing thread hands it
    # over every millisecond meanwhile (not every five, Python's default)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.001))
    try:
        fetch = Fetch(root, base, head, paths)
        settings = None
        try:
            from guidekit.diff.settings import diff_config

            settings = diff_config(root.resolve())  # while git resolves and diffs
        finally:
            fetch.settle(settings)
        from guidekit.diff.engine import DiffSession

        session = DiffSession(root, fetch=fetch)
    finally:
        sys.setswitchinterval(interval)
    with session:
        return session.diff(base, head, paths=paths)


def _inside(path: str) -> str:
    """A --path, normalised; a usage error when it leaves the guidance root."""
    import posixpath

    from guidekit.errors import GuidekitError

    norm = posixpath.normpath(path.replace("\\", "/")) if path else "."
    if posixpath.isabs(norm) or norm == ".." or norm.startswith(("../", ":")):
        raise GuidekitError(f"--path {path!r} is outside the guidance root",
                            hint="give files or folders relative to the guidance root")
    return norm
