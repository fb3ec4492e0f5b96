"""`guidekit diff` for the terminal (rich). Without colour, redlines read like
`git diff --word-diff`: [-deleted-]{+inserted+}."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, FieldChange, Impact, ItemChange, Redline
from guidekit.diff.summary import IMPACT_ORDER, counts, describe_field, field_note, summarize
from guidekit.report.diff_base import DiffReportOptions

__all__ = ["write_text"]

_STYLE = {
    Impact.BREAKING: "bold red",
    Impact.STRICTER: "bold yellow",
    Impact.LOOSER: "bold cyan",
    Impact.EDITORIAL: "green",
    Impact.METADATA: "dim",
}
_EQUAL_KEEP = 80  # characters of unchanged text kept around a change


def _impact(impact: Impact) -> Text:
    return Text(f"{impact.value:<9}", style=_STYLE[impact])


def _redline(runs: Redline, color: bool) -> Text:
    out = Text()
    for op, text in runs:
        flat = " ".join(text.split()) if not text.isspace() else " "
        if text[:1].isspace():
            flat = " " + flat
        if text[-1:].isspace() and not flat.endswith(" "):
            flat += " "
        if op == "equal":
            if len(flat) > 2 * _EQUAL_KEEP:
                flat = flat[:_EQUAL_KEEP] + " … " + flat[-_EQUAL_KEEP:]
            out.append(flat)
        elif color:
            out.append(flat, style="red strike" if op == "delete" else "green underline")
        else:
            out.append(f"[-{flat}-]" if op == "delete" else f"{{+{flat}+}}")
    return out


def _field(console: Console, f: FieldChange, indent: str, color: bool) -> None:
    line = Text(indent)
    line.append_text(_impact(f.impact))
    if f.redline and not f.reflow:
        line.append(f" {f.field}: ")
        line.append_text(_redline(f.redline, color))
    else:
        line.append(f" {describe_field(f)}")
        note = field_note(f)
        if note:
            line.append(f"  ({note})", style="dim")
    console.print(line)


def _item(console: Console, item: ItemChange, color: bool) -> None:
    line = Text("  ")
    line.append_text(_impact(item.impact))
    line.append(f" {item.kind} ")
    line.append(item.id, style="bold")
    if item.old_id:
        line.append(f" (was {item.old_id})")
    line.append(f" {item.change.value}")
    if item.title:
        line.append(f"  {item.title[:80]}", style="dim")
    if item.note:
        line.append(f"  {item.note}", style="italic")
    console.print(line)
    for f in item.fields:
        _field(console, f, "      ", color)


def _document(console: Console, d: DocumentChange, color: bool, verbose: bool) -> None:
    head = Text()
    head.append_text(_impact(d.impact))
    head.append(f" {d.id}", style="bold")
    head.append(f"  {d.title}  ")
    head.append(f"{d.change.value}", style="italic")
    where = d.path if d.old_path is None else f"{d.old_path} → {d.path}"
    head.append(f"  {where}" + (f":{d.span.line}" if d.span else ""), style="dim")
    console.print(head)
    for n in d.notes:
        console.print(Text(f"  note: {n}", style="dim"))
    for f in d.fields:
        _field(console, f, "  ", color)
    for item in (*d.rules, *d.items):
        _item(console, item, color)
    for s in d.sections:
        line = Text("  ")
        line.append_text(_impact(s.impact))
        line.append(f" § {s.title}", style="bold")
        if s.old_heading is not None:
            line.append(f" (was {' > '.join(s.old_heading)})")
        line.append(f" {s.change.value}" + (" (whitespace only)" if s.reflow else ""))
        console.print(line)
        shown = s.paragraphs if verbose else s.paragraphs[:20]
        for p in shown:
            where_p = f"{p.span.line}: " if p.span else ""
            row = Text(f"      {where_p}", style="dim")
            if p.reflow:
                row.append("reflowed only", style="dim")
            elif p.change is ChangeKind.MOVED:
                row.append(f"moved: {' '.join(p.new.split())[:100]}")
            else:
                row.append_text(_redline(p.redline, color))
            console.print(row)
        if len(shown) < len(s.paragraphs):
            console.print(Text(f"      … {len(s.paragraphs) - len(shown)} more (--verbose shows all)",
                               style="dim"))
    console.print()


def write_text(changes: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    console = Console(file=stream, force_terminal=options.color, no_color=not options.color,
                      highlight=False, width=options.width or (None if options.color else 100),
                      soft_wrap=not options.color)
    title = f"guidekit diff {changes.base.label} → {changes.head.label}"
    if changes.root:
        title += f"  ({changes.root}/)"
    console.print(Text(title, style="bold"))
    if not len(changes):
        console.print("No guidance changed.")
        return
    per = counts(changes)
    tally = ", ".join(f"{per[i]} {i.value}" for i in IMPACT_ORDER if per.get(i))
    console.print(f"{len(changes)} document{'s' if len(changes) != 1 else ''} changed: {escape(tally)}\n")
    docs = sorted(changes, key=lambda d: (-d.impact.rank, d.path))
    for d in docs:
        console.print(Text(f"- {d.id}: {summarize(d)}"))
    console.print()
    for d in docs:
        _document(console, d, options.color, options.verbose)
