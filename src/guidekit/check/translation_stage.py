"""The translations stage of ``check``: every GK6xx finding, one locale at a time, cached.

A locale's findings depend on its catalog's bytes, on the guidance's files (the
units, and the diff since the catalog's revision), on guidekit.yaml and on
guidekit's code. With a cache, each locale's findings are stored under a hash
of all of that: a re-run whose catalogs and guidance did not change reads no
catalog, extracts no unit and runs no diff. Locales that are not in the cache
are read and judged on every core (polib's parse is most of the time); the
units are collected once, and the diff since a revision is made once and
shared by every locale at it.

A catalog whose revision is not a commit id (a branch name moves), or that
cannot be compared (a commit missing from a shallow clone), is never stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidekit import __version__
from guidekit.check.cache import CheckCache, code_fingerprint, decode_findings, encode_findings
from guidekit.check.parallel import run_all
from guidekit.check.rules.translations import Coverage, TranslationContext, TranslationRule, UnreadableCatalog
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.config import Config

if TYPE_CHECKING:
    from guidekit.i18n.catalog import Catalog
    from guidekit.i18n.engine import TranslationSettings

__all__ = ["translation_findings"]

_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
# what a judgement depends on besides the check's salt (check/, loading/, model): the
# units, catalogs and staleness (i18n/) and the impact of a change (diff/)
_CODE = ("i18n", "diff")


def _digest(*parts: Any) -> str:
    return hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=20).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=20)).hexdigest()
    except OSError:
        return None


def _guidance_digest(config: Config) -> str:
    """Every guidance file's path and bytes, and the configuration: the units and the diffs come from them."""
    from guidekit.loading.discover import discover

    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps(config.data, sort_keys=True, default=str).encode())
    for d in discover(config):
        h.update(f"\0{d.rel}\0{d.kind.value if d.kind else ''}\0{d.outside_link}\0".encode())
        if not d.outside_link:
            h.update((_file_digest(d.path) or "unreadable").encode())
    return h.hexdigest()


def _locale_keys(config: Config, settings: TranslationSettings, locales: Sequence[str],
                 rules: Sequence[TranslationRule]) -> dict[str, str]:
    from guidekit.i18n.catalog import catalog_path

    shared = _digest("translations", 1, __version__, code_fingerprint(_CODE), _guidance_digest(config),
                     settings.required, settings.min_translated, str(config.root),
                     [(r.id, r.effective_severity.value, r.effective_options) for r in rules])
    out = {}
    for locale in locales:
        path = catalog_path(settings.folder, locale)
        out[locale] = _digest(shared, locale, str(path), _file_digest(path) if path.is_file() else "absent")
    return out


def translation_findings(config: Config, rules: Sequence[TranslationRule], *, jobs: int | None = None,
                         cache: CheckCache | None = None) -> list[Finding]:
    """Every enabled GK6xx finding for the catalogs ``guidekit.yaml`` configures; ``jobs``
    caps the worker processes, ``cache`` (an open check cache) keeps each locale's findings."""
    if not rules or not (config.data.get("translations") or {}).get("locales"):
        return []
    from guidekit.i18n.engine import settings_of

    settings = settings_of(config)
    locales = list(dict.fromkeys(settings.locales))
    findings: list[Finding] = []
    keys: dict[str, str] = {}
    if cache is not None and cache.usable:
        keys = _locale_keys(config, settings, locales, rules)
        hits = cache.get_derived(keys.values())
        for blob in hits.values():
            findings.extend(decode_findings(json.loads(blob)))
        locales = [loc for loc in locales if keys[loc] not in hits]
    if not locales:
        return findings
    judged = _judge(config, settings, locales, rules, jobs)
    if cache is not None and keys:
        fresh = _locale_keys(config, settings, locales, rules)  # a file changed while it was read: not stored
        cache.put_derived((keys[loc], json.dumps(encode_findings(found), separators=(",", ":")))
                          for loc, (found, storable) in judged.items() if storable and fresh[loc] == keys[loc])
    for found, _ in judged.values():
        findings.extend(found)
    return findings


def _judge(config: Config, settings: TranslationSettings, locales: list[str], rules: Sequence[TranslationRule],
           jobs: int | None) -> dict[str, tuple[list[Finding], bool]]:
    """locale -> (its findings, whether they may be stored)."""
    from guidekit.i18n.catalog import Catalog, catalog_path, shown_path
    from guidekit.i18n.engine import RuleChange, collect_units, enforcement_changes, load_catalog, unit_states

    units = collect_units(config)
    broken = [r for r in rules if isinstance(r, UnreadableCatalog)]

    def read(locale: str) -> tuple[str, Catalog | str]:
        try:
            return locale, load_catalog(settings, locale)
        except ValueError as err:
            return locale, str(err)

    catalogs: dict[str, Catalog] = {}
    unreadable: dict[str, list[Finding]] = {}
    for locale, got in run_all(read, locales, jobs=jobs, min_items=2):
        if isinstance(got, str):
            path = catalog_path(settings.folder, locale)
            unreadable[locale] = [b.finding(SourceSpan(shown_path(path, config.root), 1, 1),
                                            f"cannot read the catalog: {got}") for b in broken]
            got = Catalog(locale, path, None, {})
        catalogs[locale] = got
    diffs: dict[str | None, tuple[dict[tuple[str, str], RuleChange], str | None]] = {}
    for cat in catalogs.values():
        if cat.revision not in diffs:
            diffs[cat.revision] = enforcement_changes(config.root, cat.revision)
    paths = {locale: cat.path for locale, cat in catalogs.items()}

    def judge(locale: str) -> tuple[str, list[Finding]]:
        cat = catalogs[locale]
        changes, note = diffs[cat.revision]
        states = unit_states(units, cat, changes)
        ctx = TranslationContext(config.root, settings.required, settings.min_translated, {locale: states},
                                 paths, {locale: note} if note else {}, {locale: Coverage.of(states)})
        return locale, [*unreadable.get(locale, ()), *(f for rule in rules for f in rule.check_translations(ctx))]

    out = {}
    for locale, found in run_all(judge, locales, jobs=jobs, min_items=2):
        revision = catalogs[locale].revision
        storable = (revision is None or _COMMIT.fullmatch(revision) is not None) and diffs[revision][1] is None
        out[locale] = (found, storable)
    return out
