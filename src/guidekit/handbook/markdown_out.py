"""A handbook as one Markdown file, for wikis.

Same selection and overrides as the HTML site. Text from guidance is written so
that a wiki cannot turn it into markup: angle brackets become entities outside
code, and URLs quoted in examples are defanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from guidekit.defang import defang
from guidekit.handbook.handbook import Handbook, PolicyView, SopView, is_graphic
from guidekit.handbook.marks import ChangeMarks, Runs, describe
from guidekit.handbook.text import split_sections
from guidekit.loading.markdown import read_blocks, split_lines, unlink_local
from guidekit.model import Taxonomy

__all__ = ["render_markdown_handbook"]

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# a link to a script or data URL, and any image, would be live in a wiki: keep them as text
_UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?=(?:java|vb)script:|data:)", re.IGNORECASE)
_IMAGE = re.compile(r"!\[")


def _inline(text: str) -> str:
    """One line of prose: HTML neutralised, table pipes escaped, on one line."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _prose(text: str) -> str:
    # one Markdown file: a link to another guidance file or anchor would be dead in it
    text = unlink_local(text).replace("<", "&lt;")
    return _IMAGE.sub(r"!\\[", _UNSAFE_LINK.sub(r"]\\(", text))


def _prose_line(line: str) -> str:
    parts, last = [], 0
    for cm in _CODE_SPAN.finditer(line):
        parts.append(_prose(line[last : cm.start()]))
        parts.append(cm.group(0))
        last = cm.end()
    parts.append(_prose(line[last:]))
    return "".join(parts)


def _body(markdown: str) -> str:
    """A Markdown section kept as written, except raw HTML, script links and images outside
    code (blocks as the one reader finds them); headings shift down two levels."""
    lines = split_lines(markdown)
    out: list[str] = []
    pos = 0
    for b in read_blocks(markdown):
        out += [_prose_line(ln) for ln in lines[pos:b.start]]
        if b.kind in ("fence", "code"):
            out += lines[b.start:b.end]
        elif b.level:  # setext or ATX, as one ATX line
            out.append(_prose_line(f"{'#' * min(b.level + 2, 6)} {' '.join(b.title.split())}"))
        else:
            out += [_prose_line(ln) for ln in lines[b.start:b.end]]
        pos = b.end
    out += [_prose_line(ln) for ln in lines[pos:]]
    return "\n".join(out).strip()


def _redline(runs: Runs) -> str:
    out = []
    for kind, text in runs:
        t = _inline(text)
        out.append(f"<ins>{t}</ins>" if kind == "insert" else f"<del>{t}</del>" if kind == "delete" else t)
    return "".join(out)


