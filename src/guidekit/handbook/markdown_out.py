"""A handbook as one Markdown file, for wikis.

Same selection, overrides and language as the HTML site: a translated
handbook's text, headings and notices, and its interface words from the same
catalogs (guidekit.handbook.i18n). Text from guidance is written so that a wiki
cannot turn it into markup: angle brackets become entities outside code, and
URLs quoted in examples are defanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from guidekit.defang import defang
from guidekit.handbook.handbook import Handbook, PolicyView, SopView, is_graphic
from guidekit.handbook.i18n import UI, translation_notice, ui_for
from guidekit.handbook.marks import ChangeMarks, Mark, Runs, describe, mark_label
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


def _body(markdown: str, titles: Sequence[str | None] = ()) -> str:
    """A Markdown section kept as written, except raw HTML, script links and images outside
    code (blocks as the one reader finds them); headings shift down two levels and take
    ``titles`` (one per heading, in order; None: the source's)."""
    lines = split_lines(markdown)
    out: list[str] = []
    pos = 0
    names = iter(titles)
    for b in read_blocks(markdown):
        out += [_prose_line(ln) for ln in lines[pos:b.start]]
        if b.kind in ("fence", "code"):
            out += lines[b.start:b.end]
        elif b.level:  # setext or ATX, as one ATX line
            title = next(names, None) or b.title
            out.append(_prose_line(f"{'#' * min(b.level + 2, 6)} {' '.join(title.split())}"))
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


def _badge(mark: Mark | None, ui: UI) -> str:
    return f" — {mark_label(mark, ui.gettext)[0]}" if mark else ""


def _policy(v: PolicyView, hb: Handbook, tax: Taxonomy, title: Callable[[str, str | None], str],
            marks: ChangeMarks, ui: UI) -> list[str]:
    _ = ui.gettext
    p = v.policy
    lines = [f"## {_inline(p.title)} ({p.id}){_badge(marks.doc(p.id), ui)}", ""]
    notices = hb.translation.get(p.id, {})
    if "" in notices:
        lines += [f"*{_inline(translation_notice(notices[''], ui, whole_page=True))}*", ""]
    if p.summary:
        lines += [_inline(p.summary), ""]
    effective, version, owners = _("Effective"), _("Version"), _("Owners")
    lines += [f"{effective}: {ui.date(p.effective)} · {version} {p.version} · "
              f"{owners}: {_inline(', '.join(p.owners))}", ""]
    headings = hb.headings.get(p.id, {})
    for s in split_sections(p.body):
        heading = headings.get(s.id) or s.heading or _("Overview")
        lines += [f"### {_inline(heading)}", "", _body(s.markdown, [headings.get(i) for i in s.ids]), ""]
    # (each word apart from the f-strings: that is where `make messages` finds them)
    heads = [_("Rule"), _("What it covers"), _("Action"), _("Severity"), _("Escalation")]
    lines += ["### " + _("Rules"), "", f"| {' | '.join(heads)} |",
              "| --- | --- | --- | --- | --- |"]
    market = title("markets", hb.spec.market) if hb.spec.market else ""
    for r in v.rules:
        runs = marks.redline(p.id, r.id, "text")
        text = _redline(runs) if runs else _inline(r.rule.text)
        if r.id in notices:  # the source text, shown until the translation is done or updated
            text = f"*{_inline(translation_notice(notices[r.id], ui))}* {text}"
        action = title("actions", r.action)
        if r.override is not None:  # as the HTML handbook says it
            where = (_("%(market)s rule; elsewhere: %(elsewhere)s") % {
                "market": market, "elsewhere": title("actions", r.rule.action)}
                if r.action != r.rule.action else _("%(market)s rule") % {"market": market})
            action = f"{action} ({where})"
        esc = r.rule.escalate_to or (_("needs context") if r.rule.requires_context else "")
        lines.append(f"| {r.id}{_badge(marks.rule(p.id, r.id), ui)} | **{_inline(r.rule.title)}**: "
                     f"{text} | {_inline(action)} | {_inline(title('severities', r.severity))} | "
                     f"{_inline(esc)} |")
    lines.append("")
    labels = {"violating": _("Violating"), "allowed": _("Allowed")}
    for r in v.rules:
        if not r.examples:
            continue
        lines += ["#### " + _("Examples of rule %(id)s") % {"id": r.id}, ""]
        for e in r.examples:
            note = f" — {_inline(defang(e.note))}" if e.note else ""
            text = (_("Graphic example: see the HTML handbook.") if is_graphic(tax, p, r.rule, e)
                    else _inline(defang(e.text)))
            lines.append(f"- **{labels.get(e.label, e.label)}**: {text}{note}")
        lines.append("")
    if p.exceptions:
        lines += ["### " + _("Exceptions"), ""]
        for x in p.exceptions:
            more = (f" {_('Still applies:')} {_inline(title('actions', x.residual_action))}."
                    if x.residual_action else "")
            more += f" {_('Never for:')} {', '.join(x.never_for)}." if x.never_for else ""
            lines.append(f"- **{_inline(x.title)}**: {_inline(x.text)}{more}")
        lines.append("")
    if v.differences:
        lines += ["### " + _("Regional differences"), ""]
        for o in v.differences:
            sev = ", " + _("severity %(level)s") % {"level": title("severities", o.severity)} if o.severity else ""
            note = f" — {_inline(o.note)}" if o.note else ""
            lines.append(f"- {title('markets', o.market)}, {o.rule}: "
                         f"{_inline(title('actions', o.action))}{sev}{note}")
        lines.append("")
    return lines


def _sop(v: SopView, hb: Handbook, title: Callable[[str, str], str], ui: UI) -> list[str]:
    _ = ui.gettext
    s = v.sop
    lines = [f"## {_inline(s.title)} ({s.id})", ""]
    if "" in hb.translation.get(s.id, {}):
        lines += [f"*{_inline(translation_notice(hb.translation[s.id][''], ui, whole_page=True))}*", ""]
    if s.summary:
        lines += [_inline(s.summary), ""]
    lines += ["### " + _("Steps"), ""]
    lines += [f"{i}. {_inline(st.text)}" for i, st in enumerate(s.steps, 1)]
    lines += ["", "### " + _("Decision tree"), ""]
    outcomes = {o.id: o.title for o in s.outcomes}
    for n in s.tree.nodes:
        lines.append(f"- **{n.id}**: {_inline(n.question)}")
        for a in n.answers:
            to = a.next if a.next else _("Outcome: %(outcome)s") % {"outcome": outcomes.get(a.outcome or "", a.outcome)}
            lines.append(f"  - {_inline(a.label)} → {_inline(str(to))}")
    lines += ["", "### " + _("Outcomes"), ""]
    rules_label = _("Rules:")
    for o in s.outcomes:
        acts = "; ".join(title("actions", a) for a in v.outcome_actions.get(o.id, o.actions))
        rules = f" ({rules_label} {', '.join(o.rules)})" if o.rules else ""
        lines.append(f"- **{o.id}** {_inline(o.title)}: {_inline(acts)}{rules}")
    if s.escalations:
        lines += ["", "### " + _("Escalations"), ""]
        lines += [f"- {_inline(_('%(team)s (within %(sla)s)') % {'team': e.to, 'sla': e.sla} if e.sla else e.to)}: "
                  f"{_inline(e.when)}" for e in s.escalations]
    return [*lines, ""]


def render_markdown_handbook(hb: Handbook, tax: Taxonomy, marks: ChangeMarks, ui: UI | None = None) -> str:
    """The handbook as one Markdown file in its reader's language (``ui``: its interface)."""
    ui = ui or ui_for(hb.spec.locale)[0]
    _ = ui.gettext

    def title(vocab: str, item_id: str | None) -> str:
        if item_id is None:
            return ""
        item = getattr(tax, vocab).get(item_id)
        return str(item.title) if item is not None else item_id

    lines = [f"# {_inline(hb.spec.title)}", ""]
    if hb.spec.market:
        lines += [_("Market: %(market)s.") % {"market": title("markets", hb.spec.market)}, ""]
    if marks.label:  # without a baseline the author is told, not the reviewers
        lines += ["## " + _("What changed since %(baseline)s") % {"baseline": _inline(marks.label)}, ""]
        for c in marks.entries:
            lines.append(f"- {_inline(c.title)} ({c.id}): {mark_label(c.mark, _)[0]}")
            lines += [f"  - {_inline(describe(d, _, title))}" for d in c.details]
        if not marks.entries:
            lines.append(_("Nothing in this handbook changed."))
        lines.append("")
    for s in hb.sops:
        lines += _sop(s, hb, title, ui)
    for v in hb.policies:
        lines += _policy(v, hb, tax, title, marks, ui)
    return "\n".join(lines).rstrip() + "\n"
