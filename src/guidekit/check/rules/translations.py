"""Translated guidance (GK6xx): missing, stale (by the impact of what changed), damaged
and orphaned translations, from the catalogs under ``translations.folder``.

These rules run in the check's ``translations`` stage (check/translation_stage.py),
one locale at a time: the units come from the guidance as it is now, the
staleness from the diff engine between each catalog's recorded revision and
the working tree.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from guidekit.check.registry import CheckRule, register
from guidekit.findings import Finding, Severity, SourceSpan

if TYPE_CHECKING:
    from guidekit.i18n.engine import UnitState

__all__ = ["Coverage", "TranslationContext", "TranslationRule", "UnreadableCatalog"]


class Coverage(NamedTuple):
    """How much of the guidance one locale translates: its units, and the untranslated ones per file."""

    units: int
    missing: Counter[str]

    @classmethod
    def of(cls, states: Iterable[UnitState]) -> Coverage:
        units, missing = 0, Counter[str]()
        for s in states:
            if s.unit is not None:
                units += 1
                if s.state == "missing":
                    missing[s.unit.span.path] += 1
        return cls(units, missing)


class TranslationContext(NamedTuple):
    root: Path
    required: tuple[str, ...]
    min_translated: float
    # locale -> the state of every unit and orphaned entry (guidekit.i18n.engine.UnitState)
    states: dict[str, list[UnitState]]
    catalogs: dict[str, Path]
    notes: dict[str, str]
    coverage: dict[str, Coverage]  # locale -> its coverage (what GK601 judges)


class TranslationRule(CheckRule):
    stage: ClassVar[str] = "translations"

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        raise NotImplementedError

    def _at_entry(self, ctx: TranslationContext, locale: str, line: int) -> SourceSpan:
        return SourceSpan(_shown(ctx.catalogs[locale], ctx.root), max(1, line), 1)


def _shown(path: Path, root: Path) -> str:
    # imported here: these rules load with every check, the catalog module (polib) only when needed
    from guidekit.i18n.catalog import shown_path

    return shown_path(path, root)


@register
class MissingTranslation(TranslationRule):
    """A locale that a handbook or export needs (``translations.required``) has fewer
    units translated than ``translations.min_translated`` percent.

    Reported once per document with untranslated units, at its first line, with
    the count; `guidekit i18n status` lists every unit.
    """

    id = "GK601"
    name = "missing-translation"

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        for locale in ctx.required:
            cov = ctx.coverage.get(locale)
            if cov is None or not cov.units:
                continue
            share = 100.0 * (cov.units - sum(cov.missing.values())) / cov.units
            if share >= ctx.min_translated:
                continue
            for path, n in sorted(cov.missing.items()):
                yield self.finding(SourceSpan(path, 1, 1),
                                   f"{locale}: {n} unit(s) of this document are not translated "
                                   f"({share:.0f}% of all units are; translations.min_translated is "
                                   f"{ctx.min_translated:g}%)", fix=f"guidekit i18n update --locale {locale}, "
                                   "then translate the empty entries")


@register
class StaleEnforcementTranslation(TranslationRule):
    """A translation of a rule whose enforcement changed since it was translated (stricter,
    looser or breaking: the action, severity, scope, targets, contexts or an example's
    label), in a locale a handbook or export needs.

    Reviewers in that market would enforce the old rule. Reported at the unit in
    the source, with what changed. (In other locales the same is GK603.)
    """

    id = "GK602"
    name = "stale-enforcement-translation"

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        yield from _stale(self, ctx, enforcement=True)


@register
class StaleTranslation(TranslationRule):
    """A translation whose source was reworded since (editorial), or whose rule's
    enforcement changed in a locale no handbook or export requires.

    A reflow (only whitespace or line breaks moved) is not a change.
    """

    id = "GK603"
    name = "stale-translation"
    severity = Severity.WARNING

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        yield from _stale(self, ctx, enforcement=False)


def _stale(rule: TranslationRule, ctx: TranslationContext, *, enforcement: bool) -> Iterator[Finding]:
    """GK602 takes the stale units at level "error", GK603 the rest: the level is the one the
    diff's translation report gives them (guidekit.i18n.engine.level_of)."""
    from guidekit.i18n.engine import level_of

    for locale, states in sorted(ctx.states.items()):
        required = locale in ctx.required
        for s in states:
            if s.state != "stale" or s.unit is None or s.impact is None:
                continue
            if (level_of(s, required) == "error") != enforcement:
                continue
            impact = s.impact.value
            what = f"became {impact}" if impact in ("stricter", "looser") else \
                ("changed in a breaking way" if impact == "breaking" else "was reworded")
            yield rule.finding(s.unit.span, f"{locale} translation of {s.key} is out of date: the source "
                               f"{what} ({s.note})", fix=f"update it in {_shown(ctx.catalogs[locale], ctx.root)} "
                               "and clear its fuzzy flag (guidekit i18n update marks it)")


