"""A pull-request comment: summary table first, details in collapsible blocks.

GitHub holds at most 65,536 characters in a comment; the report stays under
``max_chars`` (60,000 by default). Documents come in order of impact, and each
gets a share of the room (a small one all it needs, the large ones the rest in
equal parts); within a document the structured changes come first, then the
text sections in order of impact, cut at a section and then at a block
boundary, with what is left out counted. Redlines are cut between whole
rendered segments, so no tag is ever left open.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TextIO

from guidekit.defang import defang
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
    SectionChange,
)
from guidekit.diff.redline import Segment, reader_runs, reader_text, segments_html, word_redline
from guidekit.diff.summary import (
    IMPACT_ORDER,
    counts,
    describe_field,
    describe_translation,
    field_note,
    line_label,
    marked,
    shown_paragraphs,
    summarize,
    translation_tally,
)
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.escape import code_span, terminal
from guidekit.report.paths import from_top

__all__ = ["BADGE", "render_markdown", "translations_md", "write_markdown"]

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
_FOOTER_RESERVE = 500  # room for the truncation note
_MAX_TEXT = 600  # characters of one quoted value before it is cut
_MIN_DETAILS = 400  # the least room worth opening a document's details for
_MORE_RESERVE = 120  # room kept in a document for its "and N more" line
_TRANSLATION_SHARE = 0.25  # of the budget, for the translations section
_LEVEL = {"error": "🔴", "warning": "⚠️", "info": "✅"}


def _esc(text: object) -> str:
    """Markdown- and HTML-safe inline text on one line."""
    flat = terminal(_SPACE.sub(" ", str(text)))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def _quoted(text: object) -> str:
    """What the guidance says (values, titles, paragraphs, notes), as ``_esc`` with its
    links defanged: GitHub would link a URL quoted in a pull-request comment."""
    return _esc(defang(str(text)))


def _html_line(text: str) -> str:
    """Text inside an HTML line (a summary): one line (a blank line would end the HTML
    block and let the rest be read as Markdown), escaped, links defanged."""
    return html.escape(terminal(_SPACE.sub(" ", defang(text))), quote=False)


def _cut(text: str, limit: int = _MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _defanged(runs: Redline) -> Redline:
    """The redline between the defanged old and new texts: a link a change runs through
    is defanged whole, not piece by piece (the pieces would still be linked)."""
    old = "".join(t for op, t in runs if op != "insert")
    new = "".join(t for op, t in runs if op != "delete")
    old_safe, new_safe = defang(old), defang(new)
    if old_safe == old and new_safe == new:
        return runs
    return tuple(word_redline(old_safe, new_safe))


def redline_md(runs: Redline, limit: int = _MAX_TEXT * 2) -> str:
    """The redline as a reader sees it (markup rendered, <del>/<ins> around changes; GitHub
    renders both), long unchanged stretches elided, cut between whole segments."""
    segments: list[Segment] = []
    for seg in reader_runs(_defanged(runs)):
        text = seg.text
        if seg.op == "equal" and len(text) > 160:
            text = text[:70] + " … " + text[-70:]
        elif seg.op != "equal":
            text = _cut(text, 400)
        segments.append(seg._replace(text=text))
    out: list[str] = []
    used = 0
    for part in segments_html(segments, _quoted):
        if used + len(part) > limit and out:
            out.append(" …")
            break
        out.append(part)
        used += len(part)
    return "".join(out).strip()


def _field_md(f: FieldChange, indent: str) -> str:
    badge = BADGE[f.impact].split()[0]
    if f.redline and not f.reflow:
        return f"{indent}- {badge} {code_span(f.field)}: {redline_md(f.redline)}"
    note = field_note(f)
    why = f" — {_esc(note)}" if note else ""
    return f"{indent}- {badge} {_quoted(describe_field(f))}{why}"


def _item_md(item: ItemChange) -> str:
    head = f"- {BADGE[item.impact].split()[0]} **{_esc(item.kind)} {code_span(item.id)}**"
    if item.old_id:
        head += f" (was {code_span(item.old_id)})"
    if item.title:
        head += f" {_quoted(_cut(item.title, 120))}"
    head += f" — {item.change.value}"
    if item.note:
        head += f": {_esc(item.note)}"
    return "\n".join([head, *(_field_md(f, "  ") for f in item.fields)])


def _section_head(s: SectionChange, reflowed_only: int) -> str:
    title = _quoted(s.title)
    if s.old_heading is not None:
        title += f" (was {_quoted(' > '.join(s.old_heading))})"
    line = f"- ✏️ *{title}* — {s.change.value}"
    if reflowed_only:
        line += f" (whitespace only: {_plural(reflowed_only, 'paragraph')} reflowed)"
    return line


def _para_md(p: ParagraphChange) -> str:
    where = f"{code_span(line_label(p))} " if p.span else ""
    if p.change is ChangeKind.MOVED:
        return f"  - {where}moved: {_quoted(_cut(reader_text(p.new), 160))}"
    return f"  - {where}{redline_md(p.redline)}"


def _section_lines(s: SectionChange) -> tuple[str, list[str], int]:
    """A section's title line, its paragraph lines and its reflows left to a count."""
    shown, reflowed = shown_paragraphs(s)
    if not shown:
        return _section_head(s, reflowed), [], 0
    lines = [_para_md(p) for p in shown]
    if reflowed:
        lines.append(f"  - and {_plural(reflowed, 'paragraph')} reflowed (line breaks only)")
    return _section_head(s, 0), lines, len(shown)


