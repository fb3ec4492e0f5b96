"""Change marks from the diff engine: the handbook's baseline (or --since) -> ChangeMarks.

The diff engine compares a git revision with the working tree by meaning; this
module only picks what a reviewer needs from its ChangeSet: a badge per changed
document and rule, word-level redlines of changed wording, and the start
page's "what changed" list.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from guidekit.corpus import Corpus
from guidekit.diff import ChangeKind, ChangeSet, DocumentChange, Impact, ItemChange, diff_revisions
from guidekit.errors import GuidekitError
from guidekit.handbook.handbook import Handbook
from guidekit.handbook.marks import VALUE_FIELDS, Change, ChangeEntry, ChangeMarks, Mark, Runs

__all__ = ["marks_for", "marks_from_changeset"]

_IMPACT_WORD = {
    Impact.BREAKING: "breaking",
    Impact.STRICTER: "stricter",
    Impact.LOOSER: "looser",
    Impact.EDITORIAL: "wording",
    Impact.METADATA: "details",
}
_MAX_DETAILS = 8


def _mark(change: ChangeKind, impact: Impact, what: str) -> Mark:
    if change is ChangeKind.ADDED:
        return Mark("added", impact.value, "new", f"{what} added since the baseline")
    if change is ChangeKind.REMOVED:
        return Mark("removed", impact.value, "removed", f"{what} removed since the baseline")
    word = _IMPACT_WORD[impact]
    return Mark(change.value, impact.value, f"changed: {word}",
                f"{what} changed since the baseline ({word})")


def _item_changes(subject: str, item: ItemChange) -> list[Change]:
    """A rule or item: added or removed as a whole, else each field a reviewer tells apart."""
    if item.change is not ChangeKind.MODIFIED:
        return [Change(subject, item.id, item.change.value)]
    out: list[Change] = []
    seen: set[str] = set()
    for f in item.fields:
        if f.reflow:
            continue
        if f.field in VALUE_FIELDS and isinstance(f.old, str) and isinstance(f.new, str):
            out.append(Change(subject, item.id, "modified", f.field, f.old, f.new,
                              VALUE_FIELDS[f.field]))
            continue
        kind = "examples" if f.field.startswith("examples") else f.field
        if kind not in seen:
            seen.add(kind)
            out.append(Change(subject, item.id, "modified", kind))
    return out or [Change(subject, item.id, "modified")]


def _details(d: DocumentChange) -> tuple[Change, ...]:
    out = [c for r in d.rules for c in _item_changes("rule", r)]
    out += [c for i in d.items for c in _item_changes(i.kind, i)]
    out += [Change("section", s.title, s.change.value) for s in d.sections if not s.reflow]
    out += [c for c in _item_changes("document", ItemChange("document", "", d.change, d.impact,
                                                             fields=d.fields))
            if c.field not in ("version", "")]
    if len(out) > _MAX_DETAILS:
        out = [*out[: _MAX_DETAILS - 1], Change("more", str(len(out) - _MAX_DETAILS + 1), "")]
    return tuple(out)


def _removed(d: DocumentChange) -> tuple[Change, ...]:
    """Rules and sections gone since the baseline: the policy page still names them."""
    out = [Change("rule", r.id, "removed", "title", r.title or None) for r in d.rules
           if r.change is ChangeKind.REMOVED]
    out += [Change("section", s.title, "removed") for s in d.sections
            if s.change is ChangeKind.REMOVED]
    return tuple(out)


def _prose(d: DocumentChange) -> tuple[tuple[str, tuple[Runs, ...]], ...]:
    out = []
    for s in d.sections:
        runs = tuple(p.redline for p in s.paragraphs if p.redline and not p.reflow)
        if runs:
            out.append((s.title, runs))
    return tuple(out)


# the documents a handbook shows, as a reader names them (a plain Markdown page diffs as "markdown")
_WHAT = {"policy": "policy", "sop": "procedure", "markdown": "page"}


def marks_from_changeset(cs: ChangeSet, hb: Handbook, label: str) -> ChangeMarks:
    """The marks for one handbook: only its documents, and documents removed beside them."""
    present = {v.id: v.policy.source.rel for v in hb.policies}
    present.update({v.id: v.sop.source.rel for v in hb.sops})
    folders = {posixpath.dirname(rel) for rel in present.values()}
    docs: dict[str, Mark] = {}
    rules: dict[tuple[str, str], Mark] = {}
    redlines: dict[tuple[str, str, str], Runs] = {}
    olds: dict[tuple[str, str, str], str] = {}
    removed: dict[str, tuple[Change, ...]] = {}
    prose: dict[str, tuple[tuple[str, tuple[Runs, ...]], ...]] = {}
    entries: list[ChangeEntry] = []
    for d in cs:
        what = _WHAT.get(d.kind)
        if what is None:
            continue
        shown = d.id in present
        removed_here = d.change is ChangeKind.REMOVED and posixpath.dirname(d.path) in folders
        if not (shown or removed_here):
            continue
        mark = _mark(d.change, d.impact, f"This {what}")
        docs[d.id] = mark
        for r in d.rules:
            rules[(d.id, r.id)] = _mark(r.change, r.impact, f"Rule {r.id}")
            for f in r.fields:
                if f.redline and not f.reflow:
                    redlines[(d.id, r.id, f.field)] = f.redline
                if f.field in ("action", "severity") and isinstance(f.old, str):
                    olds[(d.id, r.id, f.field)] = f.old
        prose[d.id] = _prose(d)
        removed[d.id] = _removed(d)
        entries.append(ChangeEntry(d.id, d.title, mark, _details(d), present=shown))
    order = {i: n for n, i in enumerate(_IMPACT_WORD)}
    entries.sort(key=lambda e: (order[Impact(e.mark.impact)], e.id))
    return ChangeMarks(label=label, note=None, docs=docs, rules=rules, redlines=redlines,
                       olds=olds, removed=removed, prose=prose, entries=tuple(entries))


def marks_for() -> Callable[[Corpus, Handbook, str | None], ChangeMarks]:
    """A provider for one build: diffs each revision once, however many handbooks name it.

    ``--since`` errors stop the build (the user asked for it); a handbook whose
    baseline cannot be compared (no git, unknown revision) gets a note instead.
    """
    seen: dict[str, ChangeSet | str] = {}

    def provide(corpus: Corpus, hb: Handbook, since: str | None) -> ChangeMarks:
        rev = since or hb.spec.baseline
        if rev is None:
            return ChangeMarks()
        if rev not in seen:
            try:
                seen[rev] = diff_revisions(corpus.root, rev, None)
            except GuidekitError as err:
                if since is not None:
                    raise
                seen[rev] = err.message
        cs = seen[rev]
        if isinstance(cs, str):
            return ChangeMarks(note=f"change marks against {rev} are not available: {cs}")
        return marks_from_changeset(cs, hb, cs.base.label)

    return provide
