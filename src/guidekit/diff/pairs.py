"""One document before and after -> a DocumentChange (or None when nothing changed)."""

from __future__ import annotations

from guidekit.diff.documents import Snapshot
from guidekit.diff.fields import Context, FieldDiff, at
from guidekit.diff.model import (
    ChangeKind,
    DocumentChange,
    FieldChange,
    Impact,
    ItemChange,
    SectionChange,
    headline,
)
from guidekit.diff.policy import compare_policy, rule_added, rule_removed
from guidekit.diff.sop import compare_items, compare_sop
from guidekit.diff.text import diff_bodies
from guidekit.model.common import Loc, Status
from guidekit.model.policy import Policy

__all__ = ["document_change"]


def document_change(old: Snapshot | None, new: Snapshot | None,
                    ctx: Context) -> DocumentChange | None:
    if old is None and new is not None:
        return _added(new, ctx)
    if new is None and old is not None:
        return _removed(old, ctx)
    assert old is not None and new is not None
    return _modified(old, new, ctx)


def _text_sections(old: Snapshot | None, new: Snapshot | None) -> list[SectionChange]:
    """Plain Markdown: every paragraph of an added or removed document, or the changed ones."""
    o_body = old.body if old is not None else ""
    n_body = new.body if new is not None else ""
    o_side = (old.rel, old.body_line) if old is not None else ("", 0)
    n_side = (new.rel, new.body_line) if new is not None else (o_side[0], 0)
    return diff_bodies(o_body, n_body, o_side, n_side, old.blocks if old is not None else [],
                       new.blocks if new is not None else [])


def _enforces(snap: Snapshot, ctx: Context) -> bool:
    p = snap.model
    if not isinstance(p, Policy) or p.status is not Status.ACTIVE:
        return False
    low = ctx.ranks.lowest_action()
    return any((ctx.ranks.of("action", r.action) or low) > low for r in p.rules)


def _added(new: Snapshot, ctx: Context) -> DocumentChange:
    rules: list[ItemChange] = []
    sections: list[SectionChange] = []
    if isinstance(new.model, Policy):
        enforced = new.model.status is Status.ACTIVE
        rules = [rule_added(r, ctx.ranks, enforced=enforced) for r in new.model.rules]
        impact = Impact.STRICTER if _enforces(new, ctx) else Impact.METADATA
        impact = headline([impact, *(r.impact for r in rules if r.impact is Impact.BREAKING)])
    elif new.kind in ("sop", "markdown"):
        impact = Impact.EDITORIAL
        sections = _text_sections(None, new) if new.model is None else []
    else:
        impact = Impact.METADATA
    return DocumentChange(new.id, new.kind, new.title, new.rel, None, ChangeKind.ADDED, impact,
                          rules=tuple(rules), sections=tuple(sections), notes=_notes(None, new),
                          span=at(Loc(new.source, ())) if new.data is not None else None)


def _removed(old: Snapshot, ctx: Context) -> DocumentChange:
    where = ctx.still_named(old.id)
    rules: list[ItemChange] = []
    sections: list[SectionChange] = []
    notes = list(_notes(old, None))
    if isinstance(old.model, Policy):
        enforced = old.model.status is Status.ACTIVE
        rules = [rule_removed(r, ctx, enforced=enforced) for r in old.model.rules]
        impact = Impact.LOOSER if _enforces(old, ctx) else Impact.METADATA
    elif old.kind == "markdown":
        impact = Impact.EDITORIAL
        sections = _text_sections(old, None)
    else:
        impact = Impact.METADATA
    if where:
        impact = Impact.BREAKING
        notes.append(f"{old.id} is still named at {', '.join(where[:3])}")
    impact = headline([impact, *(r.impact for r in rules)])
    return DocumentChange(old.id, old.kind, old.title, old.rel, None, ChangeKind.REMOVED, impact,
                          rules=tuple(rules), sections=tuple(sections), notes=tuple(notes))


def _notes(old: Snapshot | None, new: Snapshot | None) -> tuple[str, ...]:
    out = []
    for label, snap in (("before", old), ("after", new)):
        if snap is not None and snap.note:
            out.append(f"{snap.rel} ({label}) {snap.note}")
    return tuple(out)


def _modified(old: Snapshot, new: Snapshot, ctx: Context) -> DocumentChange | None:
    fields: list[FieldChange] = []
    rules: list[ItemChange] = []
    items: list[ItemChange] = []
    sections: list[SectionChange] = []
    notes = list(_notes(old, new))
    om, nm = old.model, new.model
    if isinstance(om, Policy) and isinstance(nm, Policy):
        fd, rules, items = compare_policy(om, nm, ctx)
        fields = fd.changes
        sections = diff_bodies(old.body, new.body, (old.rel, old.body_line), (new.rel, new.body_line))
    elif old.kind == new.kind == "sop" and om is not None and nm is not None and not (
            isinstance(om, Policy) or isinstance(nm, Policy)):
        fd, items = compare_sop(om, nm, ctx)
        fields = fd.changes
    elif old.kind == new.kind and old.kind in ("cases", "taxonomy") and old.data and new.data \
            and old.note is None and new.note is None:  # one that does not fit its schema: as text
        fd, items = compare_items(old.kind, old.source, new.source,
                                  "cases" if old.kind == "cases" else "items", ctx)
        fields = fd.changes
    else:
        if old.kind != new.kind:
            fd = FieldDiff(lambda _name: None)
            fd.meta("kind", old.kind, new.kind)
            fields = fd.changes
        if old.id != new.id:
            where = ctx.still_named(old.id)
            fields.append(FieldChange(
                "id", old.id, new.id, Impact.BREAKING if where else Impact.METADATA,
                f"the old id is still named at {', '.join(where[:3])}" if where else None))
        if old.note or new.note:  # a side that is not its model: the whole texts, as text
            # a text snapshot's body is its whole text, so its blocks (if split) serve
            sections = diff_bodies(old.source.text, new.source.text, (old.rel, 0), (new.rel, 0),
                                   old.blocks if old.body == old.source.text else None,
                                   new.blocks if new.body == new.source.text else None)
        else:
            sections = _text_sections(old, new)
    moved = old.rel != new.rel
    impacts = [f.impact for f in fields] + [i.impact for i in (*rules, *items)]
    impacts += [s.impact for s in sections]
    if not impacts:
        if old.source.text == new.source.text and not moved:
            return None
        if moved and old.source.text == new.source.text:
            notes.append("content unchanged")
            impacts.append(Impact.METADATA)
        else:
            notes.append("formatting only: the data is the same (whitespace, comments, "
                         "quoting or key order)")
            impacts.append(Impact.EDITORIAL)
    return DocumentChange(
        id=new.id,
        kind=new.kind,
        title=new.title,
        path=new.rel,
        old_path=old.rel if moved else None,
        change=ChangeKind.MOVED if moved else ChangeKind.MODIFIED,
        impact=headline(impacts),
        fields=tuple(fields),
        rules=tuple(rules),
        items=tuple(items),
        sections=tuple(sections),
        notes=tuple(notes),
        span=at(Loc(new.source, ())) if new.data is not None else None,
    )
