"""Translated guidance in real git repositories: catalogs guidekit writes, staleness by the
impact of what changed (one test per case), and catalogs as gettext's tools and Poedit leave them."""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from i18n_repos import PO, POLICY, translate, translated_sample
from i18n_repos import edit as _edit
from i18n_repos import git as _git
from i18n_repos import gk as _gk
from i18n_repos import line_of as _line

from conftest import SAMPLE

pytestmark = pytest.mark.e2e

RULE_TEXT = "ADS-GAMB/rules/ADS-GAMB-1.a/text"
ALCOHOL = "policies/ads/alcohol.md"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    # the sample's own catalog aside: each test starts from a fresh one, pt-BR required
    return translated_sample(SAMPLE, tmp_path)


def _findings(root: Path) -> list[dict[str, object]]:
    proc = _gk(root, "check", "-f", "json", "--no-cache", ok=(0, 1))
    data = json.loads(proc.stdout)
    return [f for f in data["findings"] if str(f["rule"]).startswith("GK6")]


def test_a_fresh_translation_is_current(repo: Path) -> None:
    assert _findings(repo) == []
    status = json.loads(_gk(repo, "i18n", "status", "-f", "json", ok=(1,)).stdout)
    (pt,) = status
    assert pt["stale"] == 0 and pt["orphaned"] == 0 and pt["translated"] > 20


def test_a_stricter_change_makes_the_translation_an_error_at_the_rule(repo: Path) -> None:
    _edit(repo, "    action: ad_disapprove\n    severity: medium\n    requires_context: true\n",
          "    action: account_suspend\n    severity: medium\n    requires_context: true\n")
    found = [f for f in _findings(repo) if f["rule"] == "GK602"]
    text_line = _line(repo, "text: >-")  # the first rule's text
    hit = next(f for f in found if RULE_TEXT in str(f["message"]))
    assert hit["severity"] == "error" and hit["path"].endswith(POLICY)  # type: ignore[union-attr]
    assert hit["line"] == text_line + 1 or hit["line"] == text_line
    assert "stricter" in str(hit["message"]) and "account_suspend" in str(hit["message"])
    # the change lands; update marks the translation fuzzy with what changed, and gettext's
    # own checker accepts the catalog
    _git(repo.parent, "commit", "-qam", "gambling ads: suspend the account")
    _gk(repo, "i18n", "update", "--locale", "pt-BR")
    entry = next(e for e in polib.pofile(str(repo / PO)) if e.msgctxt == RULE_TEXT)
    assert "fuzzy" in entry.flags and "guidekit: stale (stricter)" in entry.comment
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(repo / PO)], check=True)
    # still an error after update (the translator has not confirmed it yet) ...
    assert any(RULE_TEXT in str(f["message"]) for f in _findings(repo) if f["rule"] == "GK602")
    # ... and current once the translator clears the fuzzy flag, as Poedit does
    po = polib.pofile(str(repo / PO))
    for e in po:
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
            e.previous_msgid = None
            e.previous_msgctxt = None
    po.save()
    assert not [f for f in _findings(repo) if f["rule"] in ("GK602", "GK603")]


def test_the_reverse_change_is_looser(repo: Path) -> None:
    _edit(repo, "    action: ad_disapprove\n    severity: medium\n    requires_context: true\n",
          "    action: ad_restrict\n    severity: medium\n    requires_context: true\n")
    hit = next(f for f in _findings(repo) if RULE_TEXT in str(f["message"]))
    assert hit["rule"] == "GK602" and "looser" in str(hit["message"])


def test_a_reflow_of_the_text_makes_no_finding(repo: Path) -> None:
    _edit(repo, "      Disapprove ads for real-money sports betting, casino games, poker,\n      bingo and",
          "      Disapprove ads for real-money sports betting,\n      casino games, poker, bingo and")
    assert _findings(repo) == []


def test_a_reworded_text_is_a_warning(repo: Path) -> None:
    _edit(repo, "Disapprove ads for real-money sports betting", "Disapprove ads for sports betting for money")
    found = _findings(repo)
    assert [f["rule"] for f in found] == ["GK603"]
    assert found[0]["severity"] == "warning" and RULE_TEXT in str(found[0]["message"])
    assert "reworded" in str(found[0]["message"])


def test_a_moved_paragraph_keeps_its_translation(repo: Path) -> None:
    path = repo / POLICY
    text = path.read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith(("#", "-", "|", "*"))]
    assert len(paragraphs) >= 2
    first, second = paragraphs[0], paragraphs[1]
    swapped = body.replace(first, "\0").replace(second, first).replace("\0", second)
    path.write_text(text.split("\n---\n", 1)[0] + "\n---\n" + swapped, "utf-8")
    assert _findings(repo) == []


