"""Which translations are current, missing, stale (and how much it matters) or orphaned.

gettext marks a translation fuzzy whenever its source text changed at all.
guidekit asks the diff engine instead: between the commit a catalog was last
brought up to date with (``X-Guidekit-Revision``) and the working tree, did
the rule a unit belongs to change its enforcement (stricter, looser,
breaking)? That makes every translation of the rule stale at that impact,
even where the words are the same. A source text that changed in words only
is stale as ``editorial``; a reflow (whitespace) is no change at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guidekit.diff import ChangeSet, Impact
from guidekit.errors import GuidekitError
from guidekit.i18n.catalog import Catalog, Entry, Planned, catalog_path, read_catalog, write_catalog
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import DocKind, Source, load_source, named_document

if TYPE_CHECKING:  # units (and the Markdown reader) are imported where they are extracted
    from guidekit.i18n.units import Unit

__all__ = ["ENFORCEMENT", "RuleChange", "TranslationSettings", "UnitState", "collect_units", "diff_since",
           "enforcement_changes", "entry_files", "file_units", "level_of", "load_catalog", "load_catalogs",
           "named_document", "plan_update", "rekey", "reworded", "rule_changes", "settings_of", "source_units",
           "translatable", "unit_states", "unjudged_documents", "write_update"]

ENFORCEMENT = (Impact.BREAKING, Impact.STRICTER, Impact.LOOSER)


class TranslationSettings(NamedTuple):
    folder: Path
    source: str
    locales: tuple[str, ...]
    required: tuple[str, ...]  # locales a handbook or export needs: enforcement-stale is an error there
    min_translated: float  # percent of units a required locale must have


def settings_of(config: Config) -> TranslationSettings:
    t: dict[str, Any] = dict(config.data.get("translations") or {})
    folder = (config.root / str(t.get("folder", "translations"))).resolve()
    if not folder.is_relative_to(config.root.resolve()):
        raise GuidekitError(f"translations.folder {folder} is outside the guidance repository")
    locales = tuple(str(x) for x in t.get("locales") or ())
    return TranslationSettings(folder, str(t.get("source", "en")), locales,
                               tuple(str(x) for x in t.get("required") or ()),
                               float(t.get("min_translated", 100)))


def translatable(config: Config, discovered: Sequence[Discovered] | None = None) -> list[Discovered]:
    """The files that hold units: policies, SOPs and taxonomy files under the root (of
    ``discovered``, the files ``discover`` listed, where the caller has them)."""
    return [d for d in (discover(config) if discovered is None else discovered)
            if d.kind in (DocKind.POLICY, DocKind.SOP, DocKind.TAXONOMY) and not d.outside_link]


def file_units(config: Config, d: Discovered) -> list[Unit] | None:
    """The units of one file; None where it does not load or fit its schema (see source_units)."""
    assert d.kind is not None
    return source_units(load_source(d.path, d.rel, d.kind, config.limits))


def collect_units(config: Config, rels: Iterable[str] | None = None, *,
                  unfit: list[str] | None = None) -> dict[str, Unit]:
    """Every unit of the schema-valid policies, SOPs and taxonomy files (by key); the files
    that do not load or fit their schema are added to ``unfit`` when given."""
    wanted = set(rels) if rels is not None else None
    out: dict[str, Unit] = {}
    for d in translatable(config):
        if wanted is not None and d.rel not in wanted:
            continue
        units = file_units(config, d)
        if units is None and unfit is not None:
            unfit.append(d.rel)
        for u in units or ():
            out.setdefault(u.key, u)
    return out


_TRANSLATABLE = (DocKind.POLICY, DocKind.SOP, DocKind.TAXONOMY)


def source_units(src: Source) -> list[Unit] | None:
    """The units of one loaded file: None when it does not load or fit its schema (check
    says why; a diff compares it as text, check leaves its translations unjudged), [] for
    one that fits and has none (or is of a kind without units).

    The one gate in front of guidekit.i18n.units.units_of: every consumer of units
    (check, diff, i18n, handbooks) takes them from here."""
    if src.kind not in _TRANSLATABLE:
        return []
    if not src.ok:
        return None
    from guidekit.schemas import misfit

    if misfit(src.kind.value, src.data) is not None:
        return None
    from guidekit.i18n.units import units_of

    return units_of(src)


def entry_files(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """Document id (the first part of each entry's key) -> the files its entries were written
    from (their ``#:`` references), in catalog order."""
    out: dict[str, dict[str, None]] = {}
    for e in entries:
        if e.origin:
            out.setdefault(e.key.partition("/")[0], {})[e.origin] = None
    return {doc: list(files) for doc, files in out.items()}


def unjudged_documents(failed: Mapping[str, str | None], files_of: Mapping[str, Iterable[str]],
                       held: Collection[str]) -> set[str]:
    """The documents whose translations are not judged while the files ``failed`` (path ->
    the document it still names, or None) do not load or fit their schema: its units are
    unknown, so its entries are neither left over nor stale nor missing. A file that names no
    document (its YAML does not parse) is known by its entries' ``#:`` references
    (``files_of``, from entry_files), unless a file that loads holds that document now
    (``held``: it moved there)."""
    if not failed:
        return set()
    named = {doc for doc in failed.values() if doc is not None}
    return named | {doc for doc, files in files_of.items()
                    if doc not in held and any(f in failed for f in files)}


class RuleChange(NamedTuple):
    impact: Impact
    note: str
    new_id: str | None  # the rule's id now, when it was renamed


def enforcement_changes(root: Path, revision: str | None) -> tuple[dict[tuple[str, str], RuleChange], str | None]:
    """(document id, rule id at the revision) -> how its enforcement changed since; and a
    note when the revision cannot be diffed (unknown commit, no git)."""
    if not revision:
        return {}, None
    changes, note = diff_since(root, revision)
    return (rule_changes(changes) if changes is not None else {}), note


def diff_since(root: Path, revision: str, paths: Sequence[str] = ()) -> tuple[ChangeSet | None, str | None]:
    """The diff from a catalog's revision to the working tree (limited to ``paths``), or
    None and why it cannot be made."""
    from guidekit.diff import diff_revisions

    try:
        return diff_revisions(root, base=revision, head=None, paths=paths), None
    except GuidekitError as err:
        return None, f"cannot compare with {revision[:12]}: {err.message}"


def rule_changes(changes: ChangeSet) -> dict[tuple[str, str], RuleChange]:
    """(document id, rule id at the base) -> how the rule's enforcement changed (or its new
    id), from a diff."""
    out: dict[tuple[str, str], RuleChange] = {}
    for doc in changes.documents:
        for rule in doc.rules:
            # a new id alone changes no reviewer's decision: the translation follows the rule
            impacts = [f.impact for f in rule.fields if f.field != "id" and f.impact in ENFORCEMENT]
            if not rule.fields and rule.impact in ENFORCEMENT and rule.old_id in (None, rule.id):
                impacts.append(rule.impact)
            renamed = rule.old_id is not None and rule.old_id != rule.id
            if not impacts and not renamed:
                continue
            impact = max(impacts, key=lambda i: i.rank) if impacts else Impact.METADATA
            fields = [f"{f.field}: {_short(f.old)} -> {_short(f.new)}" for f in rule.fields
                      if f.field != "id" and f.impact in ENFORCEMENT]
            note = "; ".join(fields) or rule.note or f"rule {rule.change.value}"
            out[(doc.id, rule.old_id or rule.id)] = RuleChange(impact, note, rule.id if renamed else None)
    return out


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


class UnitState(NamedTuple):
    key: str
    locale: str
    state: str  # "current" | "missing" | "stale" | "orphaned"
    impact: Impact | None  # for a stale one
    note: str
    unit: Unit | None
    entry: Entry | None


_IMPACTS = {i.value: i for i in Impact}

# where a unit key holds a rule id: ADS-X/rules/<rule>/..., ADS-X/regional_overrides/<market>/<rule>/note
_RULE_AT = {"rules": 2, "regional_overrides": 3}


def _key_rule(key: str) -> str | None:
    parts = key.split("/")
    at = _RULE_AT.get(parts[1]) if len(parts) > 2 else None
    return parts[at] if at is not None and len(parts) > at + 1 else None


def rekey(key: str, changes: dict[tuple[str, str], RuleChange]) -> str:
    """The key a unit of a renamed rule has now."""
    rule = _key_rule(key)
    if rule is None:
        return key
    parts = key.split("/")
    change = changes.get((parts[0], rule))
    if change is None or not change.new_id:
        return key
    parts[_RULE_AT[parts[1]]] = change.new_id
    return "/".join(parts)


def unit_states(units: dict[str, Unit], catalog: Catalog,
                changes: dict[tuple[str, str], RuleChange]) -> list[UnitState]:
    """The state of every unit (and of every catalog entry whose unit is gone) in one locale."""
    by_key: dict[str, Entry] = {}
    orphans: list[Entry] = []
    # a key is looked up in the changes only in documents that have some (most have none)
    changed = {doc for doc, _ in changes}
    renamed = {doc for (doc, _), c in changes.items() if c.new_id}
    for e in catalog.entries.values():
        if e.obsolete:
            continue
        key = rekey(e.key, changes) if renamed and e.key.partition("/")[0] in renamed else e.key
        if key in units:
            by_key.setdefault(key, e)
        elif e.translation:
            orphans.append(e)
    out: list[UnitState] = []
    loc = catalog.locale
    for key, unit in units.items():
        found = by_key.get(key)
        if found is None or not found.translation:
            out.append(UnitState(key, loc, "missing", None, "not translated", unit, found))
            continue
        e = found
        rule_change = None
        if unit.rule is not None and unit.doc in changed:
            rule_change = changes.get((unit.doc, _key_rule(e.key) or unit.rule))
        if rule_change is not None and rule_change.impact in ENFORCEMENT:
            out.append(UnitState(key, loc, "stale", rule_change.impact, rule_change.note, unit, e))
        elif e.fuzzy:
            impact = _IMPACTS.get(e.recorded or "", Impact.EDITORIAL)
            note = e.note or "marked fuzzy: the source changed since"
            out.append(UnitState(key, loc, "stale", impact, note, unit, e))
        elif e.source != unit.text:
            out.append(UnitState(key, loc, "stale", Impact.EDITORIAL, "the source text was reworded", unit, e))
        else:
            out.append(UnitState(key, loc, "current", None, "", unit, e))
    for e in orphans:
        out.append(UnitState(e.key, loc, "orphaned", None, "no such unit in the guidance", None, e))
    return out


def load_catalog(settings: TranslationSettings, locale: str) -> Catalog:
    """One locale's catalog (an empty one where there is none yet); ValueError when it cannot be read."""
    path = catalog_path(settings.folder, locale)
    return read_catalog(path, locale) if path.is_file() else Catalog(locale, path, None, {})


def level_of(state: UnitState, required: bool) -> str:
    """How much a unit that is not current matters: "error" for a translation whose rule's
    enforcement changed, in a locale a handbook or export needs (reviewers there would
    enforce the old rule); "warning" for the rest (reworded, missing, orphaned)."""
    if state.state == "stale" and required and state.impact in ENFORCEMENT:
        return "error"
    return "warning"


def reworded(states: Sequence[UnitState]) -> dict[str, Entry]:
    """Missing units that replace a reworded paragraph -> the orphaned entry of the paragraph
    they replace (its translation carries over, stale), as msgmerge's fuzzy matching does."""
    orphans = [s.entry for s in states if s.state == "orphaned" and s.entry is not None]
    taken: set[str] = set()
    out: dict[str, Entry] = {}
    for s in states:
        if s.unit is not None and s.state == "missing" and s.entry is None:
            match = _similar(s.unit, orphans, taken)
            if match is not None:
                taken.add(match.key)
                out[s.key] = match
    return out


def load_catalogs(settings: TranslationSettings, locales: Sequence[str] = (),
                  on_error: Callable[[Path, str], object] | None = None) -> list[Catalog]:
    """Each locale's catalog (an empty one where there is none yet). A file that cannot be
    read is passed to ``on_error`` and taken as empty; without ``on_error`` it is an error."""
    out = []
    for locale in locales or settings.locales:
        path = catalog_path(settings.folder, locale)
        try:
            out.append(load_catalog(settings, locale))
        except ValueError as err:
            if on_error is None:
                raise GuidekitError(f"{path}: cannot read the catalog: {err}") from None
            on_error(path, str(err))
            out.append(Catalog(locale, path, None, {}))
    return out


def plan_update(units: dict[str, Unit], catalog: Catalog, changes: dict[tuple[str, str], RuleChange]
                ) -> tuple[list[Planned], list[Entry]]:
    """What ``update`` writes: every unit, its translation kept, stale ones marked fuzzy with
    what changed; a reworded paragraph takes the translation of the paragraph it replaced."""
    states = unit_states(units, catalog, changes)
    orphans = [s.entry for s in states if s.state == "orphaned" and s.entry is not None]
    carried = reworded(states)
    taken = {e.key for e in carried.values()}
    planned: list[Planned] = []
    for s in states:
        if s.unit is None:
            continue
        e = s.entry
        match = carried.get(s.key)
        if match is not None:
            planned.append(Planned(s.unit, match.translation, True, match.source,
                                   f"{Impact.EDITORIAL.value}): the source was reworded"))
            continue
        if e is None or s.state == "missing":
            planned.append(Planned(s.unit))
        elif s.state == "stale":
            impact = s.impact or Impact.EDITORIAL
            # still stale from an earlier update (same source): keep the source it was translated from
            previous = e.previous if e.fuzzy and e.previous and e.source == s.unit.text else e.source
            planned.append(Planned(s.unit, e.translation, True, previous, f"{impact.value}): {s.note}"))
        else:
            planned.append(Planned(s.unit, e.translation))
    left = [o for o in orphans if o.key not in taken]
    return planned, left


def _similar(unit: Unit, orphans: list[Entry], taken: set[str]) -> Entry | None:
    """The orphaned entry of the same section whose source is most like the unit's (a
    reworded paragraph), as msgmerge's fuzzy matching does, within the document only."""
    import difflib

    prefix = unit.key.rsplit("/", 1)[0] + "/"
    best, score = None, 0.6
    for o in orphans:
        if o.key in taken or not o.key.startswith(prefix):
            continue
        ratio = difflib.SequenceMatcher(None, o.source.split(), unit.text.split()).ratio()
        if ratio > score:
            best, score = o, ratio
    return best


def write_update(settings: TranslationSettings, catalog: Catalog, units: dict[str, Unit],
                 changes: dict[tuple[str, str], RuleChange], revision: str | None) -> list[Planned]:
    planned, orphans = plan_update(units, catalog, changes)
    write_catalog(catalog.path, catalog.locale, planned, revision=revision, obsolete=orphans,
                  header=catalog.header)
    return planned
