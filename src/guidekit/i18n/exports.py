"""`guidekit export KIND --locale L`: an export in a market's language.

The exporter runs on the translated corpus (guidekit.i18n.content): current
translations in place of the source text. An export needs every unit of what
it exports translated and current: a unit that is missing, or stale because
its rule's enforcement changed since (an error wherever an export needs the
locale), refuses the export with a finding at the unit (file:line). A unit
stale only because its source was reworded is exported in the source
language, with a warning.
"""

from __future__ import annotations

from collections.abc import Callable

from guidekit.corpus import Corpus
from guidekit.errors import GuidekitError
from guidekit.export import Export, get_exporter
from guidekit.export.base import EXPORT_CODES, active_policies
from guidekit.findings import Finding, Severity
from guidekit.i18n.engine import UnitState, level_of, settings_of

__all__ = ["TRANSLATABLE", "export_in"]

# the kinds whose output holds guidance text, and which units each one needs
TRANSLATABLE = ("safeguard", "cope", "llama-guard", "eval", "bundle")

_MISSING = (EXPORT_CODES["translation-missing"], "translation-missing")
_STALE = (EXPORT_CODES["translation-outdated"], "translation-outdated")


def _needs(kind: str, corpus: Corpus) -> Callable[[UnitState], bool]:
    """Which units an export of ``kind`` shows: the examples for an eval set, every unit
    of the active policies for a prompt, every unit for a bundle."""
    if kind == "bundle":
        return lambda s: True
    active = {p.id for p in active_policies(corpus)}
    if kind == "eval":
        return lambda s: s.unit is not None and s.unit.doc in active and "/examples/" in s.key \
            and s.key.endswith("/text")
    return lambda s: s.unit is not None and s.unit.doc in active


def export_in(kind: str, corpus: Corpus, locale: str) -> Export:
    """The export of ``kind`` in ``locale``; its findings refuse it (errors) when a unit it
    needs is missing or stale at error level there."""
    if kind not in TRANSLATABLE:
        raise GuidekitError(f"--locale: {kind} has no text to translate",
                            hint=f"--locale applies to {', '.join(TRANSLATABLE)}")
    from guidekit.i18n.content import translate

    settings = settings_of(corpus.config)
    if locale == settings.source:
        return get_exporter(kind)(corpus)
    translated = translate(corpus, locale)
    if translated is None:
        raise GuidekitError(f"--locale {locale}: guidekit.yaml lists no such translation",
                            hint="add it under translations.locales and run `guidekit i18n init --locale "
                            f"{locale}`")
    needed = _needs(kind, corpus)
    findings: list[Finding] = []
    for s in translated.states:
        if s.unit is None or s.state == "current" or not needed(s):
            continue
        if s.state == "missing":
            findings.append(Finding(*_MISSING, Severity.ERROR, f"{locale}: {s.key} is not translated",
                                    s.unit.span, fix=f"translate it in the {locale} catalog "
                                    f"(guidekit i18n update --locale {locale} adds it)"))
        elif level_of(s, required=True) == "error":
            impact = s.impact.value if s.impact else "changed"
            findings.append(Finding(*_STALE, Severity.ERROR, f"{locale} translation of {s.key} is out of "
                                    f"date: its rule became {impact} since ({s.note})", s.unit.span,
                                    fix=f"revise it in the {locale} catalog and clear its fuzzy flag"))
        else:
            findings.append(Finding(*_STALE, Severity.WARNING, f"{locale} translation of {s.key} is out of "
                                    "date (the source was reworded): exported in the source language",
                                    s.unit.span))
    findings.sort(key=Finding.sort_key)
    if any(f.severity is Severity.ERROR for f in findings):
        return Export(kind, (), tuple(findings))
    if kind == "eval":
        from guidekit.export.eval_set import export_eval

        done = {s.key for s in translated.states if s.state == "current"}
        result = export_eval(translated.corpus, language=lambda key: locale if key in done else settings.source)
    else:
        result = get_exporter(kind)(translated.corpus)
    return Export(result.kind, result.files, (*findings, *result.findings), result.folder)
