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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup

from guidekit import __version__
from guidekit.corpus import Corpus
from guidekit.handbook.articles import (
    TEMPLATES,
    Helpers,
    badge,
    json_for_script,
    keep_compiled,
    page_name,
    render_policy,
    render_sop,
    template,
)
from guidekit.handbook.cache import PreviousBuild
from guidekit.handbook.directory import Directory
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

__all__ = ["ASSETS", "Listing", "PageCache", "SiteFiles", "Stale", "keep_compiled_templates", "page_name",
           "render_changed", "render_site"]

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


def keep_compiled_templates(folder: Path) -> None:
    """Keep the compiled templates in ``folder`` (a cache folder of this user's), so that the
    next build process loads them instead of compiling them again (a tenth of a second). Each
    version of guidekit's code has its own files; the others are removed."""
    prefix = code_fingerprint()[:16]
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in folder.glob("*.cache"):
            if not old.name.startswith(prefix):
                old.unlink(missing_ok=True)
    except OSError:
        return  # compiled again next time: slower, not wrong
    keep_compiled(FileSystemBytecodeCache(str(folder), f"{prefix}-%s.cache"))


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
    # page path -> where its article is in print.html (start, end: bytes), so that the
    # next build copies the articles of unchanged pages from there
    printed: dict[str, tuple[int, int]] = field(default_factory=dict)
    listings: list[Listing] = field(default_factory=list)  # every document, in page order
    directory: Directory | None = None
    # what a second build needs to render only what changed (handbook.quick), for the manifest
    state: dict[str, Any] = field(default_factory=dict)


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
class Listing:
    """How the start page, the sidebar and the printable page's contents name a document."""

    id: str
    kind: str  # the policy's kind; "" for a SOP
    category: str | None  # a policy's first category
    title: str
    summary: str | None

    @property
    def page(self) -> str:
        return page_name(self.id)

    @classmethod
    def of(cls, view: PolicyView | SopView) -> Listing:
        if isinstance(view, SopView):
            return cls(view.id, "", None, view.sop.title, view.sop.summary)
        p = view.policy
        return cls(p.id, p.kind, p.categories[0] if p.categories else None, p.title, p.summary)

    def to_json(self) -> list[str | None]:
        return [self.id, self.kind, self.category, self.title, self.summary]

    @classmethod
    def from_json(cls, data: Any) -> Listing | None:
        if (not isinstance(data, list) or len(data) != 5 or not all(isinstance(x, str) for x in data[:2])
                or not isinstance(data[3], str)
                or not all(x is None or isinstance(x, str) for x in (data[2], data[4]))):
            return None
        return cls(data[0], data[1], data[2], data[3], data[4])


@dataclass(frozen=True, slots=True)
class _Entry:
    href: str
    title: str
    id: str
    badge: Markup
    summary: str | None


def _entry(h: Helpers, e: Listing) -> _Entry:
    return _Entry(e.page, e.title, e.id, badge(h.marks.doc(e.id), h.ui), e.summary)


def _sections(policies: list[Listing], h: Helpers) -> list[tuple[str, str, list[tuple[str, list[_Entry]]]]]:
    """Policies by kind, then by category (their first), as start-page entries."""
    kinds: dict[str, dict[str, list[_Entry]]] = {}
    for e in policies:
        cat = h.title("categories", e.category) if e.category else h.ui.gettext("Other")
        kinds.setdefault(e.kind, {}).setdefault(cat, []).append(_entry(h, e))
    return [(k, h.kind_group(k), sorted(groups.items())) for k, groups in kinds.items()]


NAV_FILE = "assets/nav.js"


def _nav_script(policies: list[Listing], sops: list[Listing], h: Helpers) -> bytes:
    """The sidebar's data, one small script every page loads: no page repeats the whole site."""
    groups: list[Any] = []
    if sops:
        groups.append([h.ui.gettext("Procedures"), [["", [[e.page, e.id, e.title] for e in sops]]]])
    for _kind, label, cats in _sections(policies, h):
        groups.append([label, [[cat, [[e.href, e.id, e.title] for e in entries]]
                               for cat, entries in cats]])
    return f"window.GK_NAV={json.dumps(groups, separators=(',', ':'))};\n".encode()


def _key(ctx: _Context, view: PolicyView | SopView) -> str:
    return _policy_key(ctx, view) if isinstance(view, PolicyView) else _sop_key(ctx, view)


def _context(hb: Handbook, corpus: Corpus, marks: ChangeMarks, h: Helpers, built_from: str | None,
             print_graphic: str) -> _Context:
    market = h.title("markets", hb.spec.market) if hb.spec.market else None
    base = {"hb": hb.spec, "version": __version__, "market": market, "built_from": built_from,
            "messages": _messages(h.ui), "print_graphic": print_graphic}
    fingerprint = _hash(code_fingerprint(), repr(hb.spec), repr(base), marks.label,
                        *(_content(s) for s, _v, _i in corpus.taxonomy_sources),
                        hb.translation_keys.get("taxonomy", ""))
    return _Context(hb, h, base, fingerprint)


# (page path, key, listing, view): a document page; with no view, the page must come from
# the previous build
_Doc = tuple[str, str, Listing, "PolicyView | SopView | None"]


class Stale(Exception):
    """A page that was to come from the previous build is not there as its key says."""


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
    h = Helpers(hb, corpus, marks, ui)
    ctx = _context(hb, corpus, marks, h, built_from, print_graphic)
    views: list[PolicyView | SopView] = [*hb.policies, *hb.sops]
    docs: list[_Doc] = [(page_name(v.id), _key(ctx, v), Listing.of(v), v) for v in views]
    return _site(ctx, docs, previous or _NoCache(), progress, None)