_ID = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+(?:\.[a-z0-9]+)?\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_URL = re.compile(r"\bhxxps?://\S+|\b[\w-]+\[\.\][\w.\[\]-]+")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([a-z_]+\)s|%[sd]")
_MARKUP = re.compile(r"\*\*|__|`|\]\(")


_KINDS = ((_ID, "id"), (_URL, "link"), (_PLACEHOLDER, "placeholder"), (_MARKUP, "markup"))
_ALL = frozenset(("id", "link", "placeholder", "markup", "number"))


# a character every token needs one of: an id's hyphen, a digit, a placeholder's brace or
# percent sign, a markup character or a defanged link's bracket; "hxxp" starts the other links
_NEEDED = re.compile(r"[-\d{%*_`\[\]]")
_NONE: tuple[Counter[str], frozenset[str]] = (Counter(), frozenset())


@functools.lru_cache(maxsize=1 << 16)
def _source_tokens(text: str) -> tuple[Counter[str], frozenset[str]]:
    """The tokens of a source text and their kinds: one source is the msgid of an entry in
    every locale, so this is worked out once a source, not once a locale (most have none:
    a search for one character says so)."""
    if not _NEEDED.search(text) and "hxxp" not in text:
        return _NONE
    tokens = _tokens(text)
    return tokens, frozenset(t.partition(" ")[0] for t in tokens)


def _tokens(text: str, kinds: frozenset[str] = _ALL) -> Counter[str]:
    """The tokens of ``kinds`` in a text (a translation is searched only for the kinds its
    source has: what the source lacks cannot be lost)."""
    out: Counter[str] = Counter()
    for pattern, kind in _KINDS:
        if kind in kinds:
            for m in pattern.finditer(text):
                out[f"{kind} {m.group(0).rstrip('.,;:)')}"] += 1
    if "number" in kinds:
        stripped = _URL.sub(" ", _ID.sub(" ", text))
        for m in _NUMBER.finditer(stripped):
            out["number " + m.group(0).replace(".", "").replace(",", "")] += 1
    return out


@register
class LostInTranslation(TranslationRule):
    """A translation that drops or changes what must survive translation: rule ids it
    mentions, numbers and amounts, defanged links, Markdown emphasis and link markers,
    and placeholders such as ``{content}``.

    Reported at the entry in the catalog.
    """

    id = "GK604"
    name = "lost-in-translation"
    severity = Severity.WARNING

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        for locale, states in sorted(ctx.states.items()):
            for s in states:
                entry = s.entry
                if s.state not in ("current", "stale") or entry is None or not entry.translation:
                    continue
                source, kinds = _source_tokens(entry.source)
                if not kinds:
                    continue
                lost = sorted((source - _tokens(entry.translation, kinds)).elements())
                if lost:
                    yield self.finding(self._at_entry(ctx, locale, entry.line),
                                       f"{locale} translation of {s.key} loses {', '.join(lost)}",
                                       fix="keep ids, numbers, links, markup and placeholders as in the source")


@register
class OrphanedTranslation(TranslationRule):
    """A catalog entry whose unit no longer exists in the guidance (deleted, or its key
    changed without a rename the diff engine could follow).

    `guidekit i18n update` moves it to the catalog's obsolete entries (``#~``).
    The entries of a file that does not load or fit its schema are not reported
    (its units are unknown): the file's own finding says what is wrong.
    """

    id = "GK605"
    name = "orphaned-translation"
    severity = Severity.WARNING

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        for locale, states in sorted(ctx.states.items()):
            for s in states:
                if s.state == "orphaned" and s.entry is not None:
                    yield self.finding(self._at_entry(ctx, locale, s.entry.line),
                                       f"{locale}: {s.key} has a translation but no such unit exists",
                                       fix=f"guidekit i18n update --locale {locale}")


@register
class UnreadableCatalog(TranslationRule):
    """A catalog under ``translations.folder`` that is not a gettext PO file guidekit can read.

    Its locale is checked as if it had no translations.
    """

    id = "GK606"
    name = "unreadable-catalog"

    def check_translations(self, ctx: TranslationContext) -> Iterator[Finding]:
        return iter(())
