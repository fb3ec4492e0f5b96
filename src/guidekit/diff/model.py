"""The ChangeSet: what changed between two revisions of a guidance repository, by meaning.

Plain, frozen data. Engines build it, reporters and handbooks read it; nothing
here knows about git, files or output formats. The records are named tuples: a
diff runs as a short command, and creating a frozen dataclass costs ~1.3 ms at
start-up here against ~0.2 ms for a named tuple. ChangeSet, whose ``len``,
``iter`` and ``count`` are its own, is a small slotted class.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from guidekit.findings import SourceSpan

__all__ = [
    "ChangeKind",
    "ChangeSet",
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
    "headline",
]

# A word-level redline: ("equal" | "insert" | "delete", text) runs that, read in
# order, spell the old text (equal + delete) and the new text (equal + insert).
Redline = tuple[tuple[str, str], ...]


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"
    RENAMED = "renamed"  # a section whose heading was reworded (its text mostly kept)


class Impact(StrEnum):
    """How a change affects enforcement; the order is the order of attention."""

    BREAKING = "breaking"  # an id removed or changed while something still names it
    STRICTER = "stricter"  # more content actioned, or actioned harder
    LOOSER = "looser"  # the reverse
    EDITORIAL = "editorial"  # prose only
    METADATA = "metadata"  # owners, dates, links, tags, routing

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {
    Impact.METADATA: 0,
    Impact.EDITORIAL: 1,
    Impact.LOOSER: 2,
    Impact.STRICTER: 3,
    Impact.BREAKING: 4,
}


def headline(impacts: Iterator[Impact] | tuple[Impact, ...] | list[Impact]) -> Impact:
    """The impact a reader should see first among several (metadata when none)."""
    return max(impacts, key=lambda i: i.rank, default=Impact.METADATA)


@dataclass(frozen=True, slots=True)
class Revision:
    """One side of a diff: the revision as the user named it and the commit it resolved to.

    ``sha`` is None for the working tree.
    """

    ref: str
    sha: str | None

    @property
    def label(self) -> str:
        if self.sha is None:
            return "working tree"
        short = self.sha[:12]
        return short if self.ref in (self.sha, short) else f"{self.ref} ({short})"


# named tuple, measured hot: one per changed field (1,000 in a 500-policy diff)
class FieldChange(NamedTuple):
    """One field of a document, rule or item: old and new values (JSON-ready)."""

    field: str
    old: Any
    new: Any
    impact: Impact
    note: str | None = None  # why the impact, e.g. "ad_disapprove (50) -> ad_restrict (40)"
    redline: Redline = ()  # for prose fields
    reflow: bool = False  # the words are the same; only whitespace or line breaks moved
    span: SourceSpan | None = None


# named tuple, measured hot: one per changed rule or item (900 in a 500-policy diff)
class ItemChange(NamedTuple):
    """A keyed item that changed: a rule (kind "rule"), an exception, a regional
    override, an SOP outcome, step, node or escalation, a case, a taxonomy item."""

    kind: str
    id: str
    change: ChangeKind
    impact: Impact
    title: str = ""
    old_id: str | None = None  # set when the id itself changed
    fields: tuple[FieldChange, ...] = ()
    note: str | None = None
    span: SourceSpan | None = None

    @property
    def impacts(self) -> frozenset[Impact]:
        return frozenset({self.impact, *(f.impact for f in self.fields)})


# A rule is the item reviewers care about most; the name keeps call sites readable.
RuleChange = ItemChange


# named tuple, measured hot: one per changed paragraph
class ParagraphChange(NamedTuple):
    """One block of Markdown (paragraph, list item, table, quote) that changed."""

    change: ChangeKind
    old: str
    new: str
    redline: Redline = ()
    reflow: bool = False
    span: SourceSpan | None = None


# named tuple, measured hot: one per changed section
class SectionChange(NamedTuple):
    """A Markdown section, matched by its heading path (() is the text before any heading)."""

    heading: tuple[str, ...]
    change: ChangeKind
    impact: Impact = Impact.EDITORIAL
    old_heading: tuple[str, ...] | None = None  # for a section whose heading changed
    reflow: bool = False
    paragraphs: tuple[ParagraphChange, ...] = ()
    span: SourceSpan | None = None

    @property
    def title(self) -> str:
        return " > ".join(self.heading) if self.heading else "(before the first heading)"


# named tuple, measured hot: one per changed document (500 in a 500-policy diff)
class DocumentChange(NamedTuple):
    """One policy, SOP, case file, taxonomy file or plain Markdown document."""

    id: str
    kind: str  # policy | sop | cases | taxonomy | markdown
    title: str
    path: str  # at head (at base for a removed document)
    old_path: str | None  # at base when it differs from path (moved)
    change: ChangeKind
    impact: Impact
    fields: tuple[FieldChange, ...] = ()
    rules: tuple[ItemChange, ...] = ()
    items: tuple[ItemChange, ...] = ()
    sections: tuple[SectionChange, ...] = ()
    notes: tuple[str, ...] = ()
    span: SourceSpan | None = None

    @property
    def impacts(self) -> frozenset[Impact]:
        """Every impact in the document, not only the headline one."""
        out: set[Impact] = {self.impact}
        out.update(f.impact for f in self.fields)
        for item in (*self.rules, *self.items):
            out |= item.impacts
        out.update(s.impact for s in self.sections)
        return frozenset(out)

    def rule(self, rule_id: str) -> ItemChange | None:
        return next((r for r in self.rules if rule_id in (r.id, r.old_id)), None)


# named tuple, measured hot: one per translation unit a change touches, per locale (thousands)
class TranslationChange(NamedTuple):
    """One translation unit that a change touches in one locale (guidekit.i18n.changes)."""

    key: str  # the unit's stable key, e.g. ADS-FIN/rules/ADS-FIN-2.a/text
    state: str  # "stale" | "missing" | "orphaned" (debt the change creates) | "translated"
    level: str  # "error" (redo before release) | "warning" | "info" (a translation made or revised)
    impact: Impact | None  # for a stale unit: the impact of its source's change
    note: str
    document: str  # the document id ("taxonomy" for taxonomy labels)
    span: SourceSpan | None = None  # the unit in the source; the catalog entry for orphaned/translated


@dataclass(frozen=True, slots=True)
class LocaleTranslations:
    """What a change does to one locale's translations."""

    locale: str
    required: bool  # a handbook or export needs it: enforcement-stale units are errors
    catalog: str  # the catalog's path, relative to the guidance root
    units: tuple[TranslationChange, ...] = ()
    note: str | None = None  # e.g. why a catalog could not be read

    def count(self, state: str) -> int:
        return sum(1 for u in self.units if u.state == state)

    @property
    def errors(self) -> int:
        return sum(1 for u in self.units if u.level == "error")


