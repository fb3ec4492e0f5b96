"""guidekit diff: what changed in the guidance between two git revisions, by meaning.

The public API (stable; handbooks build their change marks on it):

- ``diff_revisions(root, base="HEAD", head=None, paths=()) -> ChangeSet``
  (``head`` None is the working tree)
- ``DiffSession(root)`` for many diffs over one open repository
- ``word_redline(old, new) -> list[(op, text)]`` with op "equal" | "insert" | "delete"
- the ChangeSet data: ``ChangeSet``, ``DocumentChange``, ``RuleChange``
  (= ``ItemChange``), ``FieldChange``, ``SectionChange``, ``ParagraphChange``,
  ``Revision``, and the enums ``ChangeKind`` and ``Impact``.
"""

from __future__ import annotations

from guidekit.diff.engine import DiffSession, diff_revisions
from guidekit.diff.model import (
    ChangeKind,
    ChangeSet,
    DocumentChange,
    FieldChange,
    Impact,
    ItemChange,
    ParagraphChange,
    Redline,
    Revision,
    RuleChange,
    SectionChange,
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
    "ParagraphChange",
    "Redline",
    "Revision",
    "RuleChange",
    "SectionChange",
    "diff_revisions",
    "word_redline",
]
