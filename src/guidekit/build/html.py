"""A handbook -> the files of its static HTML site.

Every document becomes one page; the start page lists them by kind and
category; one printable page holds every document; ``assets/`` holds our CSS,
JS and the search index. No page repeats the whole site: a page links to the
start page, the search box and the documents it names, so the output grows
linearly with the number of documents.

Rendering is cached by content hash: each document page carries a key made of
everything it was rendered from, and a page whose key did not change is taken
from the previous build (see ``build.cache``) instead of being rendered again.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from guidekit import __version__
from guidekit.build.handbook import Handbook, PolicyView, RuleView, SopView, is_graphic
from guidekit.build.marks import ChangeMarks, Mark, Runs
from guidekit.build.search import (
    CHUNKS_FILE,
    SearchEntry,
    chunk_count,
    chunk_path,
    chunks_script,
    encode_chunk,
    entries_for_policy,
    entries_for_sop,
)
from guidekit.build.text import Section, defang, render_markdown, split_sections
from guidekit.corpus import Corpus
from guidekit.loading.source import Source
from guidekit.model import Escalation, Example, Policy, Rule, Sop

__all__ = ["ASSETS", "PageCache", "SiteFiles", "page_name", "render_site"]

_HERE = Path(__file__).resolve().parent
ASSETS = _HERE / "assets"
_TEMPLATES = _HERE / "templates"
_RESERVED = {"index", "print", "search"}
_LEAD = ("overview", "rationale", "why", "purpose", "definitions")
ARTICLE_START, ARTICLE_END = "<!--gk:article-->", "<!--/gk:article-->"


def page_name(doc_id: str) -> str:
    """The file a document's page is written to, flat beside the start page."""
    return f"doc-{doc_id}.html" if doc_id.lower() in _RESERVED else f"{doc_id}.html"


def badge(mark: Mark | None) -> Markup:
    if mark is None:
        return Markup("")
    return Markup(' <span class="badge badge-{}" title="{}">{}</span>').format(
        mark.change, mark.title, mark.label)


def redline(runs: Runs) -> Markup:
    tags = {"insert": "ins", "delete": "del"}
    out = []
    for kind, text in runs:
        tag = tags.get(kind)
        out.append(Markup("<{0}>{1}</{0}>").format(Markup(tag), text) if tag else escape(text))
    return Markup("").join(out)


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,
    )
    env.globals.update(badge=badge, redline=redline)
    return env


def _template(name: str) -> Template:
    return _env().get_template(name)


@cache
def code_fingerprint() -> str:
    """Changes whenever guidekit, its templates or its assets change: old pages are then stale."""
    h = hashlib.sha256(__version__.encode())
    for folder in (_TEMPLATES, ASSETS, _HERE):
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.suffix in (".html", ".css", ".js", ".py"):
                h.update(f.name.encode())
                h.update(f.read_bytes())
    return h.hexdigest()


class PageCache(Protocol):
    """What a previous build can give back for a page whose inputs did not change."""

    def article(self, path: str, key: str) -> str | None: ...

    def search(self, path: str, key: str) -> list[SearchEntry] | None: ...

    def key(self, path: str) -> str | None:
        """The key a file of the previous build was written with (None: no such file)."""


class _NoCache:
    def article(self, path: str, key: str) -> str | None:
        return None

    def search(self, path: str, key: str) -> list[SearchEntry] | None:
        return None

    def key(self, path: str) -> str | None:
        return None


@dataclass
class SiteFiles:
    """The site as data: new file contents, files to carry over unchanged, page keys."""

    files: dict[str, bytes]
    reused: list[str]  # paths whose previous file is identical and is linked, not rewritten
    keys: dict[str, str]  # page path -> content key (the manifest)
    rendered: int  # document pages rendered this time
    # page path -> (key, article, search entries if at hand), for callers that keep them in memory
    documents: dict[str, tuple[str, str, list[SearchEntry] | None]] = field(default_factory=dict)

    def paths(self) -> list[str]:
        return sorted([*self.files, *self.reused])


