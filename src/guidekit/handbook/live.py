"""`guidekit serve`'s rebuild: a long-lived process that redoes only what a change touched.

Between two saves of one policy, nothing else changed: the other files are
not read again (their content is the same: see ``handbook.watch``), their
models are not built again, and their pages are not rendered again (their
articles and search entries stay in memory). A change is on the page in well
under a second even for thousands of documents. A file that fails to load or
to match its schema is reported; the preview keeps its last good version (a
file caught half-written, or saved broken, never takes a page away), or leaves
it out when it never had one. `guidekit build` stays the gate that refuses to
publish a handbook with errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
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
from guidekit.handbook.watch import digest
from guidekit.handbook.writer import write_site
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import Source, load_bytes, read_guidance

__all__ = ["LiveBuild", "LiveResult"]


@dataclass
class LiveResult:
    findings: list[Finding]  # load and schema errors of the files as they are now
    rendered: int
    documents: int
    seconds: float
    handbooks: list[Path] = field(default_factory=list)
    # files with findings whose last good version the preview keeps (the others are left out)
    kept: set[str] = field(default_factory=set)
    # files whose bytes were not the ones the watcher saw settle: still being written, not
    # read this time (the preview keeps what it had); the watcher looks at them again
    moving: set[str] = field(default_factory=set)


@dataclass
class _File:
    key: str  # digest of the bytes last read ("" when they could not be read)
    source: Source  # the last read
    findings: list[Finding]  # the last read's load and schema findings
    good: Source | None  # what the preview shows: the last read that had none


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

    def _load(self, seen: Mapping[str, str] | None, changed: set[str] | None,
              result: LiveResult) -> list[_File]:
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
            raw = read_guidance(d.path, limits.max_file_bytes)
            key = digest(raw) if isinstance(raw, bytes) else ""
            if seen is not None and key and d.rel in seen and key != seen[d.rel]:
                # written to since the watcher saw it settle: not read torn
                result.moving.add(d.rel)
                if known is not None:
                    files[d.rel] = known
                continue
            if known is not None and key and known.key == key:
                files[d.rel] = known
                continue
            src = load_bytes(d.path, d.rel, d.kind, raw, limits)
            found = [loader_finding(p.rule, p.message, SourceSpan(d.rel, p.line + 1, p.col + 1))
                     for p in src.problems]
            if src.ok:
                found += schema_findings(src)
            files[d.rel] = _File(key, src, found, known.good if found and known is not None else
                                 None if found else src)
        keep = {f.good for f in files.values()} | {f.source for f in files.values()}
        self._models = {s: m for s, m in self._models.items() if s in keep}
        self._files = files
        return list(files.values())

    def rebuild(self, seen: Mapping[str, str] | None = None, changed: set[str] | None = None,
                progress: Callable[[str, int], Callable[[int], None]] | None = None) -> LiveResult:
        """Build again. ``seen``: each file's digest as the watcher saw it settle (a file whose
        bytes differ now is still being written and is not read); ``changed`` (paths relative
        to the root) says which files were edited, when the caller knows that no file was
        added or removed.

        Every handbook is rendered before any is written, and each is swapped in whole
        (``write_site``): a rebuild that fails leaves the last good build being served."""
        started = time.perf_counter()
        result = LiveResult([], 0, 0, 0.0)
        files = self._load(seen, changed, result)
        shown = [f.good if f.findings and f.good is not None else f.source for f in files]
        bad = {id(f.source) for f in files if f.findings and f.good is None}
        corpus = build_corpus(self.config, shown, lambda s: id(s) not in bad, memo=self._models)
        result.findings = [x for f in files for x in f.findings if x.severity is Severity.ERROR]
        result.kept = {f.source.rel for f in files if f.findings and f.good is not None}
        sites = []
        for spec in handbook_specs(self.config, self.opts.handbooks):
            views = self._views.setdefault(spec.name, {})
            local, hb = localized_handbook(corpus, spec, views)
            keep = {id(v.policy) for v in hb.policies}
            for gone in [k for k in views if k not in keep]:
                del views[gone]
            marks = self.marks_for(corpus, hb, self.opts.since)
            target = self.opts.out / spec.name
            disk = PreviousBuild.open(target)
            self._memory.disk, self._memory.handbook = disk, spec.name
            advance = progress(spec.name, len(hb.policies) + len(hb.sops)) if progress else None
            site = render_site(hb, local, marks, previous=self._memory, progress=advance,
                               print_graphic=self.opts.print_graphic)
            sites.append((spec.name, site, target, disk))
            result.rendered += site.rendered
            result.documents += len(hb.policies) + len(hb.sops)
        for name, site, target, disk in sites:
            write_site(site, target, disk)
            self._memory.docs[name] = site.documents
            result.handbooks.append(target)
        result.seconds = time.perf_counter() - started
        return result