def _section_rank(s: SectionChange) -> tuple[int, ...]:
    """Sections in order of impact: the impact, then reworded paragraphs, then added or
    removed ones, then moved ones, then reflows a reader sees."""
    n = {"m": 0, "a": 0, "v": 0, "r": 0}
    for p in s.paragraphs:
        kind = ("v" if p.change is ChangeKind.MOVED else "r" if p.reflow
                else "m" if p.change is ChangeKind.MODIFIED else "a")
        n[kind] += 1 if kind != "r" or marked(p) else 0
    return (-s.impact.rank, -n["m"], -n["a"], -n["v"], -n["r"])


def _weight(d: DocumentChange) -> int:
    return (len(d.fields) + sum(1 + len(i.fields) for i in (*d.rules, *d.items))
            + sum(1 for s in d.sections for p in s.paragraphs if not p.reflow or marked(p)))


def _ordered(changes: Iterable[DocumentChange]) -> list[DocumentChange]:
    return sorted(changes, key=lambda d: (-d.impact.rank, -_weight(d), d.path, d.id))


def document_details(d: DocumentChange, cap: int | None = None, root: str = "") -> str:
    """A document's collapsible details, in at most ``cap`` characters (None: all of it):
    the structured changes first, then the text sections in order of impact, shown in
    the document's order; what does not fit is counted."""
    where = code_span(from_top(root, d.path))
    if d.old_path:
        where += f" (from {code_span(from_top(root, d.old_path))})"
    head = [f"<details>\n<summary><b>{_html_line(d.id)}</b> {_html_line(d.title)} — "
            f"{BADGE[d.impact]}, {d.change.value}</summary>", where]
    if d.notes:
        head.append("\n".join(f"> {_esc(n)}" for n in d.notes))
    closer = "</details>\n"
    limit = float("inf") if cap is None else cap - len(closer) - _MORE_RESERVE
    used = sum(len(h) + 2 for h in head)
    blocks = list(head)
    left_items = 0
    # fields, rules and other items: whole units while they fit
    units: list[tuple[str, str]] = [("", _field_md(f, "")) for f in d.fields]
    units += [("**Rules**", _item_md(i)) for i in d.rules]
    units += [("**Other changes**", _item_md(i)) for i in d.items]
    label_done: set[str] = set()
    current: list[str] = []
    for label, text in units:
        extra = len(text) + 1 + (len(label) + 2 if label and label not in label_done else 0)
        if used + extra > limit:
            left_items += 1
            continue
        if label and label not in label_done:
            if current:
                blocks.append("\n".join(current))
                current = []
            label_done.add(label)
            current.append(label + "\n")
        current.append(text)
        used += extra
    if current:
        blocks.append("\n".join(current))
    # text sections: chosen in order of impact, cut at section, then block boundaries
    chosen: dict[int, list[str]] = {}
    left_paras = left_sections = 0
    if d.sections:
        used += len("**Text**\n\n")
    for k in sorted(range(len(d.sections)), key=lambda k: _section_rank(d.sections[k])):
        s = d.sections[k]
        title, lines, n_shown = _section_lines(s)
        if used + len(title) + 1 + (len(lines[0]) + 1 if lines else 0) > limit:
            left_sections += 1
            left_paras += len(s.paragraphs)
            continue
        used += len(title) + 1
        kept = [title]
        for m, line in enumerate(lines):
            if used + len(line) + 1 > limit:
                rest = n_shown - m if m < n_shown else 0
                if rest:
                    kept.append(f"  - and {_plural(rest, 'more paragraph')} in this section")
                    used += 40
                    left_paras += rest
                break
            kept.append(line)
            used += len(line) + 1
        chosen[k] = kept
    if chosen:
        blocks.append("**Text**\n\n" + "\n".join(line for k in sorted(chosen) for line in chosen[k]))
    more = []
    if left_items:
        more.append(_plural(left_items, "more field or rule change"))
    if left_sections:
        more.append(f"{_plural(left_paras, 'more paragraph')} in {_plural(left_sections, 'section')}"
                    if left_paras else _plural(left_sections, "more section"))
    elif left_paras:
        more.append(f"{_plural(left_paras, 'more paragraph')} in the sections above")
    if more:
        blocks.append(f"*and {' and '.join(more)} (see the full report)*")
    blocks.append(closer)
    return "\n\n".join(blocks)