def render_changed(hb: Handbook, corpus: Corpus, marks: ChangeMarks, directory: Directory,
                   listings: list[Listing], previous: PreviousBuild, *, ui: UI | None = None,
                   print_graphic: str = "omit") -> SiteFiles:
    """The site again after documents changed that no other page reads (``handbook.quick``
    decides that): ``hb`` holds the changed documents only, ``listings`` every document in
    page order and ``directory`` what the pages read of each other, both from the previous
    build; every other page, its search entries and its printable article come from there.
    Raises Stale when the previous build does not hold what its manifest says."""
    h = Helpers(hb, corpus, marks, ui, directory)
    ctx = _context(hb, corpus, marks, h, None, print_graphic)
    changed: list[PolicyView | SopView] = [*hb.policies, *hb.sops]
    views = {v.id: v for v in changed}
    docs: list[_Doc] = []
    for e in listings:
        view = views.get(e.id)
        key = _key(ctx, view) if view is not None else previous.keys.get(e.page)
        if key is None:
            raise Stale(e.page)
        docs.append((e.page, key, e, view))
    return _site(ctx, docs, previous, None, previous)


def _site(ctx: _Context, docs: list[_Doc], previous: PageCache, progress: Any,
          splice: PreviousBuild | None) -> SiteFiles:
    """The files of the site: pages rendered unless their key says the previous build holds
    them; with ``splice``, the printable page is the previous one with the changed articles
    put in (every other part of it is the same: see render_changed)."""
    h = ctx.h
    _ = h.ui.gettext
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
    fresh_articles: dict[str, str] = {}
    search: dict[str, dict[str, list[SearchEntry]]] = {c: {} for c in fresh_chunks}
    documents: dict[str, tuple[str, str, list[SearchEntry] | None]] = {}
    rendered = 0
    for path, key, _listing, view in docs:
        keys[path] = key
        chunk = chunk_path(path, count)
        printable = previous.printed(path, key) if previous.key(path) == key else None
        entries = previous.search(path, key) if printable is not None and chunk in search else None
        if printable is not None and (entries is not None or chunk not in search):
            reused.append(path)
        elif view is None:
            raise Stale(path)
        else:
            if isinstance(view, PolicyView):
                article = render_policy(ctx.h, view)
                entries = entries_for_policy(view, path, h.kind_one(view.policy.kind))
                crumbs = [h.kind_group(view.policy.kind), view.id]
            else:
                article = render_sop(ctx.h, view)
                entries = entries_for_sop(view, path, _("standard operating procedure"))
                crumbs = [_("Procedures"), view.id]
            files[path] = _page(ctx, _listing.title, crumbs, article)
            printable = fresh_articles[path] = _printable(article, view)
            rendered += 1
        articles.append(printable)
        if entries is not None and chunk in search:
            search[chunk][path] = entries
        documents[path] = (key, printable, entries)
        if progress is not None:
            progress(1)
    policies = [d[2] for d in docs if d[2].kind]
    sops = [d[2] for d in docs if not d[2].kind]
    counts = _("%(policies)s, %(procedures)s.") % {
        "policies": h.ui.ngettext("%(n)s policy", "%(n)s policies", len(policies))
        % {"n": len(policies)},
        "procedures": h.ui.ngettext("%(n)s procedure", "%(n)s procedures", len(sops))
        % {"n": len(sops)}}
    files["index.html"] = template("index.html", h.ui).render(
        **ctx.base, page_title=_("Start"), crumbs=[], h=h, changes=h.marks,
        sops=[_entry(h, e) for e in sops], sections=_sections(policies, h), counts=counts).encode()
    if splice is not None:
        files["print.html"], printed = _spliced(splice, [d[0] for d in docs], fresh_articles)
    else:
        html = template("print.html", h.ui).render(
            **ctx.base, page_title=_("Printable handbook"), crumbs=[_("Printable handbook")],
            toc=[(d[2].id, d[2].title) for d in docs], articles=[Markup(a) for a in articles])
        files["print.html"] = html.encode()
        printed = _spans(files["print.html"], [(d[0], a) for d, a in zip(docs, articles, strict=True)])
    for chunk, pages in search.items():
        files[chunk] = encode_chunk(pages)
    files[CHUNKS_FILE] = chunks_script(count)
    files[NAV_FILE] = _nav_script(policies, sops, h)
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            files[f"assets/{asset.name}"] = asset.read_bytes()
    return SiteFiles(files, reused, keys, rendered, documents, printed,
                     [d[2] for d in docs], h.directory)


def _spliced(previous: PreviousBuild, pages: list[str],
             fresh: dict[str, str]) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """The previous printable page with the ``fresh`` articles in place of the old ones."""
    old = memoryview(previous.print_bytes())
    parts: list[bytes | memoryview] = []
    spans: dict[str, tuple[int, int]] = {}
    at = size = 0
    for path in pages:
        span = previous.spans.get(path)
        if span is None or span[0] < at:
            raise Stale("print.html")
        article = fresh[path].encode() if path in fresh else old[span[0]:span[1]]
        size += span[0] - at
        parts += (old[at:span[0]], article)
        spans[path] = (size, size + len(article))
        size += len(article)
        at = span[1]
    parts.append(old[at:])
    return b"".join(parts), spans


def _spans(html: bytes, articles: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Where each page's article is in the printable page (bytes): they follow one another
    there, a line apart (looked for only where that does not hold)."""
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for path, text in articles:
        article = text.encode()
        start = at + 1 if spans and html.startswith(article, at + 1) else html.find(article, at)
        if start < 0:
            return {}
        at = start + len(article)
        spans[path] = (start, at)
    return spans
