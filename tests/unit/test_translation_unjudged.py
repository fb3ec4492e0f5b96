"""Which documents' translations check leaves unjudged while a file does not load: the one it
names, else those whose catalog entries were written from it (their ``#:`` references)."""

from __future__ import annotations

from pathlib import Path

from guidekit.i18n.catalog import read_catalog_text
from guidekit.i18n.engine import entry_files, unjudged_documents

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: policies/ads/gambling.md:3
msgctxt "ADS-GAMB/title"
msgid "Gambling"
msgstr "Apostas"

#: policies/ads/gambling.md:20 policies/ads/other.md:4
msgctxt "ADS-GAMB/rules/ADS-GAMB-1.a/text"
msgid "Disapprove."
msgstr "Reprove."

#: policies/ads/alcohol.md:3
msgctxt "ADS-ALC/title"
msgid "Alcohol"
msgstr "Álcool"

msgctxt "ADS-OLD/title"
msgid "Without a reference"
msgstr "Sem referência"
"""


def _files() -> dict[str, list[str]]:
    cat = read_catalog_text(PO, Path("translations/pt-BR/guidance.po"), "pt-BR")
    return entry_files(cat.entries.values())


def test_each_document_is_known_by_the_files_its_entries_were_written_from() -> None:
    assert _files() == {"ADS-GAMB": ["policies/ads/gambling.md"], "ADS-ALC": ["policies/ads/alcohol.md"]}


def test_a_file_that_names_no_document_leaves_the_documents_of_its_entries_unjudged() -> None:
    assert unjudged_documents({"policies/ads/gambling.md": None}, _files(), held=set()) == {"ADS-GAMB"}
    # a file that still names its document: that one, whatever its entries say
    assert unjudged_documents({"policies/ads/new.md": "ADS-NEW"}, _files(), held=set()) == {"ADS-NEW"}
    # nothing failed, or a document that a file which loads holds now (it moved): judged
    assert unjudged_documents({}, _files(), held=set()) == set()
    assert unjudged_documents({"policies/ads/gambling.md": None}, _files(), held={"ADS-GAMB"}) == set()
