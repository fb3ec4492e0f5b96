"""One-line, human summaries of changes, shared by every reporter and the changelog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from guidekit.diff.model import (
    ChangeKind,
    ChangeSet,
    DocumentChange,
    FieldChange,
    Impact,
    ItemChange,
    LocaleTranslations,
    ParagraphChange,
    SectionChange,
    TranslationChange,
)

__all__ = ["IMPACT_ORDER", "counts", "describe_field", "describe_item", "describe_translation", "field_note",
           "line_label", "marked", "shown_paragraphs", "summarize", "translation_tally"]

IMPACT_ORDER = (Impact.BREAKING, Impact.STRICTER, Impact.LOOSER, Impact.EDITORIAL, Impact.METADATA)
_MAX_PARTS = 4
# notes that read as the change itself ("added IT", "now everywhere (was DE)")
_SELF_DESCRIBING = ("added ", "removed ", "now ", "no longer ")


def _short(value: object, limit: int = 40) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_field(f: FieldChange) -> str:
    """e.g. "action ad_disapprove → ad_restrict", "markets added IT" or "text reworded"."""
    if f.reflow:
        return f"{f.field} reflowed"
    if f.redline:
        if f.old is None:
            return f"{f.field} set"
        if f.new is None:
            return f"{f.field} cleared"
        return f"{f.field} reworded"
    if f.note and f.note.startswith(_SELF_DESCRIBING):
        return f"{f.field} {f.note}"
    if f.old is None:
        return f"{f.field} added"
    if f.new is None:
        return f"{f.field} removed"
    return f"{f.field} {_short(f.old)} → {_short(f.new)}"


def field_note(f: FieldChange) -> str | None:
    """The note of a field change, unless describe_field already says it."""
    if f.note is None or f.reflow or (f.note.startswith(_SELF_DESCRIBING) and not f.redline):
        return None
    return f.note


def describe_item(item: ItemChange) -> str:
    head = f"{item.kind} {item.id}"
    if item.old_id:
        head += f" (was {item.old_id})"
    if item.change is not ChangeKind.MODIFIED:
        return f"{head} {item.change.value}" + (f": {item.note}" if item.note else "")
    parts = [describe_field(f) for f in item.fields[:_MAX_PARTS]]
    more = len(item.fields) - _MAX_PARTS
    if more > 0:
        parts.append(f"{more} more")
    return f"{head}: {'; '.join(parts)}"


def summarize(doc: DocumentChange) -> str:
    """One line: the most important changes first."""
    if doc.change is ChangeKind.ADDED:
        n = len(doc.rules)
        return f"new {doc.kind}" + (f" with {n} rule{'s' if n != 1 else ''}" if n else "")
    if doc.change is ChangeKind.REMOVED:
        out = f"{doc.kind} removed"
        breaking = [r.id for r in doc.rules if r.impact is Impact.BREAKING]
        if doc.impact is Impact.BREAKING:
            out += " while still referenced"
            if breaking:
                out += f" ({', '.join(breaking[:3])})"
        return out
    parts: list[tuple[int, str]] = []
    for f in doc.fields:
        parts.append((f.impact.rank, describe_field(f)))
    for item in (*doc.rules, *doc.items):
        parts.append((item.impact.rank, describe_item(item)))
    if doc.sections:
        n = sum(len(s.paragraphs) for s in doc.sections)
        reflow = all(s.reflow and not any(marked(p) for p in s.paragraphs) for s in doc.sections)
        label = "reflowed" if reflow else "edited"
        parts.append((Impact.EDITORIAL.rank,
                      f"{n} paragraph{'s' if n != 1 else ''} {label} in "
                      f"{len(doc.sections)} section{'s' if len(doc.sections) != 1 else ''}"))
    parts.sort(key=lambda p: -p[0])
    text = "; ".join(p for _r, p in parts[:_MAX_PARTS])
    if len(parts) > _MAX_PARTS:
        text += f"; and {len(parts) - _MAX_PARTS} more"
    if doc.change is ChangeKind.MOVED:
        text = f"moved from {doc.old_path}" + (f"; {text}" if text else "")
    if not text:
        text = doc.notes[0] if doc.notes else "changed"
    return text


def counts(changes: ChangeSet | Iterable[DocumentChange]) -> Counter[Impact]:
    """Documents per headline impact."""
    return Counter(d.impact for d in changes)


def marked(p: ParagraphChange) -> bool:
    """A paragraph whose redline marks something (a reflow marks a space a reader sees)."""
    return any(op != "equal" for op, _t in p.redline)


def shown_paragraphs(s: SectionChange) -> tuple[tuple[ParagraphChange, ...], int]:
    """The paragraphs of a section worth a line each, and how many reflows (only line
    breaks or indentation changed: nothing a reader sees) are left to a count."""
    shown = tuple(p for p in s.paragraphs if not p.reflow or marked(p))
    return shown, len(s.paragraphs) - len(shown)


def line_label(p: ParagraphChange) -> str:
    """Where a paragraph is: "-12" (line 12 at base, for a removed one) or "+12" (at head)."""
    if p.span is None:
        return ""
    return f"{'-' if p.change is ChangeKind.REMOVED else '+'}{p.span.line}"


def translation_tally(t: LocaleTranslations) -> str:
    """What a change does to one locale, e.g. "3 units now outdated (1 stricter, 2 editorial;
    1 to redo before release), 1 to translate, 2 translations made or revised"."""
    stale = [u for u in t.units if u.state == "stale"]
    parts = []
    if stale:
        by = Counter(u.impact for u in stale if u.impact is not None)
        detail = ", ".join(f"{by[i]} {i.value}" for i in IMPACT_ORDER if by.get(i))
        if t.errors:
            detail += f"; {t.errors} to redo before release"
        parts.append(f"{len(stale)} unit{'s' * (len(stale) != 1)} now outdated ({detail})")
    missing, orphaned, done = t.count("missing"), t.count("orphaned"), t.count("translated")
    if missing:
        parts.append(f"{missing} to translate")
    if orphaned:
        parts.append(f"{orphaned} left over (unit removed)")
    if done:
        parts.append(f"{done} translation{'s' * (done != 1)} made or revised")
    return ", ".join(parts) or "no translation affected"


def describe_translation(u: TranslationChange) -> str:
    """e.g. "stale (stricter): action: ad_disapprove -> account_suspend"."""
    if u.state == "stale" and u.impact is not None:
        return f"stale ({u.impact.value}): {u.note}"
    return f"{u.state}: {u.note}"