class ChangeSet:
    """Every changed document between two revisions; immutable, equal by value.

    ``translations``: one entry per configured locale when guidekit.yaml lists
    translations and the caller asked (guidekit.i18n.changes), else empty."""

    __slots__ = ("base", "documents", "head", "notes", "root", "translations")

    base: Revision
    head: Revision
    root: str  # the guidance root, relative to the git work tree ("" at the top)
    documents: tuple[DocumentChange, ...]
    notes: tuple[str, ...]
    translations: tuple[LocaleTranslations, ...]

    def __init__(self, base: Revision, head: Revision, root: str,
                 documents: tuple[DocumentChange, ...] = (), notes: tuple[str, ...] = (),
                 translations: tuple[LocaleTranslations, ...] = ()) -> None:
        setattr_ = object.__setattr__  # the class's own refuses every assignment
        setattr_(self, "base", base)
        setattr_(self, "head", head)
        setattr_(self, "root", root)
        setattr_(self, "documents", documents)
        setattr_(self, "notes", notes)
        setattr_(self, "translations", translations)

    def _values(self) -> tuple[Revision, Revision, str, tuple[DocumentChange, ...], tuple[str, ...],
                               tuple[LocaleTranslations, ...]]:
        return self.base, self.head, self.root, self.documents, self.notes, self.translations

    def with_translations(self, translations: tuple[LocaleTranslations, ...]) -> ChangeSet:
        return ChangeSet(self.base, self.head, self.root, self.documents, self.notes, translations)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a ChangeSet is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a ChangeSet is immutable")

    def __reduce__(self) -> tuple[type[ChangeSet], tuple[Any, ...]]:
        return ChangeSet, self._values()

    def __repr__(self) -> str:
        return (f"ChangeSet(base={self.base!r}, head={self.head!r}, root={self.root!r}, "
                f"documents={self.documents!r}, notes={self.notes!r}"
                + (f", translations={self.translations!r})" if self.translations else ")"))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __iter__(self) -> Iterator[DocumentChange]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def document(self, doc_id: str) -> DocumentChange | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def by_path(self, path: str) -> DocumentChange | None:
        return next((d for d in self.documents if path in (d.path, d.old_path)), None)

    @property
    def impacts(self) -> frozenset[Impact]:
        out: set[Impact] = set()
        for d in self.documents:
            out |= d.impacts
        return frozenset(out)

    def has(self, impact: Impact) -> bool:
        return impact in self.impacts

    def count(self, impact: Impact) -> int:
        """Documents whose headline impact is ``impact``."""
        return sum(1 for d in self.documents if d.impact is impact)
