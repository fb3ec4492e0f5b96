"""What a change of the guidance does to its translations, per locale.

For `guidekit diff BASE HEAD` (and the pull-request comment): the translation
units the change makes stale (with the impact of their source's change),
leaves untranslated (new units), or orphans (deleted units with a
translation), judged by guidekit.i18n.engine exactly as `check` judges them;
plus the translations made or revised in the change. Only what the change
itself causes is listed: a unit that was already stale or untranslated at
BASE is the debt of an earlier change.

With ``--path``, each list holds what lies under those paths, as the documents
do: the debt of the changed documents there, and the translations of documents
whose file is there (all of a catalog's, where the catalog itself is).

For `guidekit changelog`: the translations made or revised between two
revisions, per locale (from the catalogs alone), with the commits that
changed each catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guidekit import git
from guidekit.diff.model import (
    ChangeKind,
    ChangeSet,
    DocumentChange,
    Impact,
    LocaleTranslations,
    TranslationChange,
)
from guidekit.errors import GuidekitError
from guidekit.findings import SourceSpan
from guidekit.loading.config import CONFIG_NAME, Config
from guidekit.loading.source import DocKind

if TYPE_CHECKING:
    from guidekit.diff.history import Changelog
    from guidekit.i18n.catalog import Catalog, Entry
    from guidekit.i18n.engine import RuleChange, TranslationSettings
    from guidekit.i18n.units import Unit

# the catalogs' and units' modules (polib, the model) load only where guidekit.yaml lists
# translations: a diff of guidance without them does not pay for them

__all__ = ["catalog_updates", "configured_settings", "with_changelog_translations", "with_translations"]

_KINDS = {"policy": DocKind.POLICY, "sop": DocKind.SOP, "taxonomy": DocKind.TAXONOMY}
_LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


def configured_settings(root: Path) -> TranslationSettings | None:
    """The translation settings of the guidekit.yaml under ``root``; None when it lists no
    locale (the common case costs one read of a small file)."""
    path = root / CONFIG_NAME
    try:
        if b"translations" not in path.read_bytes():
            return None
    except OSError:
        return None
    from guidekit.diff.settings import diff_config
    from guidekit.i18n.engine import settings_of

    config, _ = diff_config(root)
    try:
        settings = settings_of(config)
    except (GuidekitError, TypeError, ValueError):
        return None  # a diff does not fail on settings it can do without: `check` reports them
    return settings if settings.locales else None


class _Reader:
    """Files of the guidance at a revision (None: the working tree), through one git process."""

    def __init__(self, root: Path, repo: git.GitRepo, config: Config) -> None:
        self.root = root
        self.repo = repo
        self.prefix = repo.prefix_of(root)
        self.config = config

    def top(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def rel(self, top: str) -> str | None:
        """A path from the top of the work tree as a path under the root (None: outside it)."""
        if not self.prefix:
            return top
        return top.removeprefix(self.prefix + "/") if top.startswith(self.prefix + "/") else None

    def read(self, rev: str | None, rel: str) -> bytes | None:
        return self.repo.read(rev, self.top(rel))

    def units(self, rev: str | None, rel: str, kind: DocKind) -> list[Unit] | None:
        """The units of one document at ``rev`` ([] where there is none); None when it does
        not load or fit its schema (the diff compares it as text and says why)."""
        from guidekit.i18n.engine import source_units
        from guidekit.loading.source import load_bytes

        raw = self.read(rev, rel)
        if raw is None:
            return []
        return source_units(load_bytes(self.root / rel, rel, kind, raw, self.config.limits))

    def catalog(self, rev: str | None, settings: TranslationSettings, locale: str) -> tuple[Catalog, str | None]:
        from guidekit.i18n.catalog import Catalog, catalog_path, read_catalog_text, shown_path

        path = catalog_path(settings.folder, locale)
        raw = self.read(rev, shown_path(path, self.root))
        try:
            return read_catalog_text(raw.decode("utf-8") if raw else "", path, locale), None
        except (UnicodeDecodeError, ValueError) as err:
            where = "the working tree" if rev is None else rev[:12]
            return Catalog(locale, path, None, {}), f"cannot read {shown_path(path, self.root)} at {where}: {err}"


class _Scope:
    """What lies under a diff's ``--path`` files or folders at its head."""

    def __init__(self, reader: _Reader, rev: str | None, paths: Sequence[str]) -> None:
        self.reader, self.rev = reader, rev
        self.spec = git.pathspec(reader.prefix, paths)
        self.files = set(reader.repo.list_files(rev, self.spec))  # from the top of the work tree
        self._held: dict[str, bool] = {}
        self._kinds: dict[str, DocKind | None] | None = None

    def holds(self, rel: str) -> bool:
        """Whether the file ``rel`` (under the root) lies under the paths."""
        return self.reader.top(rel) in self.files

    def documents(self, ids: Iterable[str]) -> set[str]:
        """Those of the document ids ``ids`` ("taxonomy": the taxonomy files) whose file lies
        under the paths."""
        from guidekit.loading.discover import classify

        wanted = set(ids) - self._held.keys()
        if not wanted:
            return {doc for doc in ids if self._held[doc]}
        if self._kinds is None:  # once for every locale
            self._kinds = {rel: classify(rel, self.reader.config)
                           for rel in (self.reader.rel(top) for top in self.files) if rel is not None}
        kinds = self._kinds
        if "taxonomy" in wanted:
            self._held["taxonomy"] = DocKind.TAXONOMY in kinds.values()
            wanted.discard("taxonomy")
        for top in self.reader.repo.grep(self.rev, wanted, self.spec) if wanted else ():
            rel = self.reader.rel(top)
            kind = kinds.get(rel) if rel is not None else None
            if rel is not None and kind in (DocKind.POLICY, DocKind.SOP):
                for u in self.reader.units(self.rev, rel, kind) or ():
                    if u.doc in wanted:
                        self._held[u.doc] = True
        for doc in wanted:
            self._held.setdefault(doc, False)
        return {doc for doc in ids if self._held.get(doc)}

    def narrow(self, updates: list[TranslationChange], catalog: str) -> list[TranslationChange]:
        """The translations of documents under the paths (all of them where the catalog
        ``catalog`` is there itself)."""
        if self.holds(catalog):
            return updates
        held = self.documents({u.document for u in updates})
        return [u for u in updates if u.document in held]


