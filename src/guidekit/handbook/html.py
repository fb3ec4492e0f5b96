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
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup

from guidekit import __version__
from guidekit.corpus import Corpus
from guidekit.handbook.articles import (
    TEMPLATES,
    Helpers,
    badge,
    json_for_script,
    page_name,
    render_policy,
    render_sop,
    template,
)
from guidekit.handbook.handbook import Handbook, PolicyView, SopView
from guidekit.handbook.i18n import LOCALES, UI
from guidekit.handbook.marks import ChangeMarks
from guidekit.handbook.search import (
    CHUNKS_FILE,
    SearchEntry,
    chunk_count,
    chunk_path,
    chunks_script,
    encode_chunk,
    entries_for_policy,
    entries_for_sop,
)
from guidekit.loading.markdown import read_headings
from guidekit.loading.source import Source

__all__ = ["ASSETS", "PageCache", "SiteFiles", "page_name", "render_site"]

_HERE = Path(__file__).resolve().parent
ASSETS = _HERE / "assets"


@cache
def code_fingerprint() -> str:
    """Changes whenever guidekit's code (any module: a page is rendered with the model, the
    Markdown reader, defang, the diff ...), its templates, assets or interface catalogs
    change: old pages are then stale."""
    h = hashlib.sha256(__version__.encode())
    package = _HERE.parent
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode())
        h.update(f.read_bytes())
    for folder in (TEMPLATES, ASSETS):
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.suffix in (".html", ".css", ".js"):
                h.update(f.name.encode())
                h.update(f.read_bytes())
    for f in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        h.update(str(f.relative_to(LOCALES)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


class PageCache(Protocol):
    """What a previous build can give back for a page whose inputs did not change."""

    def printed(self, path: str, key: str) -> str | None:
        """The page's article as the printable page holds it."""

    def search(self, path: str, key: str) -> list[SearchEntry] | None: ...

    def key(self, path: str) -> str | None:
        """The key a file of the previous build was written with (None: no such file)."""


class _NoCache:
    def printed(self, path: str, key: str) -> str | None:
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
    # page path -> (key, printable article, search entries if at hand), for callers that keep
    # them in memory
    documents: dict[str, tuple[str, str, list[SearchEntry] | None]] = field(default_factory=dict)
    # page path -> where its article is in print.html (start, end: characters), so that the
    # next build copies the articles of unchanged pages from there
    printed: dict[str, tuple[int, int]] = field(default_factory=dict)


def _hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


@dataclass
class _Context:
    hb: Handbook
    h: Helpers
    base: dict[str, Any]
    fingerprint: str


def _page(ctx: _Context, title: str, crumbs: list[str], article: str) -> bytes:
    html = template("page.html", ctx.h.ui).render(
        **ctx.base, page_title=title, crumbs=crumbs, article=Markup(article))
    return html.encode()


def _messages(ui: UI) -> Markup:
    """What app.js says, in the handbook's language (a JSON block each page carries)."""
    _ = ui.gettext
    data = {
        "outcome": _("Outcome: %(outcome)s"), "actions": _("Actions: %(actions)s"),
        "rules": _("Rules:"), "escalate": _("Escalate to: %(team)s"), "answers": _("Answers"),
        "noOutcome": _("This path has no outcome; follow the diagram and escalate."),
        "back": _("Back"), "restart": _("Start again"),
        "indexFailed": _("The search index could not be loaded."),
        "noMatch": _("No match for “%(query)s”."),
        "results": _("Results: %(n)s"),
        "showAll": _("Show all graphic examples on this page"),
        "hideAll": _("Hide all graphic examples on this page"),
        "onPage": _("On this page"), "permalink": _("Link to this section"),
        "procedures": _("Procedures"),
    }
    return json_for_script(data)


_CONTENT: weakref.WeakKeyDictionary[Source, str] = weakref.WeakKeyDictionary()


def _content(src: Source) -> str:
    """A digest of what a document says: its loaded data and body.

    Not the file text: check may hand over sources without it. The JSON form
    does not depend on whether the data came from YAML or check's cache. A
    source never changes once loaded, so the digest is remembered (serve
    reuses sources between rebuilds).
    """
    got = _CONTENT.get(src)
    if got is None:
        text = json.dumps(src.data, sort_keys=True, default=str) + "\0" + (src.body or "")
        got = _CONTENT[src] = hashlib.sha256(text.encode()).hexdigest()
    return got


def _printable(article: str, view: PolicyView | SopView) -> str:
    """A policy's article for the printable page, which holds every document: its
    heading ids (and the links to them) get the policy id in front, so that each stays
    unique there."""
    if not isinstance(view, PolicyView):
        return article
    p = view.policy
    for h in read_headings(p.body):
        article = article.replace(f' id="{h.id}"', f' id="{p.id}--{h.id}"').replace(
            f' href="#{h.id}"', f' href="#{p.id}--{h.id}"')
    return article


def _policy_key(ctx: _Context, v: PolicyView) -> str:
    p = v.policy
    return _hash(ctx.fingerprint, _content(p.source), ctx.h.marks.key_for(p.id),
                 ctx.h.related_key((*p.related, *p.supersedes)), ctx.h.links_key,
                 ctx.hb.translation_keys.get(p.id, ""))


def _sop_key(ctx: _Context, v: SopView) -> str:
    s = v.sop
    rules = sorted({r for o in s.outcomes for r in o.rules})
    return _hash(ctx.fingerprint, _content(s.source), ctx.h.marks.key_for(s.id),
                 ctx.h.related_key((*s.policies, *s.related)), ctx.hb.translation_keys.get(s.id, ""),
                 repr([(r, ctx.h.rule_href(r)) for r in rules]),
                 repr(sorted(v.outcome_actions.items())))


@dataclass(frozen=True, slots=True)
class _Entry:
    href: str
    title: str
    id: str
    badge: Markup
    summary: str | None


def _entry(h: Helpers, doc_id: str, title: str, summary: str | None) -> _Entry:
    return _Entry(page_name(doc_id), title, doc_id, badge(h.marks.doc(doc_id), h.ui), summary)


def _sections(hb: Handbook, h: Helpers) -> list[tuple[str, str, list[tuple[str, list[_Entry]]]]]:
    """Policies by kind, then by category (their first), as start-page entries."""
    kinds: dict[str, dict[str, list[_Entry]]] = {}
    for v in hb.policies:
        p = v.policy
        cat = h.title("categories", p.categories[0]) if p.categories else h.ui.gettext("Other")
        kinds.setdefault(p.kind, {}).setdefault(cat, []).append(
            _entry(h, p.id, p.title, p.summary))
    return [(k, h.kind_group(k), sorted(groups.items())) for k, groups in kinds.items()]


NAV_FILE = "assets/nav.js"


def _nav_script(hb: Handbook, h: Helpers) -> bytes:
    """The sidebar's data, one small script every page loads: no page repeats the whole site."""
    groups: list[Any] = []
    if hb.sops:
        groups.append([h.ui.gettext("Procedures"),
                       [["", [[page_name(v.id), v.id, v.sop.title] for v in hb.sops]]]])
    for _kind, label, cats in _sections(hb, h):
        groups.append([label, [[cat, [[e.href, e.id, e.title] for e in entries]]
                               for cat, entries in cats]])
    return f"window.GK_NAV={json.dumps(groups, separators=(',', ':'))};\n".encode()


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
    ui: UI | None = None,
    print_graphic: str = "omit",
) -> SiteFiles:
    """Every file of one handbook's site; what is unchanged comes from ``previous``.

    A page is reused when its key is; a search-index chunk when the keys of
    all its pages are, so an edit re-encodes only the chunk of the edited page.
    """
    previous = previous or _NoCache()
    h = Helpers(hb, corpus, marks, ui)
    _ = h.ui.gettext
    market = h.title("markets", hb.spec.market) if hb.spec.market else None
    base = {"hb": hb.spec, "version": __version__, "market": market, "built_from": built_from,
            "messages": _messages(h.ui), "print_graphic": print_graphic}
    fingerprint = _hash(code_fingerprint(), repr(hb.spec), repr(base), marks.label,
                        *(_content(s) for s, _v, _i in corpus.taxonomy_sources),
                        hb.translation_keys.get("taxonomy", ""))
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
        printable = previous.printed(path, key) if previous.key(path) == key else None
        entries = previous.search(path, key) if printable is not None and chunk in search else None
        if printable is not None and (entries is not None or chunk not in search):
            reused.append(path)
        else:
            if isinstance(view, PolicyView):
                article = render_policy(ctx.h, view)
                entries = entries_for_policy(view, path, h.kind_one(view.policy.kind))
                crumbs = [h.kind_group(view.policy.kind), view.id]
            else:
                article = render_sop(ctx.h, view)
                entries = entries_for_sop(view, path, _("standard operating procedure"))
                crumbs = [_("Procedures"), view.id]
            files[path] = _page(ctx, title, crumbs, article)
            printable = _printable(article, view)
            rendered += 1
        articles.append(printable)
        if entries is not None and chunk in search:
            search[chunk][path] = entries
        documents[path] = (key, printable, entries)
        if progress is not None:
            progress(1)
    counts = _("%(policies)s, %(procedures)s.") % {
        "policies": h.ui.ngettext("%(n)s policy", "%(n)s policies", len(hb.policies))
        % {"n": len(hb.policies)},
        "procedures": h.ui.ngettext("%(n)s procedure", "%(n)s procedures", len(hb.sops))
        % {"n": len(hb.sops)}}
    files["index.html"] = template("index.html", h.ui).render(
        **base, page_title=_("Start"), crumbs=[], h=h, changes=marks,
        sops=[_entry(h, v.id, v.sop.title, v.sop.summary) for v in hb.sops],
        sections=_sections(hb, h), counts=counts).encode()
    printed = template("print.html", h.ui).render(
        **base, page_title=_("Printable handbook"), crumbs=[_("Printable handbook")], toc=toc,
        articles=[Markup(a) for a in articles])
    files["print.html"] = printed.encode()
    for chunk, pages in search.items():
        files[chunk] = encode_chunk(pages)
    files[CHUNKS_FILE] = chunks_script(count)
    files[NAV_FILE] = _nav_script(hb, h)
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            files[f"assets/{asset.name}"] = asset.read_bytes()
    return SiteFiles(files, reused, keys, rendered, documents,
                     _spans(printed, [(d[0], a) for d, a in zip(docs, articles, strict=True)]))


def _spans(html: str, articles: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Where each page's article is in the printable page: they follow one another there,
    a line apart (looked for only where that does not hold)."""
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for path, article in articles:
        start = at + 1 if spans and html.startswith(article, at + 1) else html.find(article, at)
        if start < 0:
            return {}
        at = start + len(article)
        spans[path] = (start, at)
    return spans