class _Helpers:
    """What templates may call: titles from the taxonomy, links, safe text, change marks."""

    def __init__(self, hb: Handbook, corpus: Corpus, marks: ChangeMarks) -> None:
        self.hb = hb
        self.tax = corpus.taxonomy
        self.marks = marks
        self._included = {v.id for v in hb.policies} | {v.id for v in hb.sops}
        self._titles = {p.id: p.title for p in corpus.policies.values()}
        self._titles.update({s.id: s.title for s in corpus.sops.values()})
        self._rule_doc = {r.id: p.id for p in corpus.policies.values() for r in p.rules}

    def href(self, doc_id: str) -> str | None:
        return page_name(doc_id) if doc_id in self._included else None

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

    def must_escalate(self, severity: str) -> bool:
        level = self.tax.severities.get(severity)
        return bool(level and level.requires_escalation)

    def graphic(self, policy: Policy, rule: Rule, ex: Example) -> bool:
        return is_graphic(self.tax, policy, rule, ex)

    def graphic_policy(self, policy: Policy) -> bool:
        return any(self.graphic(policy, r, e) for r in policy.rules for e in r.examples)

    def escalation(self, sop: Sop, esc_id: str) -> Escalation | None:
        return next((e for e in sop.escalations if e.id == esc_id), None)

    @staticmethod
    def md(text: str) -> Markup:
        return Markup(render_markdown(text))  # markdown-it escapes; raw HTML is off

    @staticmethod
    def defang(text: str) -> str:
        return defang(text)

    def related_key(self, ids: Iterable[str]) -> str:
        return repr([(d, self.href(d), self.doc_title(d)) for d in ids])


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def _split_body(body: str) -> tuple[list[Section], list[Section]]:
    lead: list[Section] = []
    rest: list[Section] = []
    for s in split_sections(body):
        if not s.heading:
            s = Section("Overview", s.markdown)
        (lead if s.key in _LEAD else rest).append(s)
    order = {k: i for i, k in enumerate(_LEAD)}
    lead.sort(key=lambda s: order[s.key])
    return lead, rest


def _json_for_script(data: Any) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # nothing in a JSON script block may close it or open a comment
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above for a script data block


def _tree_data(view: SopView, h: _Helpers) -> dict[str, Any]:
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
            "escalation": (f"{esc.to}" + (f" (within {esc.sla})" if esc.sla else "")
                           if esc else o.escalation),
            "note": o.note,
        }
    return {"start": sop.tree.start, "nodes": nodes, "outcomes": outcomes}


def _diagram(view: SopView, h: _Helpers) -> Markup:
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

    def node(nid: str, depth: int) -> None:
        n = sop.tree.node(nid)
        anchor = f"{sop.id}-n-{nid}"
        if n is None or nid in seen or depth > 50:
            label = n.question if n else nid
            out.append(f"<a href='#{escape(anchor)}'>see: {escape(label)}</a>")
            return
        seen.add(nid)
        out.append(f"<p class='q' id='{escape(anchor)}'>{escape(n.question)}</p><ul>")
        for a in n.answers:
            out.append(f"<li><span class='ans'>{escape(a.label)}</span> → ")
            if a.outcome:
                out.append(outcome(a.outcome))
            elif a.next:
                node(a.next, depth + 1)
            out.append("</li>")
        out.append("</ul>")

    out.append("<div class='tree'>")
    node(sop.tree.start, 0)
    out.append("</div>")
    return Markup("".join(out))  # every piece of text is escaped above


@dataclass
class _Context:
    hb: Handbook
    h: _Helpers
    base: dict[str, Any]
    fingerprint: str


def _page(ctx: _Context, title: str, crumbs: list[str], article: str) -> bytes:
    html = _template("page.html").render(
        **ctx.base, page_title=title, crumbs=crumbs, article=Markup(article))
    return html.encode()


_CONTENT: weakref.WeakKeyDictionary[Source, str] = weakref.WeakKeyDictionary()


def _content(src: Source) -> str:
    # the loaded data, not the file text (check may hand over sources without their text),
    # in a form that does not depend on whether it came from the YAML or check's JSON cache;
    # remembered per source, which never changes once loaded (serve reuses sources)
    got = _CONTENT.get(src)
    if got is None:
        got = _CONTENT[src] = json.dumps(src.data, sort_keys=True, default=str) + "\0" + (
            src.body or "")
    return got


