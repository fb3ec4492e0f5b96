"""One document -> the HTML article of its page (and of the printable page).

The Jinja2 templates under ``templates/`` get plain, pre-digested data: titles
looked up in the taxonomy, examples defanged, change marks as badges and
redlines. Autoescaping is on everywhere; the only ``Markup`` made here is
built from escaped pieces or from markdown-it-py's output with raw HTML off.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from guidekit.corpus import Corpus
from guidekit.defang import defang
from guidekit.diff.redline import reader_runs, segments_html
from guidekit.handbook.directory import Directory
from guidekit.handbook.enforcement import enforcement_view
from guidekit.handbook.handbook import Handbook, PolicyView, RuleView, SopView, is_graphic
from guidekit.handbook.i18n import UI, translation_notice, ui_for
from guidekit.handbook.marks import Change, ChangeMarks, Mark, Runs, describe, mark_label
from guidekit.handbook.text import Links, Section, render_markdown, split_sections
from guidekit.model import Escalation, Example, Policy, Rule, Sop
from guidekit.model.policy import PAGE_KIND

__all__ = ["TEMPLATES", "Helpers", "badge", "json_for_script", "keep_compiled", "page_name", "redline",
           "render_policy", "render_sop", "template"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_RESERVED = {"index", "print", "search"}
_LEAD = ("overview", "rationale", "why", "purpose", "definitions")


def page_name(doc_id: str) -> str:
    """The file a document's page is written to, flat beside the start page."""
    return f"doc-{doc_id}.html" if doc_id.lower() in _RESERVED else f"{doc_id}.html"


def badge(mark: Mark | None, ui: UI) -> Markup:
    """A change mark in the reader's language: "new", "removed", "changed: stricter"."""
    if mark is None:
        return Markup("")
    label, title = mark_label(mark, ui.gettext)
    return Markup(' <span class="badge badge-{}" title="{}">{}</span>').format(mark.change, title, label)


def redline(runs: Runs) -> Markup:
    """A change's redline as a reader sees it: the Markdown rendered, changes in <del>/<ins>."""
    parts = segments_html(reader_runs(tuple(runs)), lambda t: str(escape(t)))
    return Markup("".join(parts))  # every text part escaped above


_COMPILED: list[BytecodeCache] = []  # where compiled templates are kept (see keep_compiled)


def keep_compiled(cache: BytecodeCache) -> None:
    """Load and keep compiled templates in ``cache``, for the environments made from now on."""
    _COMPILED[:] = [cache]
    _env.cache_clear()


