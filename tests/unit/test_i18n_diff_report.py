"""The translations section of the diff reports: the PR comment stays within its budget."""

from __future__ import annotations

import io

from guidekit.diff.model import (
    ChangeKind,
    ChangeSet,
    DocumentChange,
    Impact,
    LocaleTranslations,
    Revision,
    TranslationChange,
)
from guidekit.findings import SourceSpan
from guidekit.report.diff_base import DiffReportOptions
from guidekit.report.diff_markdown import render_markdown
from guidekit.report.diff_text import write_text


def _changes(n: int) -> ChangeSet:
    doc = DocumentChange("ADS-GAMB", "policy", "Gambling", "policies/ads/gambling.md", None, ChangeKind.MODIFIED,
                         Impact.STRICTER)
    units = tuple(TranslationChange(f"ADS-GAMB/rules/ADS-GAMB-{k}.a/text", "stale", "error", Impact.STRICTER,
                                    "action: ad_disapprove -> account_suspend", "ADS-GAMB",
                                    SourceSpan("policies/ads/gambling.md", k + 1, 5)) for k in range(n))
    locales = (LocaleTranslations("pt-BR", True, "translations/pt-BR/guidance.po", units),
               LocaleTranslations("id", False, "translations/id/guidance.po",
                                  tuple(u._replace(level="warning") for u in units)),
               LocaleTranslations("de", False, "translations/de/guidance.po"))
    return ChangeSet(Revision("v1", "a" * 40), Revision("HEAD", None), "guidance", (doc,)).with_translations(locales)


def test_the_pr_comment_lists_translation_debt_within_its_budget() -> None:
    md = render_markdown(_changes(500), max_chars=4_000)
    assert len(md) <= 4_000
    assert "**pt-BR** (required): 500 units now outdated (500 stricter; 500 to redo before release)" in md
    assert "**id**: 500 units now outdated (500 stricter)" in md and "**de**" not in md  # nothing for de
    assert "more unit" in md or "units not listed" in md
    assert "`ADS-GAMB/rules/ADS-GAMB-0.a/text` `guidance/policies/ads/gambling.md:1`" in md
    full = render_markdown(_changes(3))
    assert full.count("🔴 `ADS-GAMB") == 3 and full.count("⚠️ `ADS-GAMB") == 3


def test_the_text_report_names_each_unit_with_its_level_and_place() -> None:
    out = io.StringIO()
    write_text(_changes(2), out, DiffReportOptions(width=200))
    lines = out.getvalue().splitlines()
    assert "  pt-BR (required): 2 units now outdated (2 stricter; 2 to redo before release)" in lines
    row = next(line for line in lines if "ADS-GAMB-1.a/text" in line)
    assert row.split()[:2] == ["error", "guidance/policies/ads/gambling.md:2"]
    assert not any(line.strip().startswith("de") for line in lines)


def test_the_html_report_lists_every_unit_the_pr_comment_may_cut() -> None:
    from guidekit.report.diff_html import render_html

    page = render_html(_changes(500))
    assert page.count("<code>ADS-GAMB/rules/") == 1000 and "<h2>Translations</h2>" in page
    assert "<b>pt-BR</b> (required): 500 units now outdated" in page and "-&gt; account_suspend" in page
    assert "Translations" not in render_html(_changes(3).with_translations(()))
