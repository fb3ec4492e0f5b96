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
from guidekit.handbook.marks import ChangeEntry, ChangeMarks, Mark, Runs

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


def _rule_detail(r: ItemChange) -> str:
    if r.change is not ChangeKind.MODIFIED:
        return f"{r.id}: {r.change.value}" + (f" ({r.title})" if r.title else "")
    notes = [f.note or f"{f.field} changed" for f in r.fields
             if f.impact in (Impact.STRICTER, Impact.LOOSER, Impact.BREAKING)]
    if not notes:
        notes = sorted({f.field.split(".")[0] for f in r.fields}) or ["changed"]
        return f"{r.id}: {', '.join(notes)} ({_IMPACT_WORD[r.impact]})"
    return f"{r.id}: {'; '.join(notes)} ({_IMPACT_WORD[r.impact]})"


def _details(d: DocumentChange) -> tuple[str, ...]:
    out = [_rule_detail(r) for r in d.rules]
    out += [f"{i.kind} {i.id}: {i.change.value} ({_IMPACT_WORD[i.impact]})" for i in d.items]
    out += [f"section {s.title}: {s.change.value}" for s in d.sections]
    out += [f"{f.field}: {f.note}" if f.note else f"{f.field} changed" for f in d.fields
            if f.field not in ("version",)]
    if len(out) > _MAX_DETAILS:
        out = [*out[: _MAX_DETAILS - 1], f"and {len(out) - _MAX_DETAILS + 1} more changes"]
    return tuple(out)


def _prose(d: DocumentChange) -> tuple[tuple[str, tuple[Runs, ...]], ...]:
    out = []
    for s in d.sections:
        runs = tuple(p.redline for p in s.paragraphs if p.redline and not p.reflow)
        if runs:
            out.append((s.title, runs))
    return tuple(out)


def marks_from_changeset(cs: ChangeSet, hb: Handbook, label: str) -> ChangeMarks:
    """The marks for one handbook: only its documents, and documents removed beside them."""
    present = {v.id: v.policy.source.rel for v in hb.policies}
    present.update({v.id: v.sop.source.rel for v in hb.sops})
    folders = {posixpath.dirname(rel) for rel in present.values()}
    docs: dict[str, Mark] = {}
    rules: dict[tuple[str, str], Mark] = {}
    redlines: dict[tuple[str, str, str], Runs] = {}
    prose: dict[str, tuple[tuple[str, tuple[Runs, ...]], ...]] = {}
    entries: list[ChangeEntry] = []
    for d in cs:
        if d.kind not in ("policy", "sop"):
            continue
        shown = d.id in present
        removed_here = d.change is ChangeKind.REMOVED and posixpath.dirname(d.path) in folders
        if not (shown or removed_here):
            continue
        what = "policy" if d.kind == "policy" else "procedure"
        mark = _mark(d.change, d.impact, f"This {what}")
        docs[d.id] = mark
        for r in d.rules:
            rules[(d.id, r.id)] = _mark(r.change, r.impact, f"Rule {r.id}")
            for f in r.fields:
                if f.redline and not f.reflow:
                    redlines[(d.id, r.id, f.field)] = f.redline
        prose[d.id] = _prose(d)
        entries.append(ChangeEntry(d.id, d.title, mark, _details(d), present=shown))
    order = {i: n for n, i in enumerate(_IMPACT_WORD)}
    entries.sort(key=lambda e: (order[Impact(e.mark.impact)], e.id))
    return ChangeMarks(label=label, note=None, docs=docs, rules=rules, redlines=redlines,
                       prose=prose, entries=tuple(entries))


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
            return ChangeMarks(label=rev, note=f"Change marks are not available: {cs}.")
        return marks_from_changeset(cs, hb, cs.base.label)

    return provide