@cache
def _env(ui: UI) -> Environment:
    """One environment per interface language: templates say ``_("...")`` for every word."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=_COMPILED[0] if _COMPILED else None,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(ui.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(badge=lambda mark: badge(mark, ui), redline=redline, date=ui.date)
    return env


def template(name: str, ui: UI | None = None) -> Template:
    return _env(ui or ui_for(None)[0]).get_template(name)


# kinds are a closed vocabulary (schemas/policy.schema.json): each has its own heading
def _kind_labels(ui: UI) -> dict[str, tuple[str, str]]:
    """kind -> (the group's heading, what one such policy is called)."""
    _ = ui.gettext
    return {
        "community": (_("Community policies"), _("community policy")),
        "ads": (_("Ads policies"), _("ads policy")),
        "live": (_("LIVE policies"), _("LIVE policy")),
        "commerce": (_("Commerce policies"), _("commerce policy")),
        "creator": (_("Creator policies"), _("creator policy")),
        "other": (_("Other policies"), _("policy")),
        PAGE_KIND: (_("Pages"), _("page")),  # plain Markdown documents
    }


class Helpers:
    """What templates may call: titles from the taxonomy, links, safe text, change marks."""

    def __init__(self, hb: Handbook, corpus: Corpus, marks: ChangeMarks, ui: UI | None = None,
                 directory: Directory | None = None) -> None:
        self.hb = hb
        self.ui = ui or ui_for(hb.spec.locale)[0]
        self._kinds = _kind_labels(self.ui)
        self.tax = corpus.taxonomy
        self.marks = marks
        self.directory = d = directory or Directory.of(hb, corpus)
        self._included = d.included
        self._titles = d.titles
        self._rule_doc = d.rule_doc
        # guidance files by repository path, and each policy's rule ids by their lower case
        # (the anchors ``check`` accepts), for the links written in prose
        self._by_path = d.by_path
        self._rule_ids = {pid: {r.lower(): r for r in rules} for pid, rules in d.rules.items()}
        self.links_key = d.links_key()

    def translation_note(self, doc_id: str, rule_id: str = "") -> Markup:
        """A notice for text shown in the source language because its translation is missing
        or out of date (empty when the translation is current or the handbook is not translated)."""
        notice = self.hb.translation.get(doc_id, {}).get(rule_id)
        if notice is None:
            return Markup("")
        text = translation_notice(notice, self.ui, whole_page=not rule_id)
        return Markup('<span class="tr-note" role="note" data-state="{}">{}</span> ').format(notice.state, text)

    def kind_group(self, kind: str) -> str:
        """The start page's heading for one kind of policy."""
        return self._kinds.get(kind, (self.ui.gettext("Other policies"), ""))[0]

    def kind_one(self, kind: str) -> str:
        return self._kinds.get(kind, ("", self.ui.gettext("policy")))[1]

    def warning_level(self, level: str) -> str:
        _ = self.ui.gettext
        return {"mild": _("mild"), "strong": _("strong"), "graphic": _("graphic")}.get(level, level)

    def describe(self, change: Change) -> str:
        return describe(change, self.ui.gettext, self.title)

    def render(self, name: str, **data: Any) -> str:
        return template(name, self.ui).render(h=self, **data)

    def href(self, doc_id: str) -> str | None:
        return page_name(doc_id) if doc_id in self._included else None

    def shown_elsewhere(self, rule_id: str, doc_id: str) -> bool:
        """True when a page of this handbook other than ``doc_id``'s shows the rule."""
        return any(d != doc_id for d in self.directory.shown.get(rule_id, ()))

    def rule_href(self, rule_id: str) -> str | None:
        doc = self._rule_doc.get(rule_id)
        url = self.href(doc) if doc else None
        return f"{url}#{rule_id}" if url else None

    def doc_title(self, doc_id: str) -> str | None:
        return self._titles.get(doc_id)

    def title(self, vocab: str, item_id: str | None) -> str:
        if item_id is None:
            return ""
        item = getattr(self.tax, vocab).get(item_id)
        return str(item.title) if item is not None else item_id

    def titles(self, vocab: str, ids: Iterable[str]) -> str:
        return ", ".join(self.title(vocab, i) for i in ids)

    def must_escalate(self, severity: str | None) -> bool:
        level = self.tax.severities.get(severity) if severity else None
        return bool(level and level.requires_escalation)

    def graphic(self, policy: Policy, rule: Rule, ex: Example) -> bool:
        return is_graphic(self.tax, policy, rule, ex)

    def graphic_policy(self, policy: Policy) -> bool:
        return any(self.graphic(policy, r, e) for r in policy.rules for e in r.examples)

    def escalation(self, sop: Sop, esc_id: str) -> Escalation | None:
        return next((e for e in sop.escalations if e.id == esc_id), None)

    def links(self, doc_id: str, rel: str) -> Links:
        """Where the links in the prose of ``doc_id`` (the file ``rel``) go in this handbook."""

        def anchor(doc: str, name: str) -> str:
            return self._rule_ids.get(doc, {}).get(name.lower(), name.lower())

        def resolve(href: str) -> str | None:
            path, sep, name = href.partition("#")
            if not path:
                return f"#{anchor(doc_id, name)}" if sep else href
            target = self._by_path.get(posixpath.normpath(posixpath.join(posixpath.dirname(rel),
                                                                         path)))
            url = self.href(target) if target else None
            if url is None:
                return None  # left out of this handbook, or no guidance file: no dead link
            return f"{url}#{anchor(target or '', name)}" if sep else url

        return Links(resolve, self.rule_href, self.ui.gettext("not in this handbook"))

    def heading(self, doc_id: str, section: Section) -> str:
        """A section's title as this handbook shows it: translated where the translation is current."""
        return self.hb.headings.get(doc_id, {}).get(section.id) or section.heading

    def md(self, text: str, ids: Iterable[str] = (), links: Links | None = None, doc_id: str = "") -> Markup:
        """``doc_id``: the document whose translated heading titles apply. markdown-it escapes;
        raw HTML is off."""
        return Markup(render_markdown(text, tuple(ids), links, self.hb.headings.get(doc_id)))

    @staticmethod
    def defang(text: str) -> str:
        return defang(text)

    def related_key(self, ids: Iterable[str]) -> str:
        return repr([(d, self.href(d), self.doc_title(d)) for d in ids])



def _split_body(body: str, untitled: str) -> tuple[list[Section], list[Section]]:
    """Overview, rationale and definitions first; text before any heading is the overview."""
    lead: list[tuple[int, Section]] = []
    rest: list[Section] = []
    for s in split_sections(body):
        key = s.key if s.heading else "overview"
        if not s.heading:
            s = Section(untitled, s.markdown, ids=s.ids)
        if key in _LEAD:
            lead.append((_LEAD.index(key), s))
        else:
            rest.append(s)
    return [s for _n, s in sorted(lead, key=lambda x: x[0])], rest


def json_for_script(data: Any) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # nothing in a JSON script block may close it or open a comment
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above for a script data block


def _tree_data(view: SopView, h: Helpers) -> dict[str, Any]:
    sop = view.sop
    nodes = {
        n.id: {
            "q": n.question,
            "help": n.help,
            "a": [{"label": a.label, "value": a.value, "next": a.next, "outcome": a.outcome}
                  for a in n.answers],
        }
        for n in sop.tree.nodes
    }
    outcomes = {}
    for o in sop.outcomes:
        esc = h.escalation(sop, o.escalation) if o.escalation else None
        outcomes[o.id] = {
            "title": o.title,
            "actions": [h.title("actions", a) for a in view.outcome_actions.get(o.id, o.actions)],
            "rules": [[r, h.rule_href(r)] for r in o.rules],
            "escalation": (h.ui.gettext("%(team)s (within %(sla)s)") % {"team": esc.to, "sla": esc.sla}
                           if esc and esc.sla else esc.to if esc else o.escalation),
            "note": o.note,
        }
    return {"start": sop.tree.start, "nodes": nodes, "outcomes": outcomes}


def _diagram(view: SopView, h: Helpers) -> Markup:
    """The decision tree as nested lists; a node reached twice is linked, not repeated."""
    sop = view.sop
    seen: set[str] = set()
    out: list[str] = []

    def outcome(oid: str) -> str:
        o = sop.outcome(oid)
        if o is None:
            return f"<span class='outcome'>{escape(oid)}</span>"
        acts = "; ".join(h.title("actions", a) for a in view.outcome_actions.get(oid, o.actions))
        return (f"<a class='outcome' href='#{escape(sop.id)}-o-{escape(oid)}'>{escape(o.title)}</a>"
                f" <span class='acts'>({escape(acts)})</span>")

    # iterative, and with no depth limit: a tree as deep as its author made it is shown
    # whole (each node once; a node reached again is linked)
    work: list[str | tuple[str]] = [(sop.tree.start,)]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        nid = item[0]
        n = sop.tree.node(nid)
        anchor = f"{sop.id}-n-{nid}"
        if n is None or nid in seen:
            label = n.question if n else nid
            see = h.ui.gettext("see: %(question)s") % {"question": label}
            out.append(f"<a href='#{escape(anchor)}'>{escape(see)}</a>")
            continue
        seen.add(nid)
        out.append(f"<p class='q' id='{escape(anchor)}'>{escape(n.question)}</p><ul>")
        todo: list[str | tuple[str]] = []
        for a in n.answers:
            todo.append(f"<li><span class='ans'>{escape(a.label)}</span> → ")
            if a.outcome:
                todo.append(outcome(a.outcome))
            elif a.next:
                todo.append((a.next,))
            todo.append("</li>")
        todo.append("</ul>")
        work.extend(reversed(todo))

    out.insert(0, "<div class='tree'>")
    out.append("</div>")
    return Markup("".join(out))  # every piece of text is escaped above



@dataclass(frozen=True, slots=True)
class _Ex:
    text: str
    note: str | None
    markets: str
    key: str | None  # content-warning key for graphic examples


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    badge: Markup
    title: str
    text: Markup
    action: Markup
    regional: str
    severity: Markup
    escalation: str
    violating: list[_Ex]
    allowed: list[_Ex]


def _escalation(h: Helpers, r: RuleView) -> str:
    _ = h.ui.gettext
    parts = [r.rule.escalate_to or ""]
    if r.rule.requires_context:
        parts.append(_("needs context"))
    if h.must_escalate(r.severity):
        parts.append(_("mandatory escalation"))
    return "; ".join(p for p in parts if p) or _("none")


def _row(h: Helpers, p: Policy, r: RuleView) -> _Row:
    runs = h.marks.redline(p.id, r.id, "text")

    def ex(e: Example) -> _Ex:
        return _Ex(defang(e.text), defang(e.note) if e.note else e.note, ", ".join(e.markets),
                   f"{r.id}-{e.id}" if h.graphic(p, r.rule, e) else None)

    _ = h.ui.gettext
    regional = ""
    if r.override is not None:
        elsewhere = []
        if r.action != r.rule.action:
            elsewhere.append(h.title("actions", r.rule.action))
        if r.severity != r.rule.severity:
            elsewhere.append(_("severity %(level)s") % {"level": h.title("severities", r.rule.severity)})
        market = h.title("markets", h.hb.spec.market)
        regional = (_("%(market)s rule; elsewhere: %(elsewhere)s") % {
            "market": market, "elsewhere": ", ".join(elsewhere)} if elsewhere
            else _("%(market)s rule") % {"market": market})

    def was(field: str, vocab: str, now: str | None) -> Markup:
        """The value, after the old one struck through when it changed since the baseline."""
        old = h.marks.old(p.id, r.id, field) if r.override is None else None
        new = escape(h.title(vocab, now))
        if old is None or old == now:
            return new
        return Markup("<del>{}</del> {}").format(h.title(vocab, old), new)

    text = redline(runs) if runs else escape(r.rule.text)
    note = h.translation_note(p.id, r.id)
    if note:  # the source text, marked as such for screen readers and fonts
        text = note + Markup('<span lang="{}">{}</span>').format(h.hb.source_locale, text)
    return _Row(r.id, badge(h.marks.rule(p.id, r.id), h.ui), r.rule.title,
                text, was("action", "actions", r.action),
                regional, was("severity", "severities", r.severity), _escalation(h, r),
                [ex(e) for e in r.examples if e.label == "violating"],
                [ex(e) for e in r.examples if e.label == "allowed"])


def render_policy(h: Helpers, v: PolicyView) -> str:
    """The article of one policy page (also a section of the printable page)."""
    _ = h.ui.gettext
    p = v.policy
    if p.kind == PAGE_KIND:
        return render_page(h, v)
    lead, rest = _split_body(p.body, _("Overview"))
    links = h.links(p.id, p.source.rel)
    differences = []
    for o in v.differences:
        base_rule = p.rule(o.rule)
        action = h.title("actions", o.action)
        if base_rule is not None and base_rule.action != o.action:
            action = _("%(action)s (instead of %(usual)s)") % {
                "action": action, "usual": h.title("actions", base_rule.action)}
        differences.append({"market": h.title("markets", o.market), "rule": o.rule,
                            "action": action, "note": o.note or "",
                            "severity": h.title("severities", o.severity) if o.severity
                            else _("unchanged")})
    m = {
        "policy": p,
        "mark": h.marks.doc(p.id),
        "kind": h.kind_one(p.kind),
        "label": h.marks.label,
        "prose": h.marks.prose.get(p.id),
        "removed": [h.describe(c) + (f" · {c.old}" if c.old else "")
                    for c in h.marks.removed.get(p.id, ())],
        "surfaces": h.titles("surfaces", p.surfaces) or _("all"),
        "markets": h.titles("markets", p.markets) or _("all"),
        "categories": h.titles("categories", p.categories),
        "graphic": h.graphic_policy(p),
        "translation": h.translation_note(p.id),
        "lead": [(h.heading(p.id, s), h.md(s.markdown, s.ids, links, p.id), s.id) for s in lead],
        "rest": [(h.heading(p.id, s), h.md(s.markdown, s.ids, links, p.id), s.id) for s in rest],
        "rules": [_row(h, p, r) for r in v.rules],
        "market": h.title("markets", h.hb.spec.market) if h.hb.spec.market else None,
        "differences": differences,
        "enforcement": enforcement_view(h, v),
        "related": [(d, h.href(d), h.doc_title(d)) for d in p.related]
        + [(_("Replaces %(id)s") % {"id": d}, h.href(d), h.doc_title(d)) for d in p.supersedes],
    }
    return h.render("policy.html", m=m)


def render_page(h: Helpers, v: PolicyView) -> str:
    """The article of a plain Markdown page: its text, section by section, with its marks."""
    p = v.policy
    links = h.links(p.id, p.source.rel)
    m = {
        "policy": p,
        "mark": h.marks.doc(p.id),
        "label": h.marks.label,
        "prose": h.marks.prose.get(p.id),
        "sections": [(h.heading(p.id, s), h.md(s.markdown, s.ids, links, p.id), s.id)
                     for s in split_sections(p.body)],
    }
    return h.render("page_article.html", m=m)


def render_sop(h: Helpers, v: SopView) -> str:
    """The article of one SOP page: steps, walk-through data, diagram, outcomes."""
    return h.render("sop.html", view=v, diagram=_diagram(v, h),
                    tree_json=json_for_script(_tree_data(v, h)))
