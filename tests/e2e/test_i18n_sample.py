"""The sample's translations (docs/translations.md): a pt-BR catalog complete for every
document of the Brazil handbook, a partial Indonesian one of the frauds-and-scams policy,
both as gettext's tools and ``guidekit i18n update`` leave them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import SAMPLE
from guidekit.check.engine import run_check
from guidekit.handbook.handbook import handbook_specs, select_handbook
from guidekit.i18n.catalog import read_catalog
from guidekit.loading.config import load_config

pytestmark = pytest.mark.e2e

CATALOGS = sorted((SAMPLE / "translations").glob("*/guidance.po"))


def _gk(root: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "guidekit", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=root)
    assert proc.returncode in ok, (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def _status(root: Path) -> dict[str, dict[str, object]]:
    proc = _gk(root, "i18n", "status", "-f", "json", ok=(1,))  # exit 1: units are missing
    return {str(r["locale"]): r for r in json.loads(proc.stdout)}


def test_the_sample_has_a_pt_br_and_an_indonesian_catalog() -> None:
    assert [p.parent.name for p in CATALOGS] == ["id", "pt-BR"]


def _entries(path: Path) -> dict[str, str]:
    """Each entry as written, but for its ``#:`` line (which moves when a document above it
    does), and the header under the key ``""``."""
    po = polib.pofile(str(path), wrapwidth=78)
    out = {"": repr(sorted(po.metadata.items()))}
    for e in po:
        e.occurrences = []
        out[e.msgctxt or ""] = str(e)
    return out


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_every_sample_catalog_passes_msgfmt_and_is_what_update_writes(path: Path, tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    # outside git, as a clean copy of the sample is: update keeps what each entry records
    # (the stale one's old source and what changed) and changes nothing else
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    _gk(root, "i18n", "update", "--locale", path.parent.name)
    updated = root / "translations" / path.parent.name / "guidance.po"
    before, after = _entries(path), _entries(updated)
    # (units the sample gained since the catalog's last update come in empty; after a change
    # to the sample, run `guidekit i18n update` and translate them)
    assert {k: after[k] for k in before} == before
    assert all('msgstr ""' in after[k] and "fuzzy" not in after[k] for k in after.keys() - before.keys())


def test_pt_br_is_complete_for_every_document_of_the_brazil_handbook() -> None:
    config = load_config(SAMPLE)
    corpus = run_check(config).corpus
    assert corpus is not None
    (spec,) = handbook_specs(config, ("ads-br",))
    hb = select_handbook(corpus, spec)
    brazil = {v.id for v in hb.policies} | {v.id for v in hb.sops} | {"taxonomy"}
    assert {"ADS-ALC", "ADS-GAMB", "SOP-ADS-CREATIVE"} <= brazil
    status = _status(SAMPLE)["pt-BR"]
    documents: dict[str, dict[str, int]] = status["documents"]  # type: ignore[assignment]
    for doc in brazil:
        counts = documents[doc]
        # a new unit in a Brazil document: `guidekit i18n update`, then translate it in the catalog
        assert "missing" not in counts, (doc, counts)
        assert counts["current"] > 0
    # exactly one deliberate stale unit, left behind by a stricter change (GK603 in the sample)
    stale = [e for e in status["entries"] if e["state"] == "stale"]  # type: ignore[union-attr]
    assert [(e["key"], e["impact"]) for e in stale] == [("ADS-GAMB/rules/ADS-GAMB-1.b/text", "stricter")]
    # the documents of the other handbooks are not translated yet
    assert documents["CG-SCAMS"] == {"missing": sum(documents["CG-SCAMS"].values())}


def test_pt_br_translations_are_portuguese_and_keep_ids_numbers_and_links() -> None:
    catalog = read_catalog(SAMPLE / "translations" / "pt-BR" / "guidance.po", "pt-BR")
    done = {k: e for k, e in catalog.entries.items() if e.translation}
    assert done["ADS-ALC/body/definitions/heading"].translation == "Definições"
    assert done["taxonomy/actions/ad_disapprove/title"].translation == "Anúncio reprovado"
    link = done["ADS-FIN/body/guidance-notes/ec466bda20"].translation
    assert "(gambling.md#definitions)" in link and "(../community/frauds-scams.md#definitions)" in link
    # nothing left in English by mistake: a translation equal to its source is a Brazilian
    # example quoted in Portuguese in the source already
    same = [e.source for e in done.values() if e.translation == e.source and len(e.source) > 12]
    assert same and all(not s.isascii() for s in same)


def test_the_indonesian_catalog_is_partial_and_reported_as_configured(tmp_path: Path) -> None:
    """id is not a required locale: its missing units are status, not findings; once a
    handbook needs it (``required``), GK601 reports each document below ``min_translated``."""
    status = _status(SAMPLE)["id"]
    documents: dict[str, dict[str, int]] = status["documents"]  # type: ignore[assignment]
    scams = documents["CG-SCAMS"]
    assert scams["current"] >= 20 and scams["missing"] > 0  # begun, not finished
    assert {d for d, c in documents.items() if c.get("current")} == {"CG-SCAMS"}
    assert [f for f in run_check(load_config(SAMPLE)).findings if f.rule == "GK601"] == []

    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    config = root / "guidekit.yaml"
    config.write_text(config.read_text("utf-8").replace("required: []", "required: [id]\n  min_translated: 50"),
                      "utf-8")
    found = [f for f in run_check(load_config(root)).findings if f.rule == "GK601"]
    paths = {f.span.path for f in found}
    assert "policies/community/frauds-scams.md" in paths and "policies/ads/alcohol.md" in paths
    scam = next(f for f in found if f.span.path == "policies/community/frauds-scams.md")
    assert f"id: {scams['missing']} unit(s) of this document are not translated" in scam.message
    assert all(f.severity.value == "error" for f in found)
    config.write_text(config.read_text("utf-8").replace("min_translated: 50", "min_translated: 2"), "utf-8")
    assert [f for f in run_check(load_config(root)).findings if f.rule == "GK601"] == []
