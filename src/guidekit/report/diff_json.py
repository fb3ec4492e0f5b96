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
    ParagraphChange,
    Revision,
    SectionChange,
)
from guidekit.diff.summary import IMPACT_ORDER, counts, summarize
from guidekit.findings import SourceSpan
from guidekit.report.diff_base import DiffReportOptions

__all__ = ["changeset_dict", "document_dict", "write_json"]


def _loc(span: SourceSpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "column": span.col}


def _rev(rev: Revision) -> dict[str, Any]:
    return {"ref": rev.ref, "sha": rev.sha, "label": rev.label}


def _field(f: FieldChange) -> dict[str, Any]:
    return {
        "field": f.field,
        "old": f.old,
        "new": f.new,
        "impact": f.impact.value,
        "note": f.note,
        "reflow": f.reflow,
        "redline": [list(r) for r in f.redline],
        "location": _loc(f.span),
    }


def _item(i: ItemChange) -> dict[str, Any]:
    return {
        "kind": i.kind,
        "id": i.id,
        "old_id": i.old_id,
        "title": i.title,
        "change": i.change.value,
        "impact": i.impact.value,
        "note": i.note,
        "fields": [_field(f) for f in i.fields],
        "location": _loc(i.span),
    }


def _paragraph(p: ParagraphChange) -> dict[str, Any]:
    return {
        "change": p.change.value,
        "old": p.old,
        "new": p.new,
        "reflow": p.reflow,
        "redline": [list(r) for r in p.redline],
        "location": _loc(p.span),
    }


def _section(s: SectionChange) -> dict[str, Any]:
    return {
        "heading": list(s.heading),
        "title": s.title,
        "old_heading": list(s.old_heading) if s.old_heading is not None else None,
        "change": s.change.value,
        "impact": s.impact.value,
        "reflow": s.reflow,
        "paragraphs": [_paragraph(p) for p in s.paragraphs],
        "location": _loc(s.span),
    }


def document_dict(d: DocumentChange) -> dict[str, Any]:
    impacts = d.impacts  # a property that walks the whole document: read once
    return {
        "id": d.id,
        "kind": d.kind,
        "title": d.title,
        "path": d.path,
        "old_path": d.old_path,
        "change": d.change.value,
        "impact": d.impact.value,
        "impacts": [i.value for i in IMPACT_ORDER if i in impacts],
        "summary": summarize(d),
        "notes": list(d.notes),
        "fields": [_field(f) for f in d.fields],
        "rules": [_item(r) for r in d.rules],
        "items": [_item(i) for i in d.items],
        "sections": [_section(s) for s in d.sections],
        "location": _loc(d.span),
    }


def changeset_dict(changes: ChangeSet) -> dict[str, Any]:
    per = counts(changes)
    impacts = changes.impacts  # a property that walks every document: read once
    return {
        "tool": "guidekit",
        "version": __version__,
        "base": _rev(changes.base),
        "head": _rev(changes.head),
        "root": changes.root,
        "summary": {"documents": len(changes), **{i.value: per.get(i, 0) for i in IMPACT_ORDER}},
        "impacts": [i.value for i in IMPACT_ORDER if i in impacts],
        "documents": [document_dict(d) for d in changes],
    }


def write_json(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    stream.write(json.dumps(changeset_dict(changes), indent=2, ensure_ascii=False) + "\n")