def _policy_key(ctx: _Context, v: PolicyView) -> str:
    p = v.policy
    return _hash(ctx.fingerprint, _content(p.source), ctx.h.marks.key_for(p.id),
                 ctx.h.related_key((*p.related, *p.supersedes)))


def _sop_key(ctx: _Context, v: SopView) -> str:
    s = v.sop
    rules = sorted({r for o in s.outcomes for r in o.rules})
    return _hash(ctx.fingerprint, _content(s.source), ctx.h.marks.key_for(s.id),
                 ctx.h.related_key((*s.policies, *s.related)),
                 repr([(r, ctx.h.rule_href(r)) for r in rules]), repr(view_actions(v)))


def view_actions(v: SopView) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(v.outcome_actions.items())


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
    action: str
    regional: str
    severity: str
    escalation: str
    violating: list[_Ex]
    allowed: list[_Ex]


def _escalation(h: _Helpers, r: RuleView) -> str:
    parts = [r.rule.escalate_to or ""]
    if r.rule.requires_context:
        parts.append("needs context")
    if h.must_escalate(r.severity):
        parts.append("mandatory escalation")
    return "; ".join(p for p in parts if p) or "none"


def _row(ctx: _Context, p: Policy, r: RuleView) -> _Row:
    h = ctx.h
    runs = h.marks.redline(p.id, r.id, "text")

    def ex(e: Example) -> _Ex:
        return _Ex(defang(e.text), e.note, ", ".join(e.markets),
                   f"{r.id}-{e.id}" if h.graphic(p, r.rule, e) else None)

    regional = ""
    if r.override is not None:
        elsewhere = []
        if r.action != r.rule.action:
            elsewhere.append(h.title("actions", r.rule.action))
        if r.severity != r.rule.severity:
            elsewhere.append(f"severity {h.title('severities', r.rule.severity)}")
        regional = f"{ctx.hb.spec.market} rule" + (
            f"; elsewhere: {', '.join(elsewhere)}" if elsewhere else "")
    return _Row(r.id, badge(h.marks.rule(p.id, r.id)), r.rule.title,
                redline(runs) if runs else escape(r.rule.text), h.title("actions", r.action),
                regional, h.title("severities", r.severity), _escalation(h, r),
                [ex(e) for e in r.violating], [ex(e) for e in r.allowed])


def _render_policy(ctx: _Context, v: PolicyView) -> str:
    h, p = ctx.h, v.policy
    lead, rest = _split_body(p.body)
    differences = []
    for o in v.differences:
        base_rule = p.rule(o.rule)
        action = h.title("actions", o.action)
        if base_rule is not None and base_rule.action != o.action:
            action += f" (instead of {h.title('actions', base_rule.action)})"
        differences.append({"market": h.title("markets", o.market), "rule": o.rule,
                            "action": action, "note": o.note or "",
                            "severity": h.title("severities", o.severity) if o.severity
                            else "unchanged"})
    m = {
        "policy": p,
        "mark": h.marks.doc(p.id),
        "label": h.marks.label,
        "prose": h.marks.prose.get(p.id),
        "surfaces": h.titles("surfaces", p.surfaces) or "all",
        "markets": h.titles("markets", p.markets) or "all",
        "categories": h.titles("categories", p.categories),
        "graphic": h.graphic_policy(p),
        "lead": [(s.heading, h.md(s.markdown)) for s in lead],
        "rest": [(s.heading, h.md(s.markdown)) for s in rest],
        "rules": [_row(ctx, p, r) for r in v.rules],
        "market": h.title("markets", ctx.hb.spec.market) if ctx.hb.spec.market else None,
        "differences": differences,
        "related": [(d, h.href(d), h.doc_title(d)) for d in p.related]
        + [(f"Replaces {d}", h.href(d), h.doc_title(d)) for d in p.supersedes],
    }
    return _template("policy.html").render(m=m)


def _render_sop(ctx: _Context, v: SopView) -> str:
    return _template("sop.html").render(
        view=v, h=ctx.h, diagram=_diagram(v, ctx.h), tree_json=_json_for_script(_tree_data(v, ctx.h)))


def _sections(hb: Handbook) -> list[tuple[str, list[tuple[str, list[PolicyView]]]]]:
    kinds: dict[str, dict[str, list[PolicyView]]] = {}
    for v in hb.policies:
        cat = v.policy.categories[0] if v.policy.categories else "other"
        kinds.setdefault(v.policy.kind, {}).setdefault(cat, []).append(v)
    return [(k, sorted(groups.items())) for k, groups in kinds.items()]