def _policy(v: PolicyView, tax: Taxonomy, title: Callable[[str, str | None], str], marks: ChangeMarks,
             market: str | None) -> list[str]:
    p = v.policy
    mark = marks.doc(p.id)
    lines = [f"## {_inline(p.title)} ({p.id}){' — ' + mark.label if mark else ''}", ""]
    if p.summary:
        lines += [_inline(p.summary), ""]
    lines += [f"Effective {p.effective} · version {p.version} · owners: {_inline(', '.join(p.owners))}",
              ""]
    sections = split_sections(p.body)
    for s in sections:
        lines += [f"### {_inline(s.heading or 'Overview')}", "", _body(s.markdown), ""]
    lines += ["### Rules", "", "| Rule | What it covers | Action | Severity | Escalation |",
              "| --- | --- | --- | --- | --- |"]
    for r in v.rules:
        rm = marks.rule(p.id, r.id)
        runs = marks.redline(p.id, r.id, "text")
        text = _redline(runs) if runs else _inline(r.rule.text)
        action = title("actions", r.action)
        if r.override:
            action += f" ({market} override; elsewhere {title('actions', r.rule.action)})"
        esc = r.rule.escalate_to or ("needs context" if r.rule.requires_context else "")
        lines.append(f"| {r.id}{' (' + rm.label + ')' if rm else ''} | **{_inline(r.rule.title)}**: "
                     f"{text} | {_inline(action)} | {_inline(title('severities', r.severity))} | "
                     f"{_inline(esc)} |")
    lines.append("")
    for r in v.rules:
        if not r.examples:
            continue
        lines += [f"#### Examples for {r.id}", ""]
        for e in r.examples:
            note = f" — {_inline(defang(e.note))}" if e.note else ""
            text = ("[graphic content: see the HTML handbook]" if is_graphic(tax, p, r.rule, e)
                    else _inline(defang(e.text)))
            lines.append(f"- **{e.label}**: {text}{note}")
        lines.append("")
    if p.exceptions:
        lines += ["### Exceptions", ""]
        lines += [f"- **{_inline(e.title)}**: {_inline(e.text)}" for e in p.exceptions]
        lines.append("")
    if v.differences:
        lines += ["### Regional differences", ""]
        for o in v.differences:
            sev = f", severity {title('severities', o.severity)}" if o.severity else ""
            note = f" — {_inline(o.note)}" if o.note else ""
            lines.append(f"- {title('markets', o.market)}, {o.rule}: "
                         f"{_inline(title('actions', o.action))}{sev}{note}")
        lines.append("")
    return lines


def _sop(v: SopView, title: Callable[[str, str], str]) -> list[str]:
    s = v.sop
    lines = [f"## {_inline(s.title)} ({s.id})", ""]
    if s.summary:
        lines += [_inline(s.summary), ""]
    lines += ["### Steps", ""]
    lines += [f"{i}. {_inline(st.text)}" for i, st in enumerate(s.steps, 1)]
    lines += ["", "### Decision tree", ""]
    for n in s.tree.nodes:
        lines.append(f"- **{n.id}**: {_inline(n.question)}")
        for a in n.answers:
            to = f"go to {a.next}" if a.next else f"outcome {a.outcome}"
            lines.append(f"  - {_inline(a.label)} → {to}")
    lines += ["", "### Outcomes", ""]
    for o in s.outcomes:
        acts = "; ".join(title("actions", a) for a in v.outcome_actions.get(o.id, o.actions))
        rules = f" (rules: {', '.join(o.rules)})" if o.rules else ""
        lines.append(f"- **{o.id}** {_inline(o.title)}: {_inline(acts)}{rules}")
    if s.escalations:
        lines += ["", "### Escalations", ""]
        lines += [f"- {_inline(e.to)}{' within ' + _inline(e.sla) if e.sla else ''}: {_inline(e.when)}"
                  for e in s.escalations]
    return [*lines, ""]


def render_markdown_handbook(hb: Handbook, tax: Taxonomy, marks: ChangeMarks) -> str:
    def title(vocab: str, item_id: str | None) -> str:
        if item_id is None:
            return ""
        item = getattr(tax, vocab).get(item_id)
        return str(item.title) if item is not None else item_id

    market = title("markets", hb.spec.market) if hb.spec.market else None
    lines = [f"# {_inline(hb.spec.title)}", ""]
    if market:
        lines += [f"Market: {market}. Its regional rules are applied; guidance that does not "
                  "apply there is left out.", ""]
    if marks.label:  # without a baseline the author is told, not the reviewers
        lines += [f"## What changed since {_inline(marks.label)}", ""]
        for c in marks.entries:
            lines.append(f"- {_inline(c.title)} ({c.id}): {c.mark.label}")
            lines += [f"  - {_inline(describe(d, str, title))}" for d in c.details]
        if not marks.entries:
            lines.append("Nothing in this handbook changed.")
        lines.append("")
    for s in hb.sops:
        lines += _sop(s, title)
    for v in hb.policies:
        lines += _policy(v, tax, title, marks, market)
    return "\n".join(lines).rstrip() + "\n"
