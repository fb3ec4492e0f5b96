"""`guidekit diff` for the terminal. Without colour, redlines read like
`git diff --word-diff`: [-deleted-]{+inserted+}.

The report is built once as lines of (text, style) segments. With colour, rich
renders them (its public Console and Text); without (a pipe, NO_COLOR,
--output), a plain writer of our own does, and rich is not imported
(importing it is a large share of a short diff's time). The plain format: one
line per report line, never wrapped; a tab expands to the next multiple of 8
terminal cells (wide East Asian characters count 2, combining marks 0).
Either way, control characters in guidance text never reach the terminal:
carriage returns are dropped, every other one (ESC included) shows as U+FFFD.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, FieldChange, Impact, ItemChange, Redline
from guidekit.diff.redline import reader_runs, reader_text
from guidekit.diff.summary import (
    IMPACT_ORDER,
    counts,
    describe_field,
    describe_translation,
    field_note,
    line_label,
    shown_paragraphs,
    summarize,
    translation_tally,
)
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.escape import cells, terminal
from guidekit.report.paths import from_top

__all__ = ["write_text"]

_STYLE = {
    Impact.BREAKING: "bold red",
    Impact.STRICTER: "bold yellow",
    Impact.LOOSER: "bold cyan",
    Impact.EDITORIAL: "green",
    Impact.METADATA: "dim",
}
_LEVEL_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
_EQUAL_KEEP = 80  # characters of unchanged text kept around a change
_TAB_SIZE = 8


class _Line:
    """One line of the report: a style for the whole line and (text, style) segments."""

    __slots__ = ("segments", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.segments: list[tuple[str, str]] = [(text, "")] if text else []

    def add(self, text: str, style: str = "") -> _Line:
        if text:
            self.segments.append((text, style))
        return self

    def impact(self, impact: Impact) -> _Line:
        return self.add(f"{impact.value:<9}", _STYLE[impact])


def _redline(line: _Line, runs: Redline, color: bool) -> None:
    """The redline as a reader reads it (markup stripped); a space that came or went is ␣."""
    merged: list[tuple[str, str]] = []
    for seg in reader_runs(runs):
        if merged and merged[-1][0] == seg.op:
            merged[-1] = (seg.op, merged[-1][1] + seg.text)
        else:
            merged.append((seg.op, seg.text))
    if merged:  # nothing trails the last word (a heading's underline, say)
        merged[-1] = (merged[-1][0], merged[-1][1].rstrip())
    for op, flat in merged:
        if op == "equal":
            if len(flat) > 2 * _EQUAL_KEEP:
                flat = flat[:_EQUAL_KEEP] + " … " + flat[-_EQUAL_KEEP:]
            line.add(flat)
            continue
        gap = flat[len(flat.rstrip()):]
        flat = flat.rstrip()
        if color:
            line.add(flat, "red strike" if op == "delete" else "green underline")
        else:
            line.add(f"[-{flat}-]" if op == "delete" else f"{{+{flat}+}}")
        line.add(gap)


def _field(f: FieldChange, indent: str, color: bool) -> _Line:
    line = _Line(indent).impact(f.impact)
    if f.redline and not f.reflow:
        line.add(f" {f.field}: ")
        _redline(line, f.redline, color)
    else:
        line.add(f" {describe_field(f)}")
        note = field_note(f)
        if note:
            line.add(f"  ({note})", "dim")
    return line


def _item(out: list[_Line], item: ItemChange, color: bool) -> None:
    line = _Line("  ").impact(item.impact)
    line.add(f" {item.kind} ").add(item.id, "bold")
    if item.old_id:
        line.add(f" (was {item.old_id})")
    line.add(f" {item.change.value}")
    if item.title:
        line.add(f"  {item.title[:80]}", "dim")
    if item.note:
        line.add(f"  {item.note}", "italic")
    out.append(line)
    out.extend(_field(f, "      ", color) for f in item.fields)


def _document(out: list[_Line], d: DocumentChange, root: str, color: bool, verbose: bool) -> None:
    head = _Line().impact(d.impact).add(f" {d.id}", "bold").add(f"  {d.title}  ").add(f"{d.change.value}", "italic")
    path = from_top(root, d.path)
    where = path if d.old_path is None else f"{from_top(root, d.old_path)} → {path}"
    out.append(head.add(f"  {where}" + (f":{d.span.line}" if d.span else ""), "dim"))
    out.extend(_Line(f"  note: {n}", "dim") for n in d.notes)
    out.extend(_field(f, "  ", color) for f in d.fields)
    for item in (*d.rules, *d.items):
        _item(out, item, color)
    for s in d.sections:
        line = _Line("  ").impact(s.impact).add(f" § {s.title}", "bold")
        if s.old_heading is not None:
            line.add(f" (was {' > '.join(s.old_heading)})")
        line.add(f" {s.change.value}")
        paragraphs, reflowed = shown_paragraphs(s)
        if reflowed and not paragraphs:
            line.add(f" (whitespace only: {reflowed} paragraph{'s' if reflowed != 1 else ''} reflowed)")
        out.append(line)
        shown = paragraphs if verbose else paragraphs[:20]
        for p in shown:
            row = _Line(f"      {line_label(p)}: " if p.span else "      ", "dim")
            if p.change is ChangeKind.MOVED:
                row.add(f"moved: {reader_text(p.new)[:100]}")
            else:
                _redline(row, p.redline, color)
            out.append(row)
        if len(shown) < len(paragraphs):
            out.append(_Line(f"      … {len(paragraphs) - len(shown)} more (--verbose shows all)", "dim"))
        if reflowed and paragraphs:
            out.append(_Line(f"      and {reflowed} paragraph{'s' if reflowed != 1 else ''} reflowed "
                             "(line breaks only)", "dim"))
    out.append(_Line())


def _translations(out: list[_Line], changes: ChangeSet, verbose: bool) -> None:
    """Per locale: the translation units the change makes stale, leaves untranslated or
    orphans (translations made or revised are counted; --verbose lists them)."""
    touched = [t for t in changes.translations if t.units or t.note]
    if not touched:
        return
    out.append(_Line("Translations:", "bold"))
    for t in touched:
        line = _Line("  ").add(t.locale, "bold").add(" (required)" if t.required else "")
        out.append(line.add(f": {translation_tally(t)}"))
        if t.note:
            out.append(_Line(f"    note: {t.note}", "dim"))
        listed = [u for u in t.units if verbose or u.level != "info"]
        for u in listed if verbose else listed[:50]:
            where = f"{from_top(changes.root, u.span.path)}:{u.span.line}" if u.span else ""
            out.append(_Line("    ").add(f"{u.level:<8}", _LEVEL_STYLE[u.level])
                       .add(f" {where}  ", "dim").add(u.key, "bold").add(f"  {describe_translation(u)}"))
        if not verbose and len(listed) > 50:
            out.append(_Line(f"    … {len(listed) - 50} more (--verbose shows all)", "dim"))
    out.append(_Line())


def _report(changes: ChangeSet, color: bool, verbose: bool) -> list[_Line]:
    title = f"guidekit diff {changes.base.label} → {changes.head.label}"
    if changes.root:
        title += f"  ({changes.root}/)"
    out = [_Line(title, "bold")]
    if not len(changes):
        out.append(_Line("No guidance changed."))
        if any(t.units or t.note for t in changes.translations):
            out.append(_Line())
            _translations(out, changes, verbose)
        return out
    per = counts(changes)
    tally = ", ".join(f"{per[i]} {i.value}" for i in IMPACT_ORDER if per.get(i))
    out += [_Line(f"{len(changes)} document{'s' if len(changes) != 1 else ''} changed: {tally}"), _Line()]
    docs = sorted(changes, key=lambda d: (-d.impact.rank, d.path))
    out.extend(_Line(f"- {d.id}: {summarize(d)}") for d in docs)
    out.append(_Line())
    _translations(out, changes, verbose)
    for d in docs:
        _document(out, d, changes.root, color, verbose)
    return out


def _expand_tabs(row: str) -> str:
    """Each tab becomes the spaces up to the next multiple of 8 cells."""
    if row.isascii():
        return row.expandtabs(_TAB_SIZE)
    *parts, last = row.split("\t")
    out: list[str] = []
    width = 0
    for part in parts:
        width += cells(part)
        pad = _TAB_SIZE - width % _TAB_SIZE
        width += pad
        out.append(part + " " * pad)
    out.append(last)
    return "".join(out)


def _write_plain(lines: Iterable[_Line], stream: TextIO) -> None:
    out: list[str] = []
    for line in lines:
        text = terminal("".join(t for t, _ in line.segments))
        if "\t" in text:
            text = "\n".join(_expand_tabs(row) if "\t" in row else row for row in text.split("\n"))
        out.append(text)
    out.append("")
    stream.write("\n".join(out))


def _write_rich(lines: Iterable[_Line], stream: TextIO, options: DiffReportOptions) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=options.color, no_color=not options.color,
                      highlight=False, width=options.width or (None if options.color else 100),
                      soft_wrap=not options.color)
    for line in lines:
        text = Text(style=line.style)
        for segment, style in line.segments:
            text.append(terminal(segment), style)
        console.print(text)


def write_text(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    lines = _report(changes, options.color, options.verbose)
    if options.color:
        _write_rich(lines, stream, options)
    else:
        _write_plain(lines, stream)