def test_a_renamed_rule_keeps_its_translations(repo: Path) -> None:
    # the id changes everywhere it is written: the policy (its overrides too), SOPs, case files
    for path in [*repo.rglob("*.yaml"), *repo.rglob("*.md")]:
        text = path.read_text("utf-8")
        if "ADS-GAMB-1.a" in text:
            path.write_text(text.replace("ADS-GAMB-1.a", "ADS-GAMB-1.z"), "utf-8")
    found = _findings(repo)
    assert not [f for f in found if f["rule"] in ("GK605", "GK603", "GK602")], found
    _gk(repo, "i18n", "update", "--locale", "pt-BR")
    keys = {e.msgctxt: e.msgstr for e in polib.pofile(str(repo / PO))}
    assert keys["ADS-GAMB/rules/ADS-GAMB-1.z/text"].startswith("[pt-BR] ")


def test_a_deleted_unit_reports_its_catalog_entry(repo: Path) -> None:
    path = repo / POLICY
    text = path.read_text("utf-8")
    start = text.index("        - id: v2\n")
    end = text.index("\n      allowed:", start)
    path.write_text(text[:start] + text[end + 1:], "utf-8")
    found = [f for f in _findings(repo) if f["rule"] == "GK605"]
    assert found and all(str(f["path"]).endswith(PO) for f in found)
    key = "ADS-GAMB/rules/ADS-GAMB-1.a/examples/violating/v2/text"
    entry = next(e for e in polib.pofile(str(repo / PO)) if e.msgctxt == key)
    assert any(f["line"] == entry.linenum for f in found)


def test_catalogs_pass_msgfmt_and_round_trip_through_polib(repo: Path) -> None:
    path = repo / PO
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
    text = path.read_text("utf-8")
    assert str(polib.pofile(str(path))) == text  # loaded and written by polib: the same bytes
    _gk(repo, "i18n", "update", "--locale", "pt-BR")  # dates the catalog to this commit
    dated = path.read_text("utf-8")
    _gk(repo, "i18n", "update", "--locale", "pt-BR")
    assert path.read_text("utf-8") == dated  # an update with nothing changed changes nothing
    text = dated
    # Poedit's way: entries in another order, lines wrapped differently; read back without loss
    po = polib.pofile(str(path), wrapwidth=0)
    before = {e.msgctxt: (e.msgid, e.msgstr) for e in po}
    po.sort(key=lambda e: (e.msgctxt or "")[::-1])
    po.wrapwidth = 40
    po.save()
    from guidekit.i18n.catalog import read_catalog

    after = read_catalog(path, "pt-BR")
    assert {k: (e.source, e.translation) for k, e in after.entries.items()} == before
    assert _findings(repo) == []


# which plural form gettext picks for n = 0, 1, 2, 3, 5, 11, 21, 22, 25, 100 in each language
PLURAL_FORMS = {
    "id": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ja": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "zh-Hans": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "de": [1, 0, 1, 1, 1, 1, 1, 1, 1, 1],
    "pt-BR": [0, 0, 2, 2, 2, 2, 2, 2, 2, 2],  # 0 and 1 share the singular, as in (n > 1)
    "ru": [2, 0, 1, 1, 2, 2, 0, 1, 2, 2],
    "pl": [2, 0, 1, 1, 2, 2, 2, 1, 2, 2],
    "ar": [0, 1, 2, 3, 3, 4, 4, 4, 4, 5],
    "es-419": [2, 0, 2, 2, 2, 2, 2, 2, 2, 2],  # a region Babel has no table for: its language's
}


def test_each_catalog_carries_its_language_s_plural_rule_and_passes_msgfmt(tmp_path: Path) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    shutil.rmtree(root / "translations")
    _gk(root, "i18n", "init", *(a for loc in [*PLURAL_FORMS, "qaa"] for a in ("--locale", loc)))
    for loc, forms in PLURAL_FORMS.items():
        po, mo = root / "translations" / loc / "guidance.po", tmp_path / f"{loc}.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
        with mo.open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)  # gettext's reading of the header msgfmt compiled
        picked = [compiled.plural(n) for n in (0, 1, 2, 3, 5, 11, 21, 22, 25, 100)]  # type: ignore[attr-defined]
        assert picked == forms, loc
    # a private-use language: no rule at all rather than a wrong one, and msgfmt still accepts it
    qaa = root / "translations" / "qaa" / "guidance.po"
    assert "Plural-Forms" not in polib.pofile(str(qaa)).metadata
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(qaa)], check=True)


