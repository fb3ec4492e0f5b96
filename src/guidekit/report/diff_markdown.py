"""A pull-request comment: summary table first, details in collapsible blocks.

GitHub holds at most 65,536 characters in a comment; the report stays under
``max_chars`` (60,000 by default) by filling the table and then the details in
order of impact, and says plainly what it left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TextIO

from guidekit.diff.model import (
    ChangeKind,
    ChangeSet,
    DocumentChange,
    FieldChange,
    Impact,
    ItemChange,
    Redline,
    SectionChange,
)
from guidekit.diff.summary import IMPACT_ORDER, counts, describe_field, field_note, summarize
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.paths import from_top

__all__ = ["BADGE", "render_markdown", "write_markdown"]

BADGE = {
    Impact.BREAKING: "🔴 breaking",
    Impact.STRICTER: "🟠 stricter",
    Impact.LOOSER: "🔵 looser",
    Impact.EDITORIAL: "✏️ editorial",
    Impact.METADATA: "🏷️ metadata",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_SPACE = re.compile(r"\s+")
_TABLE_SHARE = 0.4  # of the budget, for the summary table
_FOOTER_RESERVE = 400  # room for the truncation note
_MAX_TEXT = 600  # characters of one quoted value before it is cut


def _esc(text: object) -> str:
    """Markdown- and HTML-safe inline text on one line."""
    flat = _SPACE.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _cut(text: str, limit: int = _MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redline_md(runs: Redline, limit: int = _MAX_TEXT * 2) -> str:
    """<del>/<ins> runs (GitHub renders both); long unchanged stretches are elided."""
    out = []
    for op, text in runs:
        flat = _SPACE.sub(" ", text)
        if op == "equal":
            if len(flat) > 160:
                flat = flat[:70] + " … " + flat[-70:]
            out.append(_esc(flat))
        else:
            tag = "del" if op == "delete" else "ins"
            out.append(f"<{tag}>{_esc(_cut(flat, 400))}</{tag}>")
    text = "".join(out)
    return text if len(text) <= limit else text[:limit] + " …"


def _field_md(f: FieldChange, indent: str) -> str:
    badge = BADGE[f.impact].split()[0]
    if f.redline and not f.reflow:
        return f"{indent}- {badge} `{f.field}`: {redline_md(f.redline)}"
    note = field_note(f)
    why = f" — {_esc(note)}" if note else ""
    return f"{indent}- {badge} {_esc(describe_field(f))}{why}"


def _item_md(item: ItemChange) -> list[str]:
    head = f"- {BADGE[item.impact].split()[0]} **{item.kind} `{item.id}`**"
    if item.old_id:
        head += f" (was `{item.old_id}`)"
    if item.title:
        head += f" {_esc(_cut(item.title, 120))}"
    head += f" — {item.change.value}"
    if item.note:
        head += f": {_esc(item.note)}"
    return [head, *(_field_md(f, "  ") for f in item.fields)]


def _section_md(s: SectionChange) -> list[str]:
    title = _esc(s.title)
    if s.old_heading is not None:
        title += f" (was {_esc(' > '.join(s.old_heading))})"
    lines = [f"- ✏️ *{title}* — {s.change.value}" + (" (whitespace only)" if s.reflow else "")]
    for p in s.paragraphs:
        if p.reflow:
            lines.append(f"  - reflowed: {_esc(_cut(p.new, 160))}")
        elif p.change is ChangeKind.MOVED:
            lines.append(f"  - moved: {_esc(_cut(p.new, 160))}")
        else:
            lines.append(f"  - {redline_md(p.redline)}")
    return lines


def document_details(d: DocumentChange, root: str = "") -> str:
    where = f"`{from_top(root, d.path)}`" + (f" (from `{from_top(root, d.old_path)}`)" if d.old_path else "")
    blocks = [
        f"<details>\n<summary><b>{html.escape(d.id)}</b> {html.escape(d.title)} — "
        f"{BADGE[d.impact]}, {d.change.value}</summary>",
        where,
    ]
    if d.notes:
        blocks.append("\n".join(f"> {_esc(n)}" for n in d.notes))
    if d.fields:
        blocks.append("\n".join(_field_md(f, "") for f in d.fields))
    for label, items in (("Rules", d.rules), ("Other changes", d.items)):
        if items:
            blocks.append(f"**{label}**\n\n" + "\n".join(line for i in items for line in _item_md(i)))
    if d.sections:
        blocks.append("**Text**\n\n" + "\n".join(line for s in d.sections for line in _section_md(s)))
    blocks.append("</details>\n")
    return "\n\n".join(blocks)


def _row(d: DocumentChange) -> str:
    return (f"| {BADGE[d.impact]} | `{_esc(d.id)}` {_esc(_cut(d.title, 80))} | {d.change.value} | "
            f"{_esc(_cut(summarize(d), 220))} |")


def _ordered(changes: Iterable[DocumentChange]) -> list[DocumentChange]:
    return sorted(changes, key=lambda d: (-d.impact.rank, d.path, d.id))


def render_markdown(changes: ChangeSet, max_chars: int = 60_000) -> str:
    docs = _ordered(changes)
    per = counts(docs)
    title = (f"### guidekit diff: `{changes.base.label}` → `{changes.head.label}`"
             + (f" in `{changes.root}/`" if changes.root else ""))
    if not docs:
        return f"{title}\n\nNo guidance changed.\n"
    tally = " · ".join(f"{BADGE[i]} {per[i]}" for i in IMPACT_ORDER if per.get(i))
    n = len(docs)
    head = [title, "", f"**{n} document{'s' if n != 1 else ''} changed**: {tally}", ""]
    gates = [i.value for i in (Impact.BREAKING, Impact.STRICTER, Impact.LOOSER) if changes.has(i)]
    if gates:
        head += [f"Needs a second look: {', '.join(gates)} changes.", ""]
    head += ["| Impact | Document | Change | Summary |", "| --- | --- | --- | --- |"]
    budget = max_chars - _FOOTER_RESERVE
    out = "\n".join(head) + "\n"
    rows = _fill((_row(d) + "\n" for d in docs), len(out), int(budget * _TABLE_SHARE))
    out += "".join(rows)
    if len(rows) < n:
        out += f"| … | {n - len(rows)} more documents | | see the note below |\n"
    out += "\n"
    details = _fill((document_details(d, changes.root) + "\n" for d in docs), len(out), budget)
    out += "".join(details)
    if len(rows) < n or len(details) < n:
        out += (f"\n> **Truncated**: the table lists {len(rows)} of {n} documents and the details "
                f"{len(details)}, in order of impact, to keep this comment under {max_chars:,} "
                "characters. Run `guidekit diff BASE HEAD --format html` (or `--format json`) "
                "for the full report.\n")
    return out


def _fill(parts: Iterable[str], used: int, limit: int) -> list[str]:
    """The leading parts that fit in ``limit`` characters after ``used``."""
    kept = []
    for part in parts:
        used += len(part)
        if used > limit:
            break
        kept.append(part)
    return kept


def write_markdown(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    stream.write(render_markdown(changes, options.max_chars))
