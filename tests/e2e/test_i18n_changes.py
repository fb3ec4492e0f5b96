"""What a change does to the translations, as `guidekit diff` (text, PR Markdown, JSON) and
`guidekit changelog` report it, in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from i18n_repos import PO, POLICY, translate, translated_sample
from i18n_repos import configure as _configure
from i18n_repos import edit as _edit
from i18n_repos import git as _git
from i18n_repos import gk as _gk
from i18n_repos import line_of as _line

from conftest import SAMPLE
from guidekit.schemas import validator_for

pytestmark = pytest.mark.e2e

RULE_TEXT = "ADS-GAMB/rules/ADS-GAMB-1.a/text"
STRICTER = ("    action: ad_disapprove\n    severity: medium\n    requires_context: true\n",
            "    action: account_suspend\n    severity: medium\n    requires_context: true\n")
REWORDED = ("Disapprove ads for real-money sports betting", "Reject ads for real-money sports betting")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return translated_sample(SAMPLE, tmp_path)


def _pt(data: dict[str, object]) -> dict[str, object]:
    (pt,) = [t for t in data["translations"] if t["locale"] == "pt-BR"]  # type: ignore[attr-defined]
    return pt  # type: ignore[no-any-return]


def test_a_stricter_change_lists_its_pt_br_units_as_errors_in_text_markdown_and_json(repo: Path) -> None:
    _edit(repo, *STRICTER)
    _git(repo.parent, "commit", "-qam", "gambling ads: suspend the account")
    data = json.loads(_gk(repo, "diff", "HEAD~1", "HEAD", "-f", "json").stdout)
    validator_for("diff").validate(data)
    pt = _pt(data)
    assert pt["required"] is True and pt["catalog"] == "guidance/" + PO
    units = {u["key"]: u for u in pt["units"]}  # type: ignore[attr-defined]
    text = units[RULE_TEXT]
    assert (text["state"], text["level"], text["impact"]) == ("stale", "error", "stricter")
    assert "account_suspend" in text["note"] and text["location"]["path"] == "guidance/" + POLICY
    assert text["location"]["line"] in (_line(repo, "text: >-"), _line(repo, "text: >-") + 1)
    # every unit of the rule (its examples, its regional overrides) and none of another rule
    assert all("ADS-GAMB-1.a" in k for k in units) and len(units) > 5
    assert pt["summary"]["errors"] == pt["summary"]["stricter"] == len(units)  # type: ignore[index]

    md = _gk(repo, "diff", "HEAD~1", "HEAD", "-f", "markdown").stdout
    assert "#### Translations" in md and "**pt-BR** (required)" in md
    assert f"`{RULE_TEXT}`" in md and "🔴" in md and "to redo before release" in md
    text_report = _gk(repo, "diff", "HEAD~1", "HEAD").stdout
    assert "Translations:" in text_report and "pt-BR (required)" in text_report
    row = next(line for line in text_report.splitlines() if line.strip().endswith(
        "action: ad_disapprove -> account_suspend") and f" {RULE_TEXT} " in line)
    assert row.split()[0] == "error" and f"guidance/{POLICY}:" in row


def test_an_editorial_change_lists_its_unit_as_a_warning(repo: Path) -> None:
    _edit(repo, *REWORDED)  # in the working tree: what a pull request's author sees before committing
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    validator_for("diff").validate(data)
    (unit,) = _pt(data)["units"]  # type: ignore[misc]
    assert (unit["key"], unit["state"], unit["level"], unit["impact"]) == (RULE_TEXT, "stale", "warning", "editorial")
    md = _gk(repo, "diff", "-f", "markdown").stdout
    assert f"⚠️ `{RULE_TEXT}`" in md and "🔴" not in md.split("#### Translations")[1].split("<details>\n<summary><b>")[0]
    assert "warning" in next(line for line in _gk(repo, "diff").stdout.splitlines() if f" {RULE_TEXT} " in line)


def test_a_translation_revised_in_the_same_change_is_not_debt(repo: Path) -> None:
    _edit(repo, *STRICTER)
    po = polib.pofile(str(repo / PO))
    for e in po:
        if e.msgctxt == RULE_TEXT:
            e.msgstr = "[pt-BR, revisado] " + e.msgid
    po.save()
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    units = {u["key"]: u for u in _pt(data)["units"]}  # type: ignore[attr-defined]
    assert (units[RULE_TEXT]["state"], units[RULE_TEXT]["level"]) == ("translated", "info")
    assert units[RULE_TEXT]["location"]["path"] == "guidance/" + PO
    assert sum(1 for u in units.values() if u["level"] == "error") == len(units) - 1


def test_new_and_removed_units_are_listed_and_old_debt_is_not(repo: Path) -> None:
    # a paragraph added is to translate, a translated one removed leaves its entry orphaned;
    # a change to a policy nobody translated adds no debt (its units were missing already)
    _edit(repo, "Fantasy sports with entry fees and cash prizes, prediction markets on events\n"
          "and \"skins\" betting on video games are real-money gambling. Free-to-enter\n"
          "prize draws with no purchase are not.\n",
          "Sweepstakes casinos that sell coins redeemable for prizes are real-money gambling.\n")
    _edit(repo, "title: Alcohol in ads", "title: Alcohol in advertising", "policies/ads/alcohol.md")
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    got = sorted((u["state"], u["level"], u["location"]["path"]) for u in _pt(data)["units"])  # type: ignore[attr-defined]
    assert got == [("missing", "warning", "guidance/" + POLICY), ("orphaned", "warning", "guidance/" + PO)]


def test_without_translations_configured_diff_and_changelog_have_no_translation_section(repo: Path) -> None:
    _configure(repo, None)
    _edit(repo, *STRICTER)
    assert "translations" not in json.loads(_gk(repo, "diff", "-f", "json").stdout)
    assert "Translations" not in _gk(repo, "diff", "-f", "markdown").stdout
    assert "Translations:" not in _gk(repo, "diff").stdout
    _git(repo.parent, "commit", "-qam", "no translations")
    assert "Translations" not in _gk(repo, "changelog", "--since", "HEAD~2").stdout
    assert "translations" not in json.loads(_gk(repo, "changelog", "--since", "HEAD~2", "-f", "json").stdout)


def test_the_changelog_lists_translation_updates_per_locale(repo: Path) -> None:
    po = polib.pofile(str(repo / PO))
    for e in po:
        if e.msgctxt == RULE_TEXT:
            e.msgstr = "[pt-BR, revisado] " + e.msgid
        elif e.msgctxt and e.msgctxt.startswith("ADS-ALC/"):
            e.msgstr = "[pt-BR] " + e.msgid
    po.save()
    alcohol = sum(1 for e in po if e.msgctxt and e.msgctxt.startswith("ADS-ALC/"))
    _git(repo.parent, "commit", "-qam", "pt-BR: the alcohol policy, a better ADS-GAMB-1.a")
    _edit(repo, *REWORDED)
    _git(repo.parent, "commit", "-qam", "gambling ads: reworded")
    md = _gk(repo, "changelog", "--since", "HEAD~2").stdout
    section = md.split("## Translations\n", 1)[1]
    assert section.startswith("\n### pt-BR (required)\n")
    assert f"{alcohol} units translated, 1 revised, in `guidance/{PO}`." in section
    assert "- ADS-ALC: " + str(alcohol) + " translated, 0 revised" in section
    assert "- ADS-GAMB: 0 translated, 1 revised" in section and f"- `{RULE_TEXT}` — revised" in section
    assert ": pt-BR: the alcohol policy, a better ADS-GAMB-1.a" in section
    assert "gambling ads: reworded" not in section  # it did not touch the catalog
    data = json.loads(_gk(repo, "changelog", "--since", "HEAD~2", "-f", "json").stdout)
    (pt,) = data["translations"]
    assert (pt["locale"], pt["translated"], pt["revised"]) == ("pt-BR", alcohol, 1)
    assert [c["subject"] for c in pt["commits"]] == ["pt-BR: the alcohol policy, a better ADS-GAMB-1.a"]
    revised = next(u for u in pt["units"] if u["key"] == RULE_TEXT)
    assert revised["change"] == "revised" and revised["location"]["path"] == f"guidance/{PO}"
    # a range with no catalog change lists the locale with nothing
    assert "## Translations" not in _gk(repo, "changelog", "--since", "HEAD~1").stdout


def test_a_document_that_no_longer_fits_its_schema_has_no_units_and_no_crash(repo: Path) -> None:
    _edit(repo, "id: ADS-GAMB\n", "id: {ads: gambling}\n")
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    # compared as text by the diff; its translations are neither judged against a broken
    # document nor reported as left over
    assert _pt(data)["units"] == []
    _edit(repo, "id: {ads: gambling}\n", "id: ADS-GAMB\n")
    _edit(repo, "rules:\n", "rules: 1\nold_rules:\n")  # a list become a number
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    assert _pt(data)["units"] == []


def test_a_new_unit_is_to_translate_where_the_locale_is_required_or_translates_its_document(repo: Path) -> None:
    _configure(repo, "translations:\n  locales: [pt-BR, id]\n  required: []\n")
    _gk(repo, "i18n", "init", "--locale", "id")
    translate(repo / "translations/id/guidance.po", prefix="ADS-ALC/")
    _git(repo.parent, "add", "-A")
    _git(repo.parent, "commit", "-qm", "id: the alcohol policy")
    for rel in (POLICY, "policies/ads/alcohol.md"):
        path = repo / rel
        path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\nA closing paragraph, new.\n", "utf-8")
    data = json.loads(_gk(repo, "diff", "-f", "json").stdout)
    got = {t["locale"]: [(u["state"], u["document"]) for u in t["units"]] for t in data["translations"]}
    assert got == {"pt-BR": [("missing", "ADS-GAMB")], "id": [("missing", "ADS-ALC")]}


def test_diff_path_narrows_the_translations_as_it_narrows_the_documents(repo: Path) -> None:
    # one change: the gambling policy made stricter, its rule's translation revised, the alcohol
    # policy and a taxonomy title translated, the alcohol policy edited
    _edit(repo, *STRICTER)
    _edit(repo, "title: Alcohol in ads", "title: Alcohol in adverts", rel="policies/ads/alcohol.md")
    po = polib.pofile(str(repo / PO))
    for e in po:
        if e.msgctxt == RULE_TEXT:
            e.msgstr = "[pt-BR, revisado] " + e.msgid
        elif e.msgctxt and e.msgctxt.startswith(("ADS-ALC/", "taxonomy/actions/")):
            e.msgstr = "[pt-BR] " + e.msgid
    po.save()
    _git(repo.parent, "commit", "-qam", "stricter gambling ads; alcohol and actions in pt-BR")

    def listed(*paths: str) -> tuple[set[str], set[str]]:
        args = [a for p in paths for a in ("--path", p)]
        data = json.loads(_gk(repo, "diff", "HEAD~1", "HEAD", "-f", "json", *args, ok=(0, 1)).stdout)
        validator_for("diff").validate(data)
        docs = {d["id"] for d in data["documents"]}
        return docs, {u["key"].split("/", 1)[0] for u in _pt(data)["units"]}  # type: ignore[attr-defined]

    everything = listed()
    assert everything[0] == {"ADS-ALC", "ADS-GAMB"} and everything[1] == {"ADS-ALC", "ADS-GAMB", "taxonomy"}
    # each list holds what lies under the paths, and nothing else
    assert listed("policies/ads/alcohol.md") == ({"ADS-ALC"}, {"ADS-ALC"})
    assert listed("policies/ads/gambling.md") == ({"ADS-GAMB"}, {"ADS-GAMB"})
    assert listed("policies") == ({"ADS-ALC", "ADS-GAMB"}, {"ADS-ALC", "ADS-GAMB"})
    assert listed("taxonomy") == (set(), {"taxonomy"})
    assert listed("policies/ads/alcohol.md", "taxonomy") == ({"ADS-ALC"}, {"ADS-ALC", "taxonomy"})
    # the catalog is a file of the change too: under its folder, every translation it changed
    assert listed("translations") == (set(), {"ADS-ALC", "ADS-GAMB", "taxonomy"})
    assert listed("sops") == (set(), set())
