"""One gate in front of a document's translation units (guidekit.i18n.engine.source_units):
None for a file that does not load or fit its schema, [] for one without units. check,
diff, i18n and handbooks all take units from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE
from guidekit.i18n.engine import named_document, source_units
from guidekit.loading.source import DocKind, Source, load_source

GAMBLING = "policies/ads/gambling.md"


def _load(tmp_path: Path, rel: str, kind: DocKind, old: str = "", new: str = "") -> Source:
    text = (SAMPLE / rel).read_text("utf-8")
    assert old in text
    path = tmp_path / Path(rel).name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return load_source(path, rel, kind)


def test_a_document_that_fits_has_its_units(tmp_path: Path) -> None:
    units = source_units(_load(tmp_path, GAMBLING, DocKind.POLICY))
    assert units and {u.doc for u in units} == {"ADS-GAMB"}
    assert source_units(_load(tmp_path, "taxonomy/actions.yaml", DocKind.TAXONOMY))


@pytest.mark.parametrize(("old", "new", "named"), [
    ("version: 3\n", "version: three\n", "ADS-GAMB"),  # the model would build: the schema says no
    ("id: ADS-GAMB\n", "id: [1, 2]\n", None),
    ("kind: ads\n", "kind: [ads\n", "ADS-GAMB"),  # does not load at all: its id line still names it
], ids=["version", "id", "yaml"])
def test_a_document_that_does_not_fit_its_schema_has_no_units_at_all(tmp_path: Path, old: str, new: str,
                                                                        named: str | None) -> None:
    src = _load(tmp_path, GAMBLING, DocKind.POLICY, old, new)
    assert source_units(src) is None
    assert named_document(src) == named


def test_a_file_of_a_kind_without_units_has_none(tmp_path: Path) -> None:
    cases = _load(tmp_path, "sops/ad-creative-review.cases.yaml", DocKind.CASES)
    assert source_units(cases) == []