def _changed_units(reader: _Reader, docs: Iterable[DocumentChange], base: str | None, head: str | None
                   ) -> tuple[dict[str, Unit], dict[str, Unit], set[str]]:
    """The units of the changed documents at the base and at the head, and the ids (at the
    base) of the documents that do not load or fit their schema at the head: their units
    are not gone, the diff compares them as text."""
    units_a: dict[str, Unit] = {}
    units_b: dict[str, Unit] = {}
    broken: set[str] = set()
    for d in docs:
        kind = _KINDS.get(d.kind)
        if kind is None:
            continue
        old = reader.units(base, d.old_path or d.path, kind) if d.change is not ChangeKind.ADDED else []
        new = reader.units(head, d.path, kind) if d.change is not ChangeKind.REMOVED else []
        for u in old or ():
            units_a.setdefault(u.key, u)
        for u in new or ():
            units_b.setdefault(u.key, u)
        if new is None:
            broken.update(u.doc for u in old or ())
    return units_a, units_b, broken


def with_translations(root: Path, changes: ChangeSet, paths: Sequence[str] = ()) -> ChangeSet:
    """``changes`` with what it does to each configured locale's translations (unchanged
    when guidekit.yaml configures none); ``paths``: the files or folders (relative to
    ``root``) the diff of ``changes`` was narrowed to."""
    settings = configured_settings(root)
    if settings is None:
        return changes
    from guidekit.diff.settings import diff_config
    from guidekit.i18n.catalog import shown_path
    from guidekit.i18n.engine import rule_changes

    config, _ = diff_config(root)
    base, head = changes.base.sha, changes.head.sha
    try:
        repo = git.GitRepo.open(root)
    except GuidekitError:
        return changes
    with repo:
        reader = _Reader(root, repo, config)
        units_a, units_b, broken = _changed_units(reader, changes.documents, base, head)
        rules = rule_changes(changes)
        scope = _Scope(reader, head, paths) if paths else None
        out = []
        for locale in settings.locales:
            cat_a, note_a = reader.catalog(base, settings, locale)
            cat_b, note_b = reader.catalog(head, settings, locale)
            required = locale in settings.required
            found = _debt(units_a, units_b, cat_a, cat_b, rules, required, root, broken)
            updates = catalog_updates(cat_a, cat_b, root, skip={u.key for u in found})
            found += updates if scope is None else scope.narrow(updates, shown_path(cat_b.path, root))
            found.sort(key=lambda u: (_LEVEL_ORDER[u.level], u.document, u.span.path if u.span else "",
                                      u.span.line if u.span else 0, u.key))
            out.append(LocaleTranslations(locale, required, shown_path(cat_b.path, root), tuple(found),
                                          note_b or note_a))
    return changes.with_translations(tuple(out))


