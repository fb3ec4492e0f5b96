"""Exports of the second edition of the model (issue #18): lesser tiers are not unsafe,
every consequence reaches the DSA row, eval records carry tier and context."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.corpus import Corpus
from guidekit.export import get_exporter
from guidekit.export.policy_text import unsafe_action, unsafe_rule
from guidekit.loading import load_config
from guidekit.schemas import validator_for

SAMPLE = Path(__file__).resolve().parents[2] / "guidance"


@pytest.fixture(scope="module")
def sample() -> Corpus:
    result = run_check(load_config(SAMPLE))
    # the sample's one finding is its deliberately stale pt-BR translation (a warning)
    assert result.corpus is not None and [f.rule for f in result.findings] == ["GK603"]
    return result.corpus


def _files(corpus: Corpus, kind: str) -> dict[str, str]:
    export = get_exporter(kind)(corpus)
    assert not export.failed, export.findings
    return {f.name: f.text for f in export.files}


def test_no_lesser_tier_rule_is_among_llama_guards_unsafe_categories(sample: Corpus) -> None:
    text = _files(sample, "llama-guard")["llama-guard.txt"]
    lesser = [(p, r) for p in sample.policies.values() for r in p.rules if not unsafe_rule(sample, r)]
    # the sample has lesser rules (label, not recommended, demonetise) and lesser tiers
    assert {r.action for _p, r in lesser} >= {"label", "not_recommended", "demonetize"}
    for _p, r in lesser:
        assert f"- {r.title}: " not in text, r.id
    bully = sample.rules["CG-BULLY-1.a"][1]
    lesser_tiers = [t for t in bully.tiers if not unsafe_action(sample, t.action)]
    assert [t.action for t in lesser_tiers] == ["label", "not_recommended"]
    for t in lesser_tiers:
        assert t.when not in text
    assert all(t.when in text for t in bully.tiers if t not in lesser_tiers)


def test_safeguard_lists_lesser_tiers_as_safe_and_the_context_inputs(sample: Corpus) -> None:
    prompt = _files(sample, "safeguard")["CG-BULLY.md"]
    violates, safe = prompt.split("## VIOLATES (1)")[1].split("## SAFE (0)")
    safe = safe.split("## EXAMPLES")[0]
    assert "CG-BULLY-1.a/t3" in violates and "CG-BULLY-1.a/t1" not in violates
    assert "CG-BULLY-1.a/t1" in safe and "Not eligible for recommendation" in safe
    assert "Reported by the target (from the reporter)" in prompt


def test_dsa_row_of_a_remove_ban_report_rule_keeps_every_decision(sample: Corpus) -> None:
    rows = json.loads(_files(sample, "dsa")["dsa.json"])["decisions"]
    row = next(r for r in rows if r["source"] == "rule" and r["id"] == "CG-BULLY-2.a")
    assert row["actions"] == ["remove", "account_ban", "refer_law_enforcement"]
    assert row["decision_visibility"] == "DECISION_VISIBILITY_CONTENT_REMOVED"
    assert row["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert row["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"  # the mandatory referral
    assert row["territorial_scope"] == sorted(m.id for m in sample.taxonomy.markets.values() if m.eu)
    bully = next(r for r in rows if r["source"] == "rule" and r["id"] == "CG-BULLY-1.a")
    assert bully["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"
    assert bully["end_date_service_restriction"] == "P7D"
    assert bully["source_type"] == "SOURCE_ARTICLE_16"  # acts on the target's own report
    assert row["source_type"] == "SOURCE_VOLUNTARY"
    tiers = {r["id"]: r for r in rows if r["source"] == "tier"}
    assert tiers["CG-BULLY-1.a/t2"]["decision_visibility"] == "DECISION_VISIBILITY_CONTENT_DEMOTED"
    # a market-only rule outside the EU has no EU territory
    loans = next(r for r in rows if r["source"] == "rule" and r["id"] == "ADS-LOANS-2.a")
    assert loans["territorial_scope"] == []


def test_eval_records_carry_tier_and_context_and_validate(sample: Corpus) -> None:
    records = [json.loads(line) for line in _files(sample, "eval")["eval.jsonl"].splitlines()]
    validator = validator_for("eval")
    assert [list(validator.iter_errors(r)) for r in records] == [[] for _ in records]
    by_id = {r["id"]: r for r in records}
    # a demoted post is not labelled like a removal
    assert (by_id["CG-BULLY-1.a/v2"]["label"], by_id["CG-BULLY-1.a/v2"]["tier"]) == (0, "not_recommended")
    assert (by_id["CG-BULLY-1.a/v1"]["label"], by_id["CG-BULLY-1.a/v1"]["tier"]) == (1, "remove")
    assert any(r["context"] for r in records), "no record carries a case context"


def test_where_an_exception_applies_exports_take_its_residual_action(sample: Corpus) -> None:
    """Counterspeech covers CG-BULLY-1.a (never CG-BULLY-2.a) and leaves it up but not
    recommended: every export says so, and none applies it to the rule it never covers."""
    rows = json.loads(_files(sample, "dsa")["dsa.json"])["decisions"]
    by_id = {(r["source"], r["id"]): r for r in rows}
    row = by_id[("exception", "CG-BULLY-1.a/counterspeech")]
    assert row["actions"] == ["not_recommended"]
    assert row["decision_visibility"] == "DECISION_VISIBILITY_CONTENT_DEMOTED"
    assert row["decision_account"] is None and row["decision_provision"] is None
    assert row["end_date_service_restriction"] is None  # the rule's P7D suspension is not taken
    assert ("exception", "CG-BULLY-2.a/counterspeech") not in by_id
    records = {r["id"]: r for r in map(json.loads, _files(sample, "eval")["eval.jsonl"].splitlines())}
    a2 = records["CG-BULLY-1.a/a2"]
    assert (a2["label"], a2["tier"], a2["exception"]) == (0, "not_recommended", "counterspeech")
    prompt = _files(sample, "safeguard")["CG-BULLY.md"]
    violates, safe = prompt.split("## VIOLATES (1)")[1].split("## SAFE (0)")
    assert "Counterspeech (applies to CG-BULLY-1.a; never to CG-BULLY-2.a; stays up but Not eligible " \
           "for recommendation: answer 0" in safe
    assert "Counterspeech" not in violates
    lines = _files(sample, "llama-guard")["llama-guard.txt"].splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("- Degrading attacks on identified people"))
    nxt = next(i for i, line in enumerate(lines) if line.startswith("- Threats and sexual harassment of minors"))
    assert any(line.startswith("  - not unsafe: Counterspeech (") for line in lines[at:nxt])
    assert not any("Counterspeech" in line for line in lines[nxt:nxt + 2])
    cope = _files(sample, "cope")["CG-BULLY.txt"]
    assert "- Counterspeech (applies to CG-BULLY-1.a; never to CG-BULLY-2.a; stays up but" in \
        cope.split("#### Excludes")[1]


def test_an_exception_whose_residual_action_restricts_stays_unsafe(tmp_path: Path) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    policy = root / "policies" / "community" / "bullying-tiers.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "residual_action: not_recommended", "residual_action: age_restrict"), encoding="utf-8")
    result = run_check(load_config(root))
    assert result.corpus is not None and [f.rule for f in result.findings] == ["GK603"]
    corpus = result.corpus
    violates, safe = _files(corpus, "safeguard")["CG-BULLY.md"].split("## VIOLATES (1)")[1].split("## SAFE (0)")
    assert "- CG-BULLY-1.a under the exception Counterspeech (applies to CG-BULLY-1.a; never to " \
           "CG-BULLY-2.a; still Age-restrict (18+))" in violates
    assert "Counterspeech" not in safe.split("## EXAMPLES")[0]
    assert "not unsafe: Counterspeech (" not in _files(corpus, "llama-guard")["llama-guard.txt"]
    includes, excludes = _files(corpus, "cope")["CG-BULLY.txt"].split("#### Includes")[1].split("#### Excludes")
    assert "Counterspeech" in includes and "Counterspeech" not in excludes
    records = {r["id"]: r for r in map(json.loads, _files(corpus, "eval")["eval.jsonl"].splitlines())}
    assert (records["CG-BULLY-1.a/a2"]["label"], records["CG-BULLY-1.a/a2"]["tier"]) == (1, "age_restrict")
    row = next(r for r in json.loads(_files(corpus, "dsa")["dsa.json"])["decisions"]
               if r["id"] == "CG-BULLY-1.a/counterspeech")
    assert row["decision_visibility"] == "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"
