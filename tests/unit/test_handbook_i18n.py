"""The handbook's interface catalogs: complete, in step with the code, picked by locale."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from guidekit.handbook.i18n import DOMAIN, LOCALES, shipped_locales, ui_for

_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=locale)


def test_the_issue_s_locales_are_shipped() -> None:
    assert set(shipped_locales()) >= {"en", "pt_BR", "es", "de", "fr", "id", "zh_Hans"}


@pytest.mark.parametrize("locale", [loc for loc in shipped_locales() if loc != "en"])
def test_every_string_is_translated_with_its_placeholders(locale: str) -> None:
    catalog = _catalog(locale)
    assert len(catalog) > 100
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strs), (locale, m.id)
        assert not m.fuzzy, (locale, m.id)
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        for s in strs:
            assert set(_PLACEHOLDER.findall(s)) == wanted, (locale, m.id, s)


def test_catalogs_hold_every_string_the_code_says(tmp_path: Path) -> None:
    """`make messages` would change nothing: what templates and code say is in every catalog."""
    pot = tmp_path / "handbook.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", str(LOCALES / "babel.cfg"), "-k", "_",
                    "-k", "gettext", "-k", "ngettext:1,2", "--no-location", "-o", str(pot),
                    str(LOCALES.parent)], check=True, capture_output=True)
    with pot.open("rb") as f:
        said = {m.id for m in read_po(f) if m.id}
    for locale in shipped_locales():
        assert said == {m.id for m in _catalog(locale) if m.id}, locale


@pytest.mark.parametrize(
    ("tag", "catalog", "rules", "date"),
    [
        ("pt-BR", "pt_BR", "Regras", "15 de setembro de 2025"),
        ("de-AT", "de", "Regeln", "15. September 2025"),
        ("zh-CN", "zh_Hans", "规则", "2025年9月15日"),
        ("en-GB", "en", "Rules", "15 September 2025"),
        ("fr", "fr", "Règles", "15 septembre 2025"),
    ],
)
def test_a_locale_picks_its_catalog_and_date_format(tag: str, catalog: str, rules: str, date: str) -> None:
    ui, warning = ui_for(tag)
    assert (ui.locale, ui.gettext("Rules"), ui.date(dt.date(2025, 9, 15)), warning) == (
        catalog, rules, date, None)


@pytest.mark.parametrize("tag", ["xx", "zh-TW", "not a locale"])
def test_an_unknown_locale_falls_back_to_english_with_a_warning(tag: str) -> None:
    ui, warning = ui_for(tag)
    assert ui.locale == "en" and ui.gettext("Rules") == "Rules"
    assert warning is not None and tag in warning and "English" in warning


def test_plural_forms_follow_the_language() -> None:
    ui, _ = ui_for("pt-BR")
    assert ui.ngettext("%(n)s policy", "%(n)s policies", 1) % {"n": 1} == "1 política"
    assert ui.ngettext("%(n)s policy", "%(n)s policies", 3) % {"n": 3} == "3 políticas"
