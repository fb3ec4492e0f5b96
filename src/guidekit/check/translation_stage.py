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

What is not in the cache is done on every core: the units are extracted, the
diff since each catalog's revision (as its header says) is made, then each
catalog to read is read and judged whole by one worker (polib's parse is most
of the time; the entries never cross between processes), and the groups of
catalogs not read are judged from the cached entries. The diff since a revision
is made once and shared by every locale at it. GK601 (a share of all units)
adds up the groups' counts.

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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guidekit import __version__
from guidekit.check.cache import CheckCache, code_fingerprint, decode_findings, encode_findings
from guidekit.check.parallel import run_all
from guidekit.check.rules.translations import Coverage, TranslationContext, TranslationRule, UnreadableCatalog
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.source import DocKind, LoadProblem, read_guidance

if TYPE_CHECKING:
    from guidekit.i18n.catalog import Entry
    from guidekit.i18n.engine import RuleChange, TranslationSettings
    from guidekit.i18n.units import Unit
    from guidekit.loading.discover import Discovered

__all__ = ["TranslationStage", "translation_findings", "translation_stage"]

_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
# what a judgement depends on besides the check's salt (check/, loading/, model): the
# units, catalogs and staleness (i18n/) and the impact of a change (diff/)
_CODE = ("i18n", "diff")

Changes = dict[tuple[str, str], "RuleChange"]


_ALONE = 200  # the most edited files a diff since a revision takes by name (a git command line)
_RACY_NS = 2_000_000_000  # a file written this recently may change again within its timestamp's tick


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _key(*parts: str) -> str:
    """A digest of strings (faster than ``_digest``'s JSON where millions are made)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


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
    """One catalog as a worker read it: its revision, or why it cannot be read, its entries
    per document (in catalog order) with each group's JSON (what is stored), and the files
    each document's entries were written from (guidekit.i18n.engine.entry_files)."""

    revision: str | None
    error: str | None
    groups: dict[str, list[Entry]]
    blobs: dict[str, str]
    files: dict[str, list[str]]


class _Group(NamedTuple):
    """What one (locale, document) group contributes: findings of the per-unit rules and
    the counts GK601 adds up."""

    findings: list[Finding]
    units: int
    missing: Counter[str]


def _read(settings: TranslationSettings, locale: str, *, blobs: bool) -> _Read:
    from guidekit.i18n.engine import entry_files, load_catalog
    from guidekit.i18n.units import key_document

    try:
        cat = load_catalog(settings, locale)
    except ValueError as err:
        return _Read(None, str(err), {}, {}, {})
    groups: dict[str, list[Entry]] = {}
    for e in cat.entries.values():
        groups.setdefault(key_document(e.key), []).append(e)
    return _Read(cat.revision, None, groups,
                 {doc: _dumps([list(e) for e in entries]) for doc, entries in groups.items()} if blobs else {},
                 entry_files(cat.entries.values()))


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
    stage = translation_stage(config, rules, jobs=jobs, cache=cache)
    return stage.run() if stage is not None else []


def translation_stage(config: Config, rules: Sequence[TranslationRule], *, jobs: int | None = None,
                      cache: CheckCache | None = None, discovered: Sequence[Discovered] | None = None,
                      digests: Mapping[str, str] | None = None) -> TranslationStage | None:
    """The stage, ready to run (None when no locale or rule asks for it): ``cached()`` answers
    from the cache alone where it can, ``run()`` does the rest. ``discovered``: what
    ``discover`` listed, and ``digests``: the sha256 of files' bytes (by path under the root),
    where the caller has them (a file without one is read and hashed here)."""
    if not rules or not (config.data.get("translations") or {}).get("locales"):
        return None
    from guidekit.i18n.engine import settings_of

    return TranslationStage(config, settings_of(config), rules, _Store(cache), jobs, discovered, digests)