def _row(d: DocumentChange) -> str:
    return (f"| {BADGE[d.impact]} | {code_span(d.id, in_table=True)} {_quoted(_cut(d.title, 80))} | {d.change.value} | "
            f"{_esc(_cut(summarize(d), 220))} |")


def _shares(sizes: list[int], room: int) -> list[int]:
    """Room for each document's details: those that fit in an equal share get all they
    need, the larger ones share what is left in equal parts (0: not detailed). The
    first document (the most important) is always detailed."""
    n = 0
    while n < len(sizes) and (n + 1) * _MIN_DETAILS <= room:
        n += 1
    n = max(n, 1)
    out = [0] * len(sizes)
    remaining, left = room, n
    for k in sorted(range(n), key=lambda k: sizes[k]):
        give = min(sizes[k], remaining // left)
        out[k] = give
        remaining -= give
        left -= 1
    return out


def translations_md(changes: ChangeSet, limit: int) -> str:
    """Per locale, the translation debt the change creates (units made stale, left untranslated,
    orphaned; errors first) and the translations it makes, in at most ``limit`` characters:
    unit lines are cut at a whole line, with what is left out counted."""
    touched = [t for t in changes.translations if t.units or t.note]
    if not touched:
        return ""
    lines = ["#### Translations", ""]
    for t in touched:
        icon = "🔴" if t.errors else "⚠️" if any(u.level == "warning" for u in t.units) else "✅"
        lines.append(f"- {icon} **{_esc(t.locale)}**{' (required)' if t.required else ''}: {_esc(translation_tally(t))}"
                     + (f" — {_esc(t.note)}" if t.note else ""))
    lines.append("")
    used = sum(len(x) + 1 for x in lines)
    for t in touched:
        debt = [u for u in t.units if u.level != "info"]
        if not debt:
            continue
        head = f"<details>\n<summary>{_html_line(t.locale)}: the units this change leaves out of date</summary>\n"
        closer = "\n</details>\n"
        if used + len(head) + len(closer) + _MORE_RESERVE > limit:
            lines.append(f"*{_esc(t.locale)}: {_plural(len(debt), 'unit')} not listed (see the full report)*\n")
            continue
        used += len(head) + len(closer)
        rows = []
        for k, u in enumerate(debt):
            where = f" {code_span(f'{from_top(changes.root, u.span.path)}:{u.span.line}')}" if u.span else ""
            row = f"- {_LEVEL[u.level]} {code_span(u.key)}{where} — {_quoted(_cut(describe_translation(u), 300))}"
            if used + len(row) + 1 > limit - _MORE_RESERVE:
                rows.append(f"- *and {_plural(len(debt) - k, 'more unit')} (see the full report)*")
                break
            rows.append(row)
            used += len(row) + 1
        lines += [head, *rows, closer]
    return "\n".join(lines) + "\n"


def _rev(r: Revision) -> str:
    return r.ref if r.ref else (r.sha or "")[:12]


def render_markdown(changes: ChangeSet, max_chars: int = 60_000) -> str:
    docs = _ordered(changes)
    per = counts(docs)
    title = (f"### guidekit diff: {code_span(changes.base.label)} → {code_span(changes.head.label)}"
             + (f" in {code_span(changes.root + '/')}" if changes.root else ""))
    if not docs:
        return f"{title}\n\nNo guidance changed.\n" + ("\n" + translations_md(changes, max_chars // 2)
                                                           if changes.translations else "")
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
    if changes.translations:
        out += translations_md(changes, int(budget * _TRANSLATION_SHARE))
    full = [document_details(d, None, changes.root) + "\n" for d in docs]
    shares = _shares([len(f) for f in full], budget - len(out))
    whole = 0
    detailed = 0
    for d, f, share in zip(docs, full, shares, strict=True):
        if len(f) <= share:
            out += f
            whole += 1
            detailed += 1
        elif share:
            part = document_details(d, share - 1, changes.root) + "\n"
            if len(out) + len(part) <= max_chars - _FOOTER_RESERVE or not detailed:
                out += part
                detailed += 1
    if len(rows) < n or whole < n:
        base = _rev(changes.base)
        command = f"guidekit diff {base}" + (f" {_rev(changes.head)}" if changes.head.sha else "")
        out += (f"\n> **Truncated**: the table lists {len(rows)} of {n} documents; {detailed} have details "
                f"({whole} in full), in order of impact, to keep this comment under {max_chars:,} "
                f"characters. Run `{command} --format html` (or `--format json`) for the full report.\n")
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
