"""JSON for `guidekit diff`, described by schemas/diff.schema.json."""

from __future__ import annotations

import json
from typing import Any, TextIO

from guidekit import __version__
from guidekit.diff.model import (
    ChangeSet,
    DocumentChange,
    FieldChange,
    ItemChange,
    LocaleTranslations,
    ParagraphChange,
    Revision,
    SectionChange,
)
from guidekit.diff.summary import IMPACT_ORDER, counts, summarize
from guidekit.findings import SourceSpan
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.paths import from_top

__all__ = ["changeset_dict", "document_dict", "locale_dict", "write_json"]


def _loc(span: SourceSpan | None, root: str) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"path": from_top(root, span.path), "line": span.line, "column": span.col}


def _rev(rev: Revision) -> dict[str, Any]:
    return {"ref": rev.ref, "sha": rev.sha, "label": rev.label}


def _field(f: FieldChange, root: str) -> dict[str, Any]:
    return {
        "field": f.field,
        "old": f.old,
        "new": f.new,
        "impact": f.impact.value,
        "note": f.note,
        "reflow": f.reflow,
        "redline": [list(r) for r in f.redline],
        "location": _loc(f.span, root),
    }


def _item(i: ItemChange, root: str) -> dict[str, Any]:
    return {
        "kind": i.kind,
        "id": i.id,
        "old_id": i.old_id,
        "title": i.title,
        "change": i.change.value,
        "impact": i.impact.value,
        "note": i.note,
        "fields": [_field(f, root) for f in i.fields],
        "location": _loc(i.span, root),
    }


def _paragraph(p: ParagraphChange, root: str) -> dict[str, Any]:
    return {
        "change": p.change.value,
        "old": p.old,
        "new": p.new,
        "reflow": p.reflow,
        "redline": [list(r) for r in p.redline],
        "location": _loc(p.span, root),
    }


def _section(s: SectionChange, root: str) -> dict[str, Any]:
    return {
        "heading": list(s.heading),
        "title": s.title,
        "old_heading": list(s.old_heading) if s.old_heading is not None else None,
        "change": s.change.value,
        "impact": s.impact.value,
        "reflow": s.reflow,
        "paragraphs": [_paragraph(p, root) for p in s.paragraphs],
        "location": _loc(s.span, root),
    }


def document_dict(d: DocumentChange, root: str = "") -> dict[str, Any]:
    """``root``: the guidance folder relative to the top of the git work tree; paths
    are shown relative to that top."""
    impacts = d.impacts  # a property that walks the whole document: read once
    return {
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "path": from_top(root, d.path),
        "old_path": from_top(root, d.old_path) if d.old_path is not None else None,
        "change": d.change.value,
        "impact": d.impact.value,
        "impacts": [i.value for i in IMPACT_ORDER if i in impacts],
        "summary": summarize(d),
        "notes": list(d.notes),
        "fields": [_field(f, root) for f in d.fields],
        "rules": [_item(r, root) for r in d.rules],
        "items": [_item(i, root) for i in d.items],
        "sections": [_section(s, root) for s in d.sections],
        "location": _loc(d.span, root),
    }


def locale_dict(t: LocaleTranslations, root: str = "") -> dict[str, Any]:
    """What a change does to one locale's translations."""
    stale = [u for u in t.units if u.state == "stale"]
    return {
        "locale": t.locale,
        "required": t.required,
        "catalog": from_top(root, t.catalog),
        "note": t.note,
        "summary": {
            "errors": t.errors,
            "stale": len(stale),
            **{i.value: sum(1 for u in stale if u.impact is i) for i in IMPACT_ORDER if i.value != "metadata"},
            "missing": t.count("missing"),
            "orphaned": t.count("orphaned"),
            "translated": t.count("translated"),
        },
        "units": [{"key": u.key, "state": u.state, "level": u.level,
                   "impact": u.impact.value if u.impact else None, "note": u.note, "document": u.document,
                   "location": _loc(u.span, root)} for u in t.units],
    }


def changeset_dict(changes: ChangeSet) -> dict[str, Any]:
    per = counts(changes)
    impacts = changes.impacts  # a property that walks every document: read once
    out: dict[str, Any] = {
        "tool": "guidekit",
        "version": __version__,
        "base": _rev(changes.base),
        "head": _rev(changes.head),
        "root": changes.root,
        "summary": {"documents": len(changes), **{i.value: per.get(i, 0) for i in IMPACT_ORDER}},
        "impacts": [i.value for i in IMPACT_ORDER if i in impacts],
        "documents": [document_dict(d, changes.root) for d in changes],
    }
    if changes.translations:  # only where guidekit.yaml configures translations
        out["translations"] = [locale_dict(t, changes.root) for t in changes.translations]
    return out


def write_json(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    stream.write(json.dumps(changeset_dict(changes), indent=2, ensure_ascii=False) + "\n")
