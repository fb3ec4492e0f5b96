"""The translations stage of ``check``: every GK6xx finding, judged per locale and document, cached.

What a translation's findings depend on is local: the entries of one
document's units in one catalog (a unit's key starts with its document's id),
that document's units, and how that document's rules changed since the
catalog's revision. So the stage judges each (locale, document) group on its
own and, with a check cache, keeps four kinds of result, each under a hash of
everything it depends on (plus guidekit's version and code and the settings):

- a locale's findings, by its catalog's bytes and every guidance file: a
  re-run with nothing changed reads no catalog, extracts no unit, runs no diff;
- a catalog's revision and its entries per document, by the catalog's bytes: an
  edit of the guidance re-reads no catalog;
- a file's units, by its bytes: an edit extracts the units of that file only;
- a group's findings, by its entries, its units and its rules' changes: an edit
  of one policy judges that policy again in each locale, nothing else.

What is not in the cache is done on every core: the catalogs are read (polib's
parse is most of the time) beside the extraction of the units, then the groups
of each locale are judged. The diff since a revision is made once and shared by
every locale at it. GK601 (a share of all units) adds up the groups' counts.

A catalog whose revision is not a commit id (a branch name moves), or that
cannot be compared (a commit missing from a shallow clone), is never stored.
Each locale keeps one state: a run that stores a locale's findings drops those
of the state it replaced, and the entries of a catalog it replaced (an edited
catalog shifts the lines of most entries, so every state would hold a copy).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import stat
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guidekit import __version__
from guidekit.check.cache import CheckCache, code_fingerprint, decode_findings, encode_findings
from guidekit.check.parallel import run_all
from guidekit.check.rules.translations import Coverage, TranslationContext, TranslationRule, UnreadableCatalog
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.source import LoadProblem, read_guidance

if TYPE_CHECKING:
    from guidekit.i18n.catalog import Entry
    from guidekit.i18n.engine import RuleChange, TranslationSettings
    from guidekit.i18n.units import Unit
    from guidekit.loading.discover import Discovered

__all__ = ["translation_findings"]

_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
# what a judgement depends on besides the check's salt (check/, loading/, model): the
# units, catalogs and staleness (i18n/) and the impact of a change (diff/)
_CODE = ("i18n", "diff")

Changes = dict[tuple[str, str], "RuleChange"]


_RACY_NS = 2_000_000_000  # a file written this recently may change again within its timestamp's tick


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _bytes_digest(raw: bytes | LoadProblem) -> str:
    return hashlib.sha256(raw).hexdigest() if isinstance(raw, bytes) else f"problem: {raw.message}"


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _doc(key: str) -> str:
    """The document a unit key (or catalog entry) belongs to: the key's first part."""
    return key.split("/", 1)[0]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Store:
    """The ``derived`` table of an open check cache (JSON values), or nothing."""

    def __init__(self, cache: CheckCache | None) -> None:
        self.cache = cache if cache is not None and cache.usable else None

    def get(self, keys: Iterable[str]) -> dict[str, Any]:
        if self.cache is None:
            return {}
        out = {}
        for key, blob in self.cache.get_derived(keys).items():
            with contextlib.suppress(ValueError):
                out[key] = json.loads(blob)
        return out

    def put(self, rows: dict[str, str]) -> None:
        if self.cache is not None:
            self.cache.put_derived(rows.items())

    def drop(self, keys: Iterable[str]) -> None:
        if self.cache is not None:
            self.cache.drop_derived(keys)


class _Read(NamedTuple):
    """One catalog as a worker read it: its revision, or why it cannot be read, and its
    entries per document (in catalog order) with each group's JSON (what is stored)."""

    revision: str | None
    error: str | None
    groups: dict[str, list[Entry]]
    blobs: dict[str, str]


class _Group(NamedTuple):
    """What one (locale, document) group contributes: findings of the per-unit rules and
    the counts GK601 adds up."""

    findings: list[Finding]
    units: int
    missing: Counter[str]


def _read(settings: TranslationSettings, locale: str, *, blobs: bool) -> _Read:
    from guidekit.i18n.engine import load_catalog

    try:
        cat = load_catalog(settings, locale)
    except ValueError as err:
        return _Read(None, str(err), {}, {})
    groups: dict[str, list[Entry]] = {}
    for e in cat.entries.values():
        groups.setdefault(_doc(e.key), []).append(e)
    return _Read(cat.revision, None, groups,
                 {doc: _dumps([list(e) for e in entries]) for doc, entries in groups.items()} if blobs else {})