def _debt(units_a: dict[str, Unit], units_b: dict[str, Unit], cat_a: Catalog, cat_b: Catalog,
          rules: dict[tuple[str, str], RuleChange], required: bool, root: Path, broken: set[str]
          ) -> list[TranslationChange]:
    """The units of the changed documents that the change leaves stale, missing or orphaned in
    one locale (and not already so at the base)."""
    from guidekit.i18n.engine import ENFORCEMENT, level_of, rekey, reworded, unit_states
    from guidekit.i18n.units import key_document

    before = {rekey(s.key, rules): s for s in unit_states(units_a, cat_a, {}) if s.unit is not None}
    translating = {s.unit.doc for s in before.values() if s.unit is not None and s.state != "missing"}
    states = unit_states(units_b, cat_b, rules)
    carried = reworded(states)
    carried_from = {e.key for e in carried.values()}
    out: list[TranslationChange] = []
    for s in states:
        if s.state == "orphaned":
            entry = s.entry
            # only entries of units the change removed (the catalog holds every document's)
            if entry is not None and entry.key in units_a and entry.key not in carried_from \
                    and key_document(entry.key) not in broken:
                was = before.get(rekey(entry.key, rules))
                if was is None or was.state != "missing":
                    out.append(TranslationChange(s.key, "orphaned", level_of(s, required), None,
                                                 "its unit was removed: the translation is left over",
                                                 key_document(s.key), _at_entry(cat_b, entry, root)))
            continue
        if s.unit is None or s.state == "current":
            continue
        was = before.get(s.key)
        unit = s.unit
        if s.key in carried:
            out.append(TranslationChange(s.key, "stale", "warning", Impact.EDITORIAL, "the paragraph was reworded",
                                         unit.doc, unit.span))
        elif s.state == "missing":
            # a new unit is to translate where the locale is required or translates its document
            if (was is None and (required or unit.doc in translating)) or (was is not None and was.state != "missing"):
                out.append(TranslationChange(s.key, "missing", level_of(s, required), None,
                                             "new: not translated yet" if was is None else "no longer translated",
                                             unit.doc, unit.span))
        elif s.impact is not None and not _revised(s.entry, cat_a):
            if was is not None and was.state == "stale" and was.impact is not None \
                    and was.impact.rank >= s.impact.rank:
                continue  # stale already at the base
            if was is not None and was.state == "missing":
                continue  # never translated: nothing became outdated
            note = s.note if s.impact in ENFORCEMENT else "the source was reworded"
            out.append(TranslationChange(s.key, "stale", level_of(s, required), s.impact, note, unit.doc,
                                         unit.span))
    return out


def _revised(entry: Entry | None, cat_a: Catalog) -> bool:
    """Whether the change itself brought a new, confirmed translation of the unit (the
    translator revised it in the same change): not debt."""
    if entry is None or entry.fuzzy or not entry.translation:
        return False
    old = cat_a.entries.get(entry.key)
    return old is None or old.translation != entry.translation or old.fuzzy


def _at_entry(cat: Catalog, entry: Entry, root: Path) -> SourceSpan:
    from guidekit.i18n.catalog import shown_path

    return SourceSpan(shown_path(cat.path, root), max(1, entry.line), 1)


def catalog_updates(cat_a: Catalog, cat_b: Catalog, root: Path, skip: Iterable[str] = ()
                    ) -> list[TranslationChange]:
    """Entries translated (new) or revised (a new translation, or a fuzzy one confirmed)
    between two revisions of a locale's catalog, at their line in the catalog."""
    from guidekit.i18n.units import key_document

    skipped = set(skip)
    out = []
    for key, e in cat_b.entries.items():
        if key in skipped or e.obsolete or e.fuzzy or not e.translation:
            continue
        old = cat_a.entries.get(key)
        if old is not None and not old.obsolete and old.translation == e.translation and not old.fuzzy:
            continue
        first = old is None or old.obsolete or not old.translation
        out.append(TranslationChange(key, "translated", "info", None, "translated" if first else "revised",
                                     key_document(key), _at_entry(cat_b, e, root)))
    return out


def with_changelog_translations(root: Path, log: Changelog) -> Changelog:
    """``log`` with, per configured locale, the units translated or revised from its start
    to its end and the commits that changed the catalog (unchanged without translations)."""
    settings = configured_settings(root)
    if settings is None or log.since.sha is None or log.until.sha is None:
        return log
    import dataclasses

    from guidekit.diff.history import TranslationLog
    from guidekit.diff.settings import diff_config
    from guidekit.i18n.catalog import shown_path

    config, _ = diff_config(root)
    with git.GitRepo.open(root) as repo:
        reader = _Reader(root, repo, config)
        out = []
        for locale in settings.locales:
            cat_a, note_a = reader.catalog(log.since.sha, settings, locale)
            cat_b, note_b = reader.catalog(log.until.sha, settings, locale)
            found = sorted(catalog_updates(cat_a, cat_b, root), key=lambda u: (u.document, u.key))
            rel = shown_path(cat_b.path, root)
            commits = repo.log(f"{log.since.sha}..{log.until.sha}", [reader.top(rel)])
            out.append(TranslationLog(LocaleTranslations(locale, locale in settings.required, rel, tuple(found),
                                                         note_b or note_a), tuple(commits)))
    return dataclasses.replace(log, translations=tuple(out))
