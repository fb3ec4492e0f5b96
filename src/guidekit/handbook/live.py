"""`guidekit serve`'s rebuild: a long-lived process that redoes only what a change touched.

Between two saves of one policy, nothing else changed: the other files are
not read again (their stat data is the same), their models are not built
again, and their pages are not rendered again (their articles and search
entries stay in memory). A change is on the page in well under a second even
for thousands of documents. Files that fail to load or to match their schema
are reported and left out of the preview; `guidekit build` stays the gate that
refuses to publish a handbook with errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidekit.check.analyze import loader_finding
from guidekit.check.schema import schema_findings
from guidekit.corpus import build_corpus
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.handbook.cache import PreviousBuild
from guidekit.handbook.engine import BuildOptions, MarksFor, localized_handbook
from guidekit.handbook.handbook import handbook_specs
from guidekit.handbook.html import render_site
from guidekit.handbook.search import SearchEntry
from guidekit.handbook.writer import write_site
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import Source, load_source

__all__ = ["LiveBuild", "LiveResult"]


@dataclass
class LiveResult:
    findings: list[Finding]  # load and schema errors of the files left out
    rendered: int
    documents: int
    seconds: float
    handbooks: list[Path] = field(default_factory=list)


@dataclass
class _File:
    stamp: tuple[int, int]
    source: Source
    findings: list[Finding]


class _Remembered:
    """Articles and search entries of the last build, in memory, in front of the files."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, tuple[str, str, list[SearchEntry] | None]]] = {}
        self.disk: PreviousBuild | None = None
        self.handbook = ""

    def printed(self, path: str, key: str) -> str | None:
        got = self.docs.get(self.handbook, {}).get(path)
        if got and got[0] == key and self.disk is not None and self.disk.keys.get(path) == key:
            return got[1]
        return self.disk.printed(path, key) if self.disk is not None else None

    def search(self, path: str, key: str) -> list[SearchEntry] | None:
        got = self.docs.get(self.handbook, {}).get(path)
        if got and got[0] == key and got[2] is not None:
            return got[2]
        return self.disk.search(path, key) if self.disk is not None else None

    def key(self, path: str) -> str | None:
        return self.disk.key(path) if self.disk is not None else None


class LiveBuild:
    def __init__(self, config: Config, opts: BuildOptions, marks_for: MarksFor) -> None:
        self.config = config
        self.opts = opts
        self.marks_for = marks_for
        self._files: dict[str, _File] = {}
        self._items: dict[str, Discovered] = {}
        self._models: dict[Source, Any] = {}
        self._memory = _Remembered()
        self._views: dict[str, dict[int, Any]] = {}  # per handbook: policy views

    def _load(self, changed: set[str] | None) -> list[_File]:
        limits = self.config.limits
        if changed is not None and self._items and changed <= self._items.keys():
            items = list(self._items.values())  # only edits of known files: no need to walk again
        else:
            items = discover(self.config)
            self._items = {d.rel: d for d in items}
        files: dict[str, _File] = {}
        for d in items:
            if d.kind is None or d.outside_link:
                continue
            known = self._files.get(d.rel)
            if changed is not None and d.rel not in changed and known is not None:
                files[d.rel] = known
                continue
            try:
                st = d.path.stat()
            except OSError:
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            if known is not None and known.stamp == stamp:
                files[d.rel] = known
                continue
            src = load_source(d.path, d.rel, d.kind, limits)
            found = [loader_finding(p.rule, p.message, SourceSpan(d.rel, p.line + 1, p.col + 1))
                     for p in src.problems]
            if src.ok:
                found += schema_findings(src)
            files[d.rel] = _File(stamp, src, found)
        keep = {f.source for f in files.values()}
        self._models = {s: m for s, m in self._models.items() if s in keep}
        self._files = files
        return list(files.values())

    def rebuild(self, changed: set[str] | None = None,
                progress: Callable[[str, int], Callable[[int], None]] | None = None) -> LiveResult:
        """Build again; ``changed`` (paths relative to the root) says which files were edited,
        when the caller knows that no file was added or removed."""
        started = time.perf_counter()
        files = self._load(changed)
        bad = {id(f.source) for f in files if f.findings}
        corpus = build_corpus(self.config, [f.source for f in files],
                              lambda s: id(s) not in bad, memo=self._models)
        result = LiveResult([x for f in files for x in f.findings if x.severity is Severity.ERROR],
                            0, 0, 0.0)
        for spec in handbook_specs(self.config, self.opts.handbooks):
            views = self._views.setdefault(spec.name, {})
            shown, hb = localized_handbook(corpus, spec, views)
            keep = {id(v.policy) for v in hb.policies}
            for gone in [k for k in views if k not in keep]:
                del views[gone]
            marks = self.marks_for(corpus, hb, self.opts.since)
            target = self.opts.out / spec.name
            disk = PreviousBuild.open(target)
            self._memory.disk, self._memory.handbook = disk, spec.name
            advance = progress(spec.name, len(hb.policies) + len(hb.sops)) if progress else None
            site = render_site(hb, shown, marks, previous=self._memory, progress=advance,
                               print_graphic=self.opts.print_graphic)
            write_site(site, target, disk)
            self._memory.docs[spec.name] = site.documents
            result.rendered += site.rendered
            result.documents += len(hb.policies) + len(hb.sops)
            result.handbooks.append(target)
        result.seconds = time.perf_counter() - started
        return result
