"""A second ``guidekit build`` that loads only the documents that changed.

A page is drawn from its own document, the taxonomy, the configuration, the
interface and what it reads of the other documents (their titles, where they
and their rules are, which this handbook holds: the ``Directory``). So when the
documents that changed since the last build still say the same about
themselves to the rest of the handbook (their *shape*: everything but their
prose, which only their own page, its search entries and its printable article
show), every other page is as the last build wrote it. The manifest keeps,
beside the page keys, each file's content key and shape, every document's
entry in the lists (start page, sidebar, printable contents) and the
directory; the second build then reads the changed documents only, renders
their pages, and takes everything else from the previous build, byte for byte
what a cold build writes.

Anything else (a document added, removed or reshaped, a taxonomy, SOP or
configuration change, translations, change marks against a baseline, another
version of guidekit) takes the whole way, which is always right.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from guidekit.corpus import Corpus
from guidekit.handbook.cache import PreviousBuild
from guidekit.handbook.directory import Directory
from guidekit.handbook.handbook import Handbook, HandbookSpec, select_handbook
from guidekit.handbook.html import Listing, SiteFiles, Stale, code_fingerprint, render_changed
from guidekit.handbook.i18n import UI
from guidekit.handbook.marks import ChangeMarks
from guidekit.loading.config import Config
from guidekit.model import Policy

__all__ = ["QuickBuild", "inputs_key", "shapes", "state"]

# prose: shown only on the document's own page, in its search entries and printable article
_PROSE = frozenset({"summary"})
_RULE_PROSE = frozenset({"text", "examples"})
_EXCEPTION_PROSE = frozenset({"text"})
# more changed documents than this share of all: the whole way is as quick
_MOST = 0.05


def inputs_key(config: Config, spec: HandbookSpec, print_graphic: str) -> str:
    """What every page of a handbook is drawn from besides the documents and taxonomy."""
    return hashlib.sha256(json.dumps([
        code_fingerprint(), config.data, config.today.isoformat(), repr(spec), print_graphic,
    ], sort_keys=True, default=str).encode()).hexdigest()


def _without(items: Any, prose: frozenset[str]) -> Any:
    if not isinstance(items, list):
        return items
    return [{k: v for k, v in i.items() if k not in prose} if isinstance(i, dict) else i for i in items]


def _shape(p: Policy) -> str:
    data = p.source.data if isinstance(p.source.data, dict) else {}
    lean = {k: v for k, v in data.items() if k not in _PROSE}
    if "rules" in lean:
        lean["rules"] = _without(lean["rules"], _RULE_PROSE)
    if "exceptions" in lean:
        lean["exceptions"] = _without(lean["exceptions"], _EXCEPTION_PROSE)
    text = json.dumps([p.id, p.title, p.kind, p.source.rel, lean], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def shapes(corpus: Corpus) -> dict[str, str]:
    """Repository path -> shape of each policy and page (other files have none: any change
    to them takes the whole way)."""
    return {p.source.rel: _shape(p) for p in (*corpus.policies.values(), *corpus.pages.values())}


def state(inputs: str, file_keys: Mapping[str, str], shaped: Mapping[str, str], site: SiteFiles,
          hb: Handbook) -> dict[str, Any]:
    """The manifest's part for the next build (see the module's docstring)."""
    assert site.directory is not None
    return {"inputs": inputs,
            "files": {rel: [key, shaped.get(rel, "")] for rel, key in file_keys.items()},
            "listings": [e.to_json() for e in site.listings],
            "directory": site.directory.to_json(),
            "omitted": [list(o) for o in hb.omitted], "notes": list(hb.notes)}


@dataclass
class _Previous:
    spec: HandbookSpec
    build: PreviousBuild
    inputs: str
    files: dict[str, tuple[str, str]]
    listings: list[Listing]
    directory: Directory
    omitted: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]

    @classmethod
    def read(cls, spec: HandbookSpec, build: PreviousBuild | None) -> _Previous | None:
        s = build.state if build is not None else {}
        if build is None or not s:
            return None
        try:
            files = {str(rel): (str(v[0]), str(v[1])) for rel, v in s["files"].items()}
            listings = [Listing.from_json(e) for e in s["listings"]]
            directory = Directory.from_json(s["directory"])
            omitted = tuple((str(i), str(why)) for i, why in s["omitted"])
            notes = tuple(str(n) for n in s["notes"])
            inputs = str(s["inputs"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None
        if directory is None or None in listings:
            return None
        return cls(spec, build, inputs, files, [e for e in listings if e is not None], directory, omitted,
                   notes)


class QuickBuild:
    """The handbooks of one build, when each has a previous build that can serve."""

    def __init__(self, previous: list[_Previous], print_graphic: str) -> None:
        self.previous = previous
        self.print_graphic = print_graphic
        self.changed: set[str] | None = None  # None: the corpus holds every document

    @classmethod
    def plan(cls, config: Config, specs: list[HandbookSpec], builds: list[PreviousBuild | None],
             *, print_graphic: str, marked: bool) -> QuickBuild | None:
        """None when this build must take the whole way whatever changed. ``marked``: change
        marks against a revision were asked for."""
        if marked or config.data.get("translations") or not specs:
            return None
        previous = []
        for spec, build in zip(specs, builds, strict=True):
            got = _Previous.read(spec, build)
            if got is None or spec.baseline is not None or got.inputs != inputs_key(config, spec, print_graphic):
                return None
            previous.append(got)
        return cls(previous, print_graphic)

    def wanted(self, keys: Mapping[str, str]) -> Collection[str] | None:
        """Given each file's content key now: the changed files (their documents are all this
        build loads), or None when the whole way is needed."""
        changed: set[str] = set()
        for prev in self.previous:
            if prev.files.keys() != keys.keys():
                return None  # a file added or removed
            changed |= {rel for rel, key in keys.items() if prev.files[rel][0] != key}
            if any(not prev.files[rel][1] for rel in changed):
                return None  # not a policy or page: a taxonomy, SOP, cases file
        if len(changed) > max(8, _MOST * len(keys)):
            return None
        self.changed = changed
        return changed

    def render(self, corpus: Corpus, keys: Mapping[str, str], uis: list[UI],
               marks: list[ChangeMarks]) -> list[SiteFiles] | None:
        """Each handbook's site, or None when a changed document's shape changed (or the
        previous build is not all there): then the whole way."""
        docs = {p.source.rel: p for p in (*corpus.policies.values(), *corpus.pages.values())}
        if self.changed is None or not self.changed <= docs.keys():
            return None  # a changed file that is no document now (e.g. it no longer validates)
        changed = self.changed
        now = {rel: _shape(docs[rel]) for rel in changed}
        sites = []
        for prev, ui, mark in zip(self.previous, uis, marks, strict=True):
            if mark.label or any(prev.files[rel][1] != now[rel] for rel in changed):
                return None
            ids = {docs[rel].id for rel in changed}
            picked = select_handbook(corpus, prev.spec)
            hb = Handbook(prev.spec, tuple(v for v in picked.policies if v.id in ids), (),
                          prev.omitted, prev.notes)
            fresh = {v.id: Listing.of(v) for v in hb.policies}
            listings = [fresh.get(e.id, e) for e in prev.listings]
            try:
                site = render_changed(hb, corpus, mark, prev.directory, listings, prev.build, ui=ui,
                                      print_graphic=self.print_graphic)
            except Stale:
                return None
            files = {rel: [keys[rel], shape] for rel, (_key, shape) in prev.files.items()}
            site.state = {**prev.build.state, "files": files, "listings": [e.to_json() for e in listings]}
            sites.append(site)
        return sites