def _documents(ctx: _Context) -> Iterator[tuple[str, str, str, str, Any]]:
    """(path, key, id, title, view) for every document page."""
    for v in ctx.hb.policies:
        yield page_name(v.id), _policy_key(ctx, v), v.id, v.policy.title, v
    for s in ctx.hb.sops:
        yield page_name(s.id), _sop_key(ctx, s), s.id, s.sop.title, s


def render_site(
    hb: Handbook,
    corpus: Corpus,
    marks: ChangeMarks,
    *,
    built_from: str | None = None,
    previous: PageCache | None = None,
    progress: Any = None,
) -> SiteFiles:
    """Every file of one handbook's site; what is unchanged comes from ``previous``.

    A page is reused when its key is; a search-index chunk when the keys of
    all its pages are, so an edit re-encodes only the chunk of the edited page.
    """
    previous = previous or _NoCache()
    h = _Helpers(hb, corpus, marks)
    market = h.title("markets", hb.spec.market) if hb.spec.market else None
    base = {"hb": hb.spec, "version": __version__, "market": market, "built_from": built_from}
    fingerprint = _hash(code_fingerprint(), repr(hb.spec), repr(base), marks.label,
                        *(_content(s) for s, _v, _i in corpus.taxonomy_sources))
    ctx = _Context(hb, h, base, fingerprint)
    docs = list(_documents(ctx))
    count = chunk_count(len(docs))
    members: dict[str, list[tuple[str, str]]] = {}
    for path, key, *_rest in docs:
        members.setdefault(chunk_path(path, count), []).append((path, key))
    chunk_keys = {c: _hash(*(f"{p}={k}" for p, k in sorted(m))) for c, m in members.items()}
    fresh_chunks = {c for c, k in chunk_keys.items() if previous.key(c) != k}
    files: dict[str, bytes] = {}
    reused: list[str] = sorted(set(chunk_keys) - fresh_chunks)
    keys: dict[str, str] = {**chunk_keys, CHUNKS_FILE: str(count)}
    articles: list[str] = []
    toc: list[tuple[str, str]] = []
    search: dict[str, dict[str, list[SearchEntry]]] = {c: {} for c in fresh_chunks}
    documents: dict[str, tuple[str, str, list[SearchEntry] | None]] = {}
    rendered = 0
    for path, key, doc_id, title, view in docs:
        keys[path] = key
        toc.append((doc_id, title))
        chunk = chunk_path(path, count)
        article = previous.article(path, key)
        entries = previous.search(path, key) if article is not None and chunk in search else None
        if article is not None and (entries is not None or chunk not in search):
            reused.append(path)
        else:
            if isinstance(view, PolicyView):
                article = _render_policy(ctx, view)
                entries = entries_for_policy(view, path)
                crumbs = [f"{view.policy.kind.capitalize()} policies", view.id]
            else:
                article = _render_sop(ctx, view)
                entries = entries_for_sop(view, path)
                crumbs = ["Procedures", view.id]
            files[path] = _page(ctx, title, crumbs, article)
            rendered += 1
        articles.append(article)
        if entries is not None and chunk in search:
            search[chunk][path] = entries
        documents[path] = (key, article, entries)
        if progress is not None:
            progress(1)
    counts = (f"{len(hb.policies)} {'policy' if len(hb.policies) == 1 else 'policies'}, "
              f"{len(hb.sops)} {'procedure' if len(hb.sops) == 1 else 'procedures'}.")
    files["index.html"] = _template("index.html").render(
        **base, page_title="Start", crumbs=[], h=h, changes=marks, sops=hb.sops,
        sections=_sections(hb), counts=counts).encode()
    files["print.html"] = _template("print.html").render(
        **base, page_title="Printable handbook", crumbs=["Printable handbook"], toc=toc,
        articles=[Markup(a) for a in articles]).encode()
    for chunk, pages in search.items():
        files[chunk] = encode_chunk(pages)
    files[CHUNKS_FILE] = chunks_script(count)
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            files[f"assets/{asset.name}"] = asset.read_bytes()
    return SiteFiles(files, reused, keys, rendered, documents)