def _encode_units(units: Iterable[Unit]) -> list[Any]:
    return [[u.key, u.text, u.what, u.doc, u.rule, list(u.span)] for u in units]


def _decode_units(rows: list[Any]) -> list[Unit]:
    from guidekit.i18n.units import Unit

    return [Unit(r[0], r[1], r[2], r[3], r[4], SourceSpan(*r[5])) for r in rows]


def _changes_by_doc(changes: Changes) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for (doc, rule), c in sorted(changes.items()):
        out.setdefault(doc, []).append([rule, c.impact.value, c.note, c.new_id])
    return out


def translation_findings(config: Config, rules: Sequence[TranslationRule], *, jobs: int | None = None,
                         cache: CheckCache | None = None) -> list[Finding]:
    """Every enabled GK6xx finding for the catalogs ``guidekit.yaml`` configures; ``jobs``
    caps the worker processes, ``cache`` (an open check cache) keeps what was judged."""
    if not rules or not (config.data.get("translations") or {}).get("locales"):
        return []
    from guidekit.i18n.engine import settings_of

    return _Stage(config, settings_of(config), rules, _Store(cache), jobs).run()


class _Stage:
    def __init__(self, config: Config, settings: TranslationSettings, rules: Sequence[TranslationRule],
                 store: _Store, jobs: int | None) -> None:
        from guidekit.i18n.catalog import catalog_path
        from guidekit.i18n.engine import translatable

        self.config, self.settings, self.rules, self.store, self.jobs = config, settings, rules, store, jobs
        self.locales = list(dict.fromkeys(settings.locales))
        self.paths = {loc: catalog_path(settings.folder, loc) for loc in self.locales}
        self.files: list[Discovered] = translatable(config)
        self.salt = ""
        self._pending: dict[str, str] = {}  # rows to store once the run is known to be consistent
        self.file_digests: dict[str, str] = {}  # rel -> digest of the bytes, as the keys were made
        self.catalog_stats: dict[str, tuple[int, int, int] | None] = {}
        self.consistent = True  # no file changed while the stage read it
        if store.cache is not None:
            self.salt = _digest("translations", 1, __version__, code_fingerprint(_CODE), str(config.root),
                                settings.required, settings.min_translated,
                                [(r.id, r.effective_severity.value, r.effective_options) for r in rules])

    # keys -----------------------------------------------------------------------------
    def _guidance_digest(self) -> str:
        """Every guidance file's path and bytes, and the configuration (the diffs read them all);
        the digest of each translatable file's bytes is kept for its units' key."""
        from guidekit.loading.discover import discover

        h = hashlib.sha256(_dumps(self.config.data).encode())
        for d in discover(self.config):
            h.update(f"\0{d.rel}\0{d.kind.value if d.kind else ''}\0{d.outside_link}\0".encode())
            if not d.outside_link:
                digest = _bytes_digest(read_guidance(d.path, self.config.limits.max_file_bytes))
                self.file_digests[d.rel] = digest
                h.update(digest.encode())
        return h.hexdigest()

    def _catalog_keys(self, locales: Iterable[str]) -> dict[str, str]:
        """A key for each catalog's bytes. A catalog is large: its digest is remembered under its
        path, size and modification time (as Mercurial's dirstate does), not while it is fresh."""
        stats = {loc: _stat(self.paths[loc]) for loc in locales}
        memo = {loc: _digest(self.salt, "stat", str(self.paths[loc]), st[:2]) for loc, st in stats.items()
                if st is not None}
        known = self.store.get(memo.values())
        digests: dict[str, Any] = {}
        now = time.time_ns()
        for loc, st in stats.items():
            if st is None:
                digests[loc] = "absent" if not self.paths[loc].exists() else "not a file"
            elif isinstance(known.get(memo[loc]), str):
                digests[loc] = known[memo[loc]]
            else:
                try:
                    with self.paths[loc].open("rb") as f:
                        digests[loc] = hashlib.file_digest(f, "sha256").hexdigest()
                except OSError as err:
                    digests[loc] = f"unreadable: {err}"
                    continue
                if now - st[1] > _RACY_NS:
                    self._pending[memo[loc]] = _dumps(digests[loc])
        self.catalog_stats = stats
        return {loc: _digest(self.salt, "catalog", loc, str(self.paths[loc]), digests[loc]) for loc in locales}

    # the run --------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        findings: list[Finding] = []
        locales = self.locales
        cat_keys: dict[str, str] = {}
        locale_keys: dict[str, str] = {}
        if self.store.cache is not None:
            guidance = self._guidance_digest()
            cat_keys = self._catalog_keys(locales)
            locale_keys = {loc: _digest(self.salt, "locale", guidance, cat_keys[loc]) for loc in locales}
            hits = self.store.get(locale_keys.values())
            for loc in locales:
                if locale_keys[loc] in hits:
                    findings.extend(decode_findings(hits[locale_keys[loc]]))
            locales = [loc for loc in locales if locale_keys[loc] not in hits]
            if not locales:
                return findings
        judged = self._judge(locales, cat_keys)
        # stored only where no file changed while it was read; a locale's findings only where
        # its revision is a commit that could be compared
        if self.store.cache is not None and self.consistent and \
                all(_stat(self.paths[loc]) == self.catalog_stats[loc] for loc in locales):
            self._pending.update((locale_keys[loc], _dumps(encode_findings(found)))
                                 for loc, (found, storable) in judged.items() if storable)
            self.store.put(self._pending)
            self._forget([loc for loc in locales if judged[loc][1]], locale_keys, cat_keys)
        for found, _ in judged.values():
            findings.extend(found)
        return findings

    def _units_by_doc(self, docs: set[str], holders: dict[str, list[str]], unit_keys: dict[str, str],
                      units_of_file: dict[str, list[Unit]]) -> dict[str, dict[str, Unit]]:
        """The units of these documents, from the files extracted in this run or the cache."""
        wanted = {rel for doc in docs for rel in holders.get(doc, ())}
        rels = [d.rel for d in self.files if d.rel in wanted]
        need = [rel for rel in rels if rel not in units_of_file]
        rows = self.store.get(unit_keys[rel] for rel in need)
        by_rel = {d.rel: d for d in self.files}
        for rel in need:
            try:
                units_of_file[rel] = _decode_units(rows[unit_keys[rel]])
            except (KeyError, TypeError, ValueError, IndexError):  # gone or damaged: extracted again
                units_of_file[rel] = self._extract(by_rel[rel])[1]
        merged: dict[str, Unit] = {}
        for rel in rels:
            for u in units_of_file[rel]:
                merged.setdefault(u.key, u)
        out: dict[str, dict[str, Unit]] = {}
        for key, u in merged.items():
            if _doc(key) in docs:
                out.setdefault(_doc(key), {})[key] = u
        return out

    def _units_key(self, d: Discovered, digest: str) -> str:
        return _digest(self.salt, "units", d.rel, d.kind.value if d.kind else "", digest)

    def _extract(self, d: Discovered) -> tuple[str, list[Unit]]:
        """(the digest of the bytes read, the units in them): the units are keyed by what they came from."""
        from guidekit.i18n.engine import source_units
        from guidekit.loading.source import load_bytes

        assert d.kind is not None
        raw = read_guidance(d.path, self.config.limits.max_file_bytes)
        return _bytes_digest(raw), source_units(load_bytes(d.path, d.rel, d.kind, raw, self.config.limits))

    def _forget(self, locales: list[str], locale_keys: dict[str, str], cat_keys: dict[str, str]) -> None:
        """Keep one state a locale: drop the findings and catalog entries of the state this run
        replaced (an edited catalog shifts the lines of most entries: each state would keep a copy)."""
        pointers = {loc: _digest(self.salt, "latest", loc) for loc in locales}
        before = self.store.get(pointers.values())
        drop: list[str] = []
        replaced: list[str] = []
        for loc in locales:
            old = before.get(pointers[loc])
            if not (isinstance(old, list) and len(old) == 2 and all(isinstance(x, str) for x in old)):
                continue
            if old[0] != locale_keys[loc]:
                drop.append(old[0])
            if old[1] != cat_keys[loc]:
                replaced.append(old[1])
        if replaced:
            indexes = self.store.get([*replaced, *cat_keys.values()])

            def groups(key: str) -> set[str]:
                row = indexes.get(key)
                if not (isinstance(row, list) and len(row) == 3 and isinstance(row[2], dict)):
                    return set()
                return {d for d in row[2].values() if isinstance(d, str)}

            current = set().union(*(groups(key) for key in cat_keys.values()))
            for key in replaced:
                drop.append(key)
                drop.extend(_digest("entries", d) for d in groups(key) - current)
        self.store.put({pointers[loc]: _dumps([locale_keys[loc], cat_keys[loc]]) for loc in locales})
        self.store.drop(drop)

    def _judge(self, locales: list[str], cat_keys: dict[str, str]) -> dict[str, tuple[list[Finding], bool]]:
        """locale -> (its findings, whether they may be stored)."""
        from guidekit.i18n.catalog import shown_path
        from guidekit.i18n.engine import enforcement_changes

        cached = self.store.cache is not None
        index: dict[str, tuple[str | None, str | None, dict[str, str]]] = {}
        for key, row in (self.store.get(cat_keys[loc] for loc in locales) if cached else {}).items():
            with contextlib.suppress(TypeError, ValueError):
                rev, err, groups = row
                if all(isinstance(x, str) for x in groups.values()):
                    index[key] = (rev, err, dict(groups))
        # a file's units are stored under its bytes, with the documents they belong to beside them
        # (small: an edit needs the units of the documents it touches only)
        unit_keys = {d.rel: self._units_key(d, self.file_digests[d.rel]) for d in self.files} if cached else {}
        docs_of: dict[str, list[str]] = {}
        known = self.store.get(_digest(key, "docs") for key in unit_keys.values())
        for rel, key in unit_keys.items():
            row = known.get(_digest(key, "docs"))
            if isinstance(row, list) and all(isinstance(x, str) for x in row):
                docs_of[rel] = row

        to_read = [loc for loc in locales if cat_keys.get(loc) not in index]
        to_extract = [d for d in self.files if d.rel not in docs_of]
        units_of_file: dict[str, list[Unit]] = {}
        read: dict[str, _Read] = {}

        def task(item: str | None) -> tuple[str | None, Any]:
            if item is None:  # the units of the files not in the cache: one task beside the catalogs
                return None, {d.rel: self._extract(d) for d in to_extract}
            return item, _read(self.settings, item, blobs=cached)

        extracted: dict[str, tuple[str, list[Unit]]] = {}
        for item, got in run_all(task, [None, *to_read], jobs=self.jobs, min_items=2):
            if item is None:
                extracted.update(got)
            else:
                read[item] = got
        by_rel = {d.rel: d for d in self.files}
        for rel, (digest, of_file) in extracted.items():
            units_of_file[rel] = of_file
            docs_of[rel] = list(dict.fromkeys(_doc(u.key) for u in of_file))
            if cached:
                key = self._units_key(by_rel[rel], digest)
                self._pending[key] = _dumps(_encode_units(of_file))
                self._pending[_digest(key, "docs")] = _dumps(docs_of[rel])
                self.consistent &= digest == self.file_digests.get(rel)
        # the files that hold each document's units, in the order their units are taken (the
        # first of two units with one key wins, as in collect_units)
        holders: dict[str, list[str]] = {}
        for d in self.files:
            for doc in docs_of.get(d.rel, ()):
                holders.setdefault(doc, []).append(d.rel)

        # each catalog's revision, error and entry groups (digests, and entries where read)
        revision: dict[str, str | None] = {}
        error: dict[str, str | None] = {}
        group_digest: dict[str, dict[str, str]] = {}
        for loc in locales:
            if loc in read:
                r = read[loc]
                revision[loc], error[loc] = r.revision, r.error
                group_digest[loc] = {doc: _text_digest(blob) for doc, blob in r.blobs.items()}
                if cached:
                    for doc, blob in r.blobs.items():
                        self._pending[_digest("entries", group_digest[loc][doc])] = blob
                    self._pending[cat_keys[loc]] = _dumps([r.revision, r.error, group_digest[loc]])
            else:
                revision[loc], error[loc], group_digest[loc] = index[cat_keys[loc]]

        diffs: dict[str | None, tuple[Changes, str | None]] = {}
        for loc in locales:
            if revision[loc] not in diffs:
                diffs[revision[loc]] = enforcement_changes(self.config.root, revision[loc])
        changes_by_doc = {rev: _changes_by_doc(c) for rev, (c, _) in diffs.items()} if cached else {}
        units_digest = {doc: _digest([unit_keys[rel] for rel in rels]) for doc, rels in holders.items()} \
            if cached else {}

        # which groups are judged: all without a cache, else those whose result is not stored
        group_keys: dict[str, dict[str, str]] = {}
        results: dict[str, dict[str, _Group]] = {loc: {} for loc in locales}
        todo: dict[str, list[str]] = {}
        for loc in locales:
            docs = sorted(set(holders) | (set(read[loc].groups) if loc in read else set(group_digest[loc])))
            if cached:
                rev = revision[loc]
                group_keys[loc] = {doc: _digest(self.salt, "group", loc, str(self.paths[loc]),
                                                group_digest[loc].get(doc), units_digest.get(doc),
                                                changes_by_doc[rev].get(doc)) for doc in docs}
                hits = self.store.get(group_keys[loc].values())
                for doc in docs:
                    got = hits.get(group_keys[loc][doc])
                    if got is not None:
                        results[loc][doc] = _Group(list(decode_findings(got[0])), got[1], Counter(got[2]))
                todo[loc] = [doc for doc in docs if doc not in results[loc]]
            else:
                todo[loc] = docs
        # the entries of groups to judge whose catalog was not read: from the cache
        wanted = {_digest("entries", group_digest[loc][doc]): (loc, doc) for loc in locales if loc not in read
                  for doc in todo[loc] if doc in group_digest[loc]}
        from guidekit.i18n.catalog import Entry

        entries: dict[tuple[str, str], list[Entry]] = {}
        for key, rows in self.store.get(wanted).items():
            with contextlib.suppress(TypeError, ValueError):
                entries[wanted[key]] = [Entry(*row) for row in rows]
        missing_blobs = set(wanted.values()) - set(entries)
        if missing_blobs:  # pruned or damaged: read those catalogs after all
            for loc in {loc for loc, _ in missing_blobs}:
                read[loc] = _read(self.settings, loc, blobs=False)
        for loc in read:
            for doc in todo.get(loc, ()):
                entries[(loc, doc)] = read[loc].groups.get(doc, [])
        by_doc = self._units_by_doc({doc for docs in todo.values() for doc in docs}, holders, unit_keys,
                                    units_of_file)

        def judge(loc: str) -> tuple[str, dict[str, _Group]]:
            from guidekit.i18n.catalog import Catalog
            from guidekit.i18n.engine import unit_states

            changes, note = diffs[revision[loc]]
            out = {}
            for doc in todo[loc]:
                group = entries.get((loc, doc), [])
                cat = Catalog(loc, self.paths[loc], revision[loc], {e.key: e for e in group})
                states = unit_states(by_doc.get(doc, {}), cat, changes)
                ctx = TranslationContext(self.config.root, self.settings.required, self.settings.min_translated,
                                         {loc: states}, self.paths, {loc: note} if note else {}, {})
                cov = Coverage.of(states)
                out[doc] = _Group([f for rule in self.rules for f in rule.check_translations(ctx)], cov.units,
                                  cov.missing)
            return loc, out

        for loc, groups in run_all(judge, [loc for loc in locales if todo[loc]], jobs=self.jobs, min_items=2):
            results[loc].update(groups)
            if cached:
                for doc, g in groups.items():
                    self._pending[group_keys[loc][doc]] = _dumps([encode_findings(g.findings), g.units,
                                                                  dict(g.missing)])

        broken = [r for r in self.rules if isinstance(r, UnreadableCatalog)]
        out: dict[str, tuple[list[Finding], bool]] = {}
        for loc in locales:
            found: list[Finding] = []
            if error[loc] is not None:
                found.extend(b.finding(SourceSpan(shown_path(self.paths[loc], self.config.root), 1, 1),
                                       f"cannot read the catalog: {error[loc]}") for b in broken)
            total, missing = 0, Counter[str]()
            for g in results[loc].values():
                found.extend(g.findings)
                total += g.units
                missing.update(g.missing)
            ctx = TranslationContext(self.config.root, self.settings.required, self.settings.min_translated, {},
                                     self.paths, {}, {loc: Coverage(total, missing)})
            found.extend(f for rule in self.rules for f in rule.check_translations(ctx))
            rev = revision[loc]
            out[loc] = (found, (rev is None or _COMMIT.fullmatch(rev) is not None) and diffs[rev][1] is None)
        return out