class TranslationStage:
    def __init__(self, config: Config, settings: TranslationSettings, rules: Sequence[TranslationRule],
                 store: _Store, jobs: int | None, discovered: Sequence[Discovered] | None = None,
                 digests: Mapping[str, str] | None = None) -> None:
        from guidekit.i18n.catalog import catalog_path
        from guidekit.i18n.engine import translatable
        from guidekit.loading.discover import discover

        self.config, self.settings, self.rules, self.store, self.jobs = config, settings, rules, store, jobs
        self.locales = list(dict.fromkeys(settings.locales))
        self.paths = {loc: catalog_path(settings.folder, loc) for loc in self.locales}
        self.discovered = discover(config) if discovered is None else discovered
        self.files: list[Discovered] = translatable(config, self.discovered)
        self.digests: Mapping[str, str] = digests or {}
        self.salt = ""
        self._pending: dict[str, str] = {}  # rows to store once the run is known to be consistent
        self.file_digests: dict[str, str] = {}  # rel -> "kind:digest of the bytes", as the keys were made
        self.config_digest = ""
        self.catalog_stats: dict[str, tuple[int, int, int] | None] = {}
        self.consistent = True  # no file changed while the stage read it
        self._probed: tuple[list[Finding], list[str]] | None = None  # (findings kept, locales left)
        self.cat_keys: dict[str, str] = {}
        self.locale_keys: dict[str, str] = {}
        self.diff_keys: dict[str, str] = {}  # locale -> the key of the diff since its revision, where kept
        self._diff_key_of: dict[str, str] = {}  # revision -> the key of the diff since it
        if store.cache is not None:
            self.salt = _digest("translations", 1, __version__, code_fingerprint(_CODE), str(config.root),
                                settings.required, settings.min_translated,
                                [(r.id, r.effective_severity.value, r.effective_options) for r in rules])

    # keys -----------------------------------------------------------------------------
    def _guidance_digest(self) -> str:
        """Every guidance file's path and bytes, and the configuration (the diffs read them all);
        the digest of each translatable file's bytes is kept for its units' key."""
        self.config_digest = _text_digest(_dumps(self.config.data))
        h = hashlib.sha256(_dumps(self.config.data).encode())
        for d in self.discovered:
            kind = d.kind.value if d.kind else ""
            h.update(f"\0{d.rel}\0{kind}\0{d.outside_link}\0".encode())
            if not d.outside_link:
                digest = self.digests.get(d.rel) or _bytes_digest(read_guidance(d.path,
                                                                                self.config.limits.max_file_bytes))
                self.file_digests[d.rel] = f"{kind}:{digest}"
                h.update(digest.encode())
        return h.hexdigest()

    def _bytes_of(self, rel: str) -> str:
        """The digest of a file's bytes as the guidance digest read them."""
        return self.file_digests.get(rel, "").partition(":")[2]

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
    def cached(self) -> list[Finding] | None:
        """Every locale's findings where the cache holds them all, else None (``run`` judges
        the locales it lacks): cheap, so a caller can skip starting a process for ``run``."""
        if self._probed is None:
            self._probed = self._probe()
        found, left = self._probed
        return None if left else found

    def _probe(self) -> tuple[list[Finding], list[str]]:
        if self.store.cache is None:
            return [], self.locales
        findings: list[Finding] = []
        guidance = self._guidance_digest()
        self.cat_keys = self._catalog_keys(self.locales)
        self.locale_keys = {loc: _digest(self.salt, "locale", guidance, self.cat_keys[loc]) for loc in self.locales}
        hits = self.store.get(self.locale_keys.values())
        for loc in self.locales:
            if self.locale_keys[loc] in hits:
                findings.extend(decode_findings(hits[self.locale_keys[loc]]))
        return findings, [loc for loc in self.locales if self.locale_keys[loc] not in hits]

    def run(self, cache: CheckCache | None = None) -> list[Finding]:
        """Every finding; ``cache``: the connection to use from here on (a process of its own
        needs its own), when another than the one the stage was made with (ignored when that
        one was not usable)."""
        if cache is not None and self.store.cache is not None:
            # a stage made without a usable cache (its connection failed, e.g. locked by another
            # run) has no keys (salt, catalogs): it goes on without one rather than half use one
            self.store = _Store(cache)
        if self._probed is None:
            self._probed = self._probe()
        findings, locales = self._probed
        findings = list(findings)
        if not locales:
            return findings
        cat_keys, locale_keys = self.cat_keys, self.locale_keys
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
        from guidekit.i18n.units import key_document

        wanted = {rel for doc in docs for rel in holders.get(doc, ())}
        rels = [d.rel for d in self.files if d.rel in wanted]
        need = [rel for rel in rels if rel not in units_of_file]
        rows = self.store.get(unit_keys[rel] for rel in need)
        by_rel = {d.rel: d for d in self.files}
        for rel in need:
            try:
                units_of_file[rel] = _decode_units(rows[unit_keys[rel]])
            except (KeyError, TypeError, ValueError, IndexError):  # gone or damaged: extracted again
                units_of_file[rel] = self._extract(by_rel[rel])[1] or []
        merged: dict[str, Unit] = {}
        for rel in rels:
            for u in units_of_file[rel]:
                merged.setdefault(u.key, u)
        out: dict[str, dict[str, Unit]] = {}
        for key, u in merged.items():
            doc = key_document(key)
            if doc in docs:
                out.setdefault(doc, {})[key] = u
        return out

    def _units_key(self, d: Discovered, digest: str) -> str:
        return _digest(self.salt, "units", d.rel, d.kind.value if d.kind else "", digest)

    def _extract(self, d: Discovered) -> tuple[str, list[Unit] | None, str | None]:
        """(the digest of the bytes read, the units in them (None where the file does not load
        or fit its schema), and for such a file the document it names, if any): the units are
        keyed by what they came from."""
        from guidekit.i18n.engine import source_units
        from guidekit.loading.source import load_bytes, named_document

        assert d.kind is not None
        raw = read_guidance(d.path, self.config.limits.max_file_bytes)
        src = load_bytes(d.path, d.rel, d.kind, raw, self.config.limits)
        units = source_units(src)
        return _bytes_digest(raw), units, named_document(src) if units is None else None

    def _changes_since(self, revision: str | None) -> tuple[Changes, str | None]:
        """The rule changes since a catalog's revision. With a cache, the diff is kept under the
        revision with the digest of every guidance file it saw; an edit of a few policies since
        then is diffed alone where that gives what the whole diff would (guidekit.i18n.since)."""
        from guidekit.i18n.engine import diff_since, enforcement_changes

        if revision is None or not _COMMIT.fullmatch(revision):
            return enforcement_changes(self.config.root, revision)
        from guidekit.i18n.since import after_edit, alone, decode_summary, encode_summary, summarize

        key = _digest(self.salt, "diff", revision, self.config_digest)
        self._diff_key_of[revision] = key
        files = self.file_digests
        summary = None
        try:
            seen, row = self.store.get([key])[key]
            old = decode_summary(row)
        except (KeyError, TypeError, ValueError):
            old = None
        if old is not None and isinstance(seen, dict):
            edited = {rel for rel in {*files, *seen} if files.get(rel) != seen.get(rel)}
            if not edited:
                return old.changes, None
            policy = DocKind.POLICY.value + ":"
            if len(edited) <= _ALONE and all(files.get(rel, "").startswith(policy)
                                             and str(seen.get(rel, "")).startswith(policy) for rel in edited):
                raw = {rel: read_guidance(self.config.root / rel, self.config.limits.max_file_bytes)
                       for rel in edited}
                now = {rel: b for rel, b in raw.items()
                       if isinstance(b, bytes) and _bytes_digest(b) == self._bytes_of(rel)}
                if len(now) == len(raw) and alone(old, now):
                    limited, note = diff_since(self.config.root, revision, sorted(edited))
                    if limited is None:
                        return {}, note
                    summary = after_edit(old, now, limited)
        if summary is None:
            whole, note = diff_since(self.config.root, revision)
            if whole is None:
                return {}, note
            summary = summarize(whole)
        self._pending[key] = _dumps([files, encode_summary(summary)])
        return summary.changes, None

    def _forget(self, locales: list[str], locale_keys: dict[str, str], cat_keys: dict[str, str]) -> None:
        """Keep one state a locale: drop the findings and catalog entries of the state this run
        replaced (an edited catalog shifts the lines of most entries: each state would keep a copy)."""
        pointers = {loc: _digest(self.salt, "latest", loc) for loc in locales}
        before = self.store.get(pointers.values())
        drop: list[str] = []
        replaced: list[str] = []
        for loc in locales:
            old = before.get(pointers[loc])
            if not (isinstance(old, list) and len(old) == 3 and all(isinstance(x, str) for x in old)):
                continue
            if old[0] != locale_keys[loc]:
                drop.append(old[0])
            if old[1] != cat_keys[loc]:
                replaced.append(old[1])
            if old[2] not in self.diff_keys.values():  # the diff since a revision no catalog is at now
                drop.append(old[2])
        if replaced:
            indexes = self.store.get([*replaced, *cat_keys.values()])

            def groups(key: str) -> set[str]:
                row = indexes.get(key)
                if not (isinstance(row, list) and len(row) == 4 and isinstance(row[2], dict)):
                    return set()
                return {d for d in row[2].values() if isinstance(d, str)}

            current = set().union(*(groups(key) for key in cat_keys.values()))
            for key in replaced:
                drop.append(key)
                drop.extend(_digest("entries", d) for d in groups(key) - current)
        self.store.put({pointers[loc]: _dumps([locale_keys[loc], cat_keys[loc], self.diff_keys.get(loc, "")])
                        for loc in locales})
        self.store.drop(drop)

    def _judge(self, locales: list[str], cat_keys: dict[str, str]) -> dict[str, tuple[list[Finding], bool]]:
        """locale -> (its findings, whether they may be stored)."""
        from guidekit.i18n.catalog import read_revision, shown_path
        from guidekit.i18n.engine import enforcement_changes, unjudged_documents
        from guidekit.i18n.units import key_document

        cached = self.store.cache is not None
        index: dict[str, tuple[str | None, str | None, dict[str, str], dict[str, list[str]]]] = {}
        for key, row in (self.store.get(cat_keys[loc] for loc in locales) if cached else {}).items():
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                rev, err, groups, files = row
                if all(isinstance(x, str) for x in groups.values()) and all(isinstance(x, list)
                                                                             for x in files.values()):
                    index[key] = (rev, err, dict(groups), dict(files))
        # a file's units are stored under its bytes, with the documents they belong to beside them
        # (small: an edit needs the units of the documents it touches only)
        unit_keys = {d.rel: self._units_key(d, self._bytes_of(d.rel)) for d in self.files} if cached else {}
        docs_of: dict[str, list[str]] = {}
        known = self.store.get(_digest(key, "docs") for key in unit_keys.values())
        for rel, key in unit_keys.items():
            row = known.get(_digest(key, "docs"))
            if isinstance(row, list) and all(isinstance(x, str) for x in row):
                docs_of[rel] = row

        to_read = [loc for loc in locales if cat_keys.get(loc) not in index]
        # the units of the files not in the cache are extracted first: a catalog that is read is
        # then judged whole in the worker that read it (its entries never cross between processes)
        units_of_file: dict[str, list[Unit]] = {}
        extracted = {d.rel: self._extract(d) for d in self.files if d.rel not in docs_of}
        by_rel = {d.rel: d for d in self.files}
        # files that do not load or fit their schema (path -> the document they name, if any):
        # check reports why, and their documents' translations are not judged against what is
        # left of them (so such a file is never stored: it is extracted again on each run)
        failed: dict[str, str | None] = {}
        for rel, (digest, of_file, named) in extracted.items():
            units_of_file[rel] = of_file or []
            docs_of[rel] = list(dict.fromkeys(key_document(u.key) for u in units_of_file[rel]))
            if of_file is None:
                failed[rel] = named
            if cached:
                self.consistent &= digest == self._bytes_of(rel)
                if of_file is not None:
                    key = self._units_key(by_rel[rel], digest)
                    self._pending[key] = _dumps(_encode_units(of_file))
                    self._pending[_digest(key, "docs")] = _dumps(docs_of[rel])
        # the files that hold each document's units, in the order their units are taken (the
        # first of two units with one key wins, as in collect_units)
        holders: dict[str, list[str]] = {}
        for d in self.files:
            for doc in docs_of.get(d.rel, ()):
                holders.setdefault(doc, []).append(d.rel)

        def unjudged(files_of: Mapping[str, list[str]]) -> set[str]:
            """The documents of the failed files, in a catalog whose entries came from these files."""
            return unjudged_documents(failed, files_of, holders)

        # each catalog's revision, error and entry groups (digests, and entries where read); the
        # revision of a catalog to read is first taken from its header alone, so that the diff
        # since it is made before the catalogs are read (a worker that finds another revision in
        # the whole catalog hands its entries back: judged below, after that diff)
        revision: dict[str, str | None] = {}
        error: dict[str, str | None] = {}
        group_digest: dict[str, dict[str, str]] = {}
        entry_files: dict[str, dict[str, list[str]]] = {}
        for loc in locales:
            if loc in to_read:
                revision[loc], error[loc], group_digest[loc] = read_revision(self.paths[loc]), None, {}
                entry_files[loc] = {}
            else:
                revision[loc], error[loc], group_digest[loc], entry_files[loc] = index[cat_keys[loc]]
        peeked = dict(revision)
        diffs: dict[str | None, tuple[Changes, str | None]] = {}

        def diff_since(rev: str | None) -> tuple[Changes, str | None]:
            if rev not in diffs:
                diffs[rev] = self._changes_since(rev) if cached else enforcement_changes(self.config.root, rev)
            return diffs[rev]

        for loc in locales:
            diff_since(revision[loc])

        results: dict[str, dict[str, _Group]] = {loc: {} for loc in locales}
        read: dict[str, _Read] = {}
        whole: set[str] = set()  # locales whose every group a worker judged
        if to_read:
            units = self._units_by_doc(set(holders) - unjudged({}), holders, unit_keys, units_of_file)

            def read_and_judge(loc: str) -> tuple[str, _Read, dict[str, _Group] | None]:
                r = _read(self.settings, loc, blobs=cached)
                if r.revision != peeked[loc]:
                    return loc, r, None
                changes, note = diffs[r.revision]
                docs = sorted((set(holders) | set(r.groups)) - unjudged(r.files))
                return loc, r._replace(groups={}), {
                    doc: self._group(loc, r.revision, r.groups.get(doc, []), units.get(doc, {}), changes, note)
                    for doc in docs}

            for loc, r, judged in run_all(read_and_judge, to_read, jobs=self.jobs, min_items=2):
                read[loc] = r
                revision[loc], error[loc], entry_files[loc] = r.revision, r.error, r.files
                group_digest[loc] = {doc: _text_digest(blob) for doc, blob in r.blobs.items()}
                if cached:
                    for doc, blob in r.blobs.items():
                        self._pending[_digest("entries", group_digest[loc][doc])] = blob
                    self._pending[cat_keys[loc]] = _dumps([r.revision, r.error, group_digest[loc], r.files])
                if judged is None:
                    diff_since(r.revision)
                else:
                    results[loc] = judged
                    whole.add(loc)
        self.diff_keys = {loc: self._diff_key_of[rev] for loc, rev in revision.items()
                          if rev is not None and rev in self._diff_key_of}
        # a group's key, from its entries, its units and its rules' changes (made for every
        # group of every locale: plain strings hashed, no JSON)
        changed_docs = {rev: {doc: _dumps(c) for doc, c in _changes_by_doc(changes).items()}
                        for rev, (changes, _) in diffs.items()} if cached else {}
        units_digest = {doc: _key(*(unit_keys[rel] for rel in rels)) for doc, rels in holders.items()} \
            if cached else {}

        # which groups are judged: all without a cache, else those whose result is not stored,
        # in the locale's sheet (its groups' results in the run before) or on their own
        group_keys: dict[str, dict[str, str]] = {}
        kept: dict[str, dict[str, Any]] = {loc: {} for loc in locales}  # doc -> its stored row, as stored
        todo: dict[str, list[str]] = {}
        sheet_keys = {loc: _digest(self.salt, "sheet", loc) for loc in locales} if cached else {}
        sheets = self.store.get(sheet_keys.values())
        resheet: dict[str, bool] = {}  # whether a locale's sheet is to be written again
        for loc in locales:
            if loc in whole:
                docs = list(results[loc])
            else:
                docs = sorted((set(holders) | (set(read[loc].groups) if loc in read else set(group_digest[loc])))
                              - unjudged(entry_files[loc]))
            if not cached:
                todo[loc] = [] if loc in whole else docs
                continue
            base = _key(self.salt, "group", loc, str(self.paths[loc]))
            changed = changed_docs[revision[loc]]
            group_keys[loc] = {doc: _key(base, doc, group_digest[loc].get(doc, ""), units_digest.get(doc, ""),
                                         changed.get(doc, "")) for doc in docs}
            sheet = sheets.get(sheet_keys[loc])
            sheet = sheet if isinstance(sheet, dict) else {}
            rows = {doc: row for doc in docs if isinstance(row := sheet.get(doc), list) and len(row) == 4
                    and row[0] == group_keys[loc][doc]}
            resheet[loc] = len(rows) != len(docs) or len(sheet) != len(docs)
            if loc in whole:  # judged already: stored where the sheet does not hold it
                for doc, g in results[loc].items():
                    row = [group_keys[loc][doc], encode_findings(g.findings), g.units, dict(g.missing)]
                    if doc not in rows:
                        self._pending[row[0]] = _dumps(row[1:])
                    kept[loc][doc] = row
                todo[loc] = []
                continue
            rest = [group_keys[loc][doc] for doc in docs if doc not in rows]
            hits = self.store.get(rest) if rest else {}
            for doc in docs:
                if doc not in rows and isinstance(got := hits.get(group_keys[loc][doc]), list) and len(got) == 3:
                    rows[doc] = [group_keys[loc][doc], *got]
            for doc, row in rows.items():
                with contextlib.suppress(TypeError, ValueError, IndexError):
                    results[loc][doc] = _Group(list(decode_findings(row[1])), int(row[2]), Counter(row[3]))
                    kept[loc][doc] = row
            todo[loc] = [doc for doc in docs if doc not in results[loc]]
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
            changes, note = diffs[revision[loc]]
            return loc, {doc: self._group(loc, revision[loc], entries.get((loc, doc), []), by_doc.get(doc, {}),
                                          changes, note) for doc in todo[loc]}

        for loc, groups in run_all(judge, [loc for loc in locales if todo[loc]], jobs=self.jobs, min_items=2):
            results[loc].update(groups)
            if cached:
                for doc, g in groups.items():
                    row = [encode_findings(g.findings), g.units, dict(g.missing)]
                    self._pending[group_keys[loc][doc]] = _dumps(row)
                    kept[loc][doc] = [group_keys[loc][doc], *row]
        for loc in locales:
            if cached and resheet[loc]:
                self._pending[sheet_keys[loc]] = _dumps(kept[loc])

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

    def _group(self, loc: str, revision: str | None, entries: list[Entry], units: dict[str, Unit],
               changes: Changes, note: str | None) -> _Group:
        """The findings of the per-unit rules on one (locale, document) group, and its counts."""
        from guidekit.i18n.catalog import Catalog
        from guidekit.i18n.engine import unit_states

        cat = Catalog(loc, self.paths[loc], revision, {e.key: e for e in entries})
        states = unit_states(units, cat, changes)
        ctx = TranslationContext(self.config.root, self.settings.required, self.settings.min_translated,
                                 {loc: states}, self.paths, {loc: note} if note else {}, {})
        cov = Coverage.of(states)
        return _Group([f for rule in self.rules for f in rule.check_translations(ctx)], cov.units, cov.missing)
