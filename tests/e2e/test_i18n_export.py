"""`guidekit export KIND --locale L` in real git repositories: refused while a unit it needs is
untranslated or outdated by an enforcement change, written in the translation otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from i18n_repos import PO, POLICY, configure, edit, git, gk, line_of, translate, translated_sample

from conftest import SAMPLE
from guidekit.schemas import validator_for

pytestmark = pytest.mark.e2e

RULE_TEXT = "ADS-GAMB/rules/ADS-GAMB-1.a/text"
EXAMPLE = "ADS-GAMB/rules/ADS-GAMB-1.a/examples/violating/v1/text"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The sample with every unit translated to pt-BR, committed; pt-BR not required by the
    configuration (check passes on an outdated translation: only the export refuses it)."""
    root = translated_sample(SAMPLE, tmp_path)
    translate(root / PO, prefix="")
    configure(root, "translations:\n  locales: [pt-BR]\n")
    git(root.parent, "commit", "-qam", "pt-BR: every unit")
    return root


def test_an_export_with_untranslated_units_is_refused_naming_them(tmp_path: Path) -> None:
    root = translated_sample(SAMPLE, tmp_path)  # only ADS-GAMB is translated
    out = tmp_path / "eval.jsonl"
    proc = gk(root, "export", "eval", "--locale", "pt-BR", "-o", str(out), ok=(1,))
    assert not out.exists()
    assert "guidekit: not exported: eval in pt-BR has errors" in proc.stderr
    line = next(x for x in proc.stderr.splitlines() if "ADS-ALC-1.a/examples/violating/v1/text" in x)
    assert line.startswith("policies/ads/alcohol.md:") and " error GK508 " in line and "not translated" in line
    where = int(line.split(":")[1])
    assert "craft beer" in (root / "policies/ads/alcohol.md").read_text("utf-8").split("\n")[where - 1]
    assert "ADS-GAMB/" not in proc.stderr  # translated: nothing to say


def test_an_enforcement_change_under_a_translation_refuses_the_export(repo: Path, tmp_path: Path) -> None:
    edit(repo, "    action: ad_disapprove\n    severity: medium\n    requires_context: true\n",
         "    action: account_suspend\n    severity: medium\n    requires_context: true\n")
    proc = gk(repo, "export", "safeguard", "--locale", "pt-BR", "-o", str(tmp_path / "sg"), ok=(1,))
    line = next(x for x in proc.stderr.splitlines() if f" {RULE_TEXT} " in x)
    assert " error GK509 " in line and "stricter" in line and "account_suspend" in line
    assert line.split(":")[0] == POLICY and int(line.split(":")[1]) in (line_of(repo, "text: >-"),
                                                                         line_of(repo, "text: >-") + 1)
    assert "GK508" not in proc.stderr and "GK602" not in proc.stderr and not (tmp_path / "sg").exists()
    # in the source language nothing is refused
    gk(repo, "export", "safeguard", "-o", str(tmp_path / "en"))


def test_the_eval_set_in_a_translation_records_each_record_language(repo: Path, tmp_path: Path) -> None:
    # one example reworded since it was translated: exported in English, with a warning
    edit(repo, "A sportsbook ad offering 'bet 10, get 30 in free bets'", "A sportsbook ad that offers 'bet 10, "
         "get 30 in free bets'")
    out = tmp_path / "eval.jsonl"
    proc = gk(repo, "export", "eval", "--locale", "pt-BR", "-o", str(out))
    assert f"warning GK509 pt-BR translation of {EXAMPLE} is out of date" in proc.stderr
    records = {r["id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    validator = validator_for("eval")
    for r in records.values():
        validator.validate(r)
    stale = records["ADS-GAMB-1.a/v1"]
    assert stale["language"] == "en" and stale["content"].startswith("A sportsbook ad that offers")
    current = records["ADS-GAMB-1.a/v2"]
    assert current["language"] == "pt-BR" and current["content"].startswith("[pt-BR] ")
    cases = [r for r in records.values() if r["id"].startswith("SOP-")]
    assert cases and all(r["language"] == "en" for r in cases)  # case content is never translated
    # without --locale: the source language everywhere
    english = [json.loads(x) for x in gk(repo, "export", "eval").stdout.splitlines()]
    assert {r["language"] for r in english} == {"en"}


def test_a_prompt_in_a_translation_uses_the_translated_rules(repo: Path, tmp_path: Path) -> None:
    gk(repo, "export", "cope", "--locale", "pt-BR", "-o", str(tmp_path / "cope"))
    text = (tmp_path / "cope" / "ADS-GAMB.txt").read_text("utf-8")
    assert "[pt-BR] Disapprove ads for real-money sports betting" in text and "{content}" in text


def test_locale_usage_errors(repo: Path) -> None:
    assert "has no text to translate" in gk(repo, "export", "dsa", "--locale", "pt-BR", "-o", str(repo / "x"),
                                           ok=(2,)).stderr
    assert "lists no such translation" in gk(repo, "export", "eval", "--locale", "de", ok=(2,)).stderr