def test_lost_ids_numbers_and_links_are_reported(repo: Path) -> None:
    po = polib.pofile(str(repo / PO))
    entry = next(e for e in po if e.msgctxt == RULE_TEXT)
    entry.msgstr = "Reprove anúncios de apostas."  # drops "18" and "18+"
    po.save()
    found = [f for f in _findings(repo) if f["rule"] == "GK604"]
    assert found and "number 18" in str(found[0]["message"])


def test_a_document_that_does_not_fit_its_schema_keeps_its_translations(repo: Path) -> None:
    po = (repo / PO).read_bytes()
    _edit(repo, "version: 3\n", "version: three\n")  # the schema wants a number
    # check reports the document (GK100) and judges none of its translations: none is
    # left over, none stale against what is left of it
    proc = _gk(repo, "check", "-f", "json", "--no-cache", ok=(1,))
    rules = {str(f["rule"]) for f in json.loads(proc.stdout)["findings"]}
    assert "GK100" in rules and not {r for r in rules if r.startswith("GK6")}
    # update would take its translations for leftovers: it refuses and writes nothing
    refused = _gk(repo, "i18n", "update", "--locale", "pt-BR", ok=(2,))
    assert f"{POLICY} do(es) not load or fit the schema" in refused.stderr
    assert (repo / PO).read_bytes() == po
    _edit(repo, "version: three\n", "version: 3\n")
    _gk(repo, "i18n", "update", "--locale", "pt-BR")
    assert _findings(repo) == []


def _check(root: Path, *cache: str) -> tuple[list[dict[str, object]], str]:
    """Every finding of ``check`` (JSON) and its text report (without the time it took), with
    these cache options."""
    options = list(cache) or ["--no-cache"]
    found = json.loads(_gk(root, "check", "-f", "json", *options, ok=(0, 1)).stdout)["findings"]
    return found, re.sub(r" in [0-9.]+s\)", ")", _gk(root, "check", *options, ok=(0, 1)).stdout)


def test_a_policy_whose_front_matter_does_not_parse_leaves_its_translations_unjudged(repo: Path,
                                                                                      tmp_path: Path) -> None:
    # findings before the break: a stricter change in ADS-GAMB (GK602, its file) and a reworded
    # rule of ADS-ALC, translated too (GK603, another file)
    translate(repo / PO, "ADS-ALC/")
    _git(repo.parent, "commit", "-qam", "pt-BR translation of ADS-ALC")
    _edit(repo, "    action: ad_disapprove\n    severity: medium\n    requires_context: true\n",
          "    action: account_suspend\n    severity: medium\n    requires_context: true\n")
    _edit(repo, "Alcohol ads run as restricted ads", "Alcohol ads only run as restricted ads", rel=ALCOHOL)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    before, before_text = _check(repo)
    assert {(f["rule"], f["path"]) for f in before} == {("GK602", f"guidance/{POLICY}"),
                                                       ("GK603", f"guidance/{ALCOHOL}")}
    assert _check(repo, *cache) == (before, before_text)  # the cache, warm from here on

    # the front matter no longer parses: the file names no document, so its entries are known
    # by their #: references; the parse error is its one finding, none of its entries is left
    # over (GK605), stale or missing, and the other files' translations are judged as before
    _edit(repo, "title: Gambling and betting in ads\n", "title: [Gambling and betting in ads\n")
    for options in ([], cache, cache):  # without a cache, then cold and warm for this state
        broken, text = _check(repo, *options)
        assert [(f["rule"], f["line"]) for f in broken if f["path"] == f"guidance/{POLICY}"] == [("GK001", 5)]
        assert [f for f in broken if str(f["rule"]).startswith("GK6")] == \
            [f for f in before if f["path"] != f"guidance/{POLICY}"]
        assert "GK001" in text and "GK605" not in text and "GK6" in text
    # status says the same: no entry of the file left over, and why its units are not counted
    status = _gk(repo, "i18n", "status", "-f", "json", ok=(1,))
    (pt,) = json.loads(status.stdout)
    assert pt["orphaned"] == 0 and "(gone)" not in pt["documents"]
    assert f"{POLICY} do(es) not load or fit the schema" in status.stderr

    # fixed: judged as before, the cached run too (it keeps no answer of the broken file)
    _edit(repo, "title: [Gambling and betting in ads\n", "title: Gambling and betting in ads\n")
    assert _check(repo, *cache) == (before, before_text)
    assert _check(repo) == (before, before_text)
