"""Exporters on the sample guidance and on small fixtures: content, schemas, findings."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.corpus import Corpus
from guidekit.export import get_exporter
from guidekit.export.base import estimate_tokens, sections
from guidekit.export.eval_set import split_for
from guidekit.export.policy_text import unsafe_rule
from guidekit.export.safeguard import TOKEN_BUDGET
from guidekit.loading import load_config
from guidekit.schemas import validator_for

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "guidance"
FIXTURE = REPO / "tests" / "data" / "sop" / "repo"

# The EU DSA Transparency Database enums (app/Models/Statement.php), written out
# here independently of guidekit's own table so the test can catch a typo there.
DSA = {
    "category": {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE", "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE",
    },
    "decision_visibility": {
        "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_OTHER",
    },
    "decision_monetary": {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION",
                          "DECISION_MONETARY_OTHER"},
    "decision_provision": {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
                           "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"},
    "decision_account": {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"},
    "decision_ground": {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"},
}


def _corpus(root: Path) -> Corpus:
    result = run_check(load_config(root))
    assert result.corpus is not None
    return result.corpus


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return _corpus(SAMPLE)


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


def _file(corpus: Corpus, kind: str, name: str) -> str:
    export = get_exporter(kind)(corpus)
    return next(f.text for f in export.files if f.name == name)


# --- bundle -----------------------------------------------------------------


def test_bundle_validates_and_resolves_overrides_per_market(sample: Corpus) -> None:
    bundle = json.loads(_file(sample, "bundle", "bundle.json"))
    assert list(validator_for("bundle").iter_errors(bundle)) == []
    assert {p["id"] for p in bundle["policies"]} == set(sample.policies)
    fin = next(p for p in bundle["policies"] if p["id"] == "ADS-FIN")
    crypto = next(r for r in fin["rules"] if r["id"] == "ADS-FIN-2.a")
    assert crypto["action"] == "ad_restrict"
    assert {m: v["action"] for m, v in crypto["markets"].items()} == {
        "BR": "ad_disapprove", "GB": "ad_disapprove"}
    sop = next(s for s in bundle["sops"] if s["id"] == "SOP-ADS-CREATIVE")
    outcome = next(o for o in sop["outcomes"] if o["id"] == "restrict-crypto")
    assert outcome["markets"]["BR"] == {"actions": ["ad_disapprove"]}
    assert outcome["rules"] == [{"id": "ADS-FIN-2.a", "policy": "ADS-FIN"}]
    assert len(sop["cases"]) == len(sample.cases_for(sample.sops["SOP-ADS-CREATIVE"]))


# --- eval -------------------------------------------------------------------


def test_eval_lines_validate_and_cover_examples_and_cases(sample: Corpus) -> None:
    text = _file(sample, "eval", "eval.jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    validator = validator_for("eval")
    for r in records:
        assert list(validator.iter_errors(r)) == [], r
    ids = [r["id"] for r in records]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {"ADS-FIN-1.a/v1", "SOP-ADS-CREATIVE/guaranteed-returns"} <= set(ids)
    case = next(r for r in records if r["id"] == "SOP-ADS-CREATIVE/guaranteed-returns")
    assert (case["label"], case["policy_id"], case["rule_id"]) == (1, "ADS-FIN", "ADS-FIN-1.a")
    assert {r["split"] for r in records} == {"train", "test"}
    assert {r["label"] for r in records} == {0, 1}


def test_eval_split_is_deterministic_and_about_a_fifth() -> None:
    ids = [f"RULE-{i}.a/v1" for i in range(2000)]
    splits = [split_for(i) for i in ids]
    assert splits == [split_for(i) for i in ids]
    share = splits.count("test") / len(splits)
    assert 0.17 < share < 0.23


def test_eval_records_of_one_case_share_a_split(fixture_root: Path) -> None:
    records = [json.loads(x) for x in
               _file(_corpus(fixture_root), "eval", "eval.jsonl").splitlines()]
    # the fixture SOP's allowed case is negative for its one policy
    banter = next(r for r in records if r["id"] == "SOP-INSULT/banter")
    assert (banter["label"], banter["policy_id"], banter["rule_id"]) == (0, "CG-INSULT", None)
    by_group: dict[str, set[str]] = {}
    for r in records:
        by_group.setdefault(r["id"].split("@")[0], set()).add(r["split"])
    assert all(len(s) == 1 for s in by_group.values())


# --- dsa --------------------------------------------------------------------


def test_dsa_export_holds_only_dsa_enum_values(sample: Corpus) -> None:
    data = json.loads(_file(sample, "dsa", "dsa.json"))
    rows = data["decisions"]
    assert rows and data["actions"]
    for row in [*rows, *data["actions"]]:
        for field, allowed in DSA.items():
            value = row.get(field)
            if value is not None:
                assert value in allowed, (row["id"], field, value)
    for row in rows:
        assert all(c in DSA["category"] for c in row["category_addition"])
        if row["restriction"]:
            # an outcome that names no rule takes its category from the rule the reviewer records
            assert row["category"] or not row["ground_reference"], row
            assert row["decision_ground"], row
            assert any(row[f] for f in ("decision_visibility", "decision_monetary",
                                        "decision_provision", "decision_account")), row
    table = list(csv.DictReader(io.StringIO(_file(sample, "dsa", "dsa.csv"))))
    assert len(table) == len(rows)
    for row in table:
        for field, allowed in DSA.items():
            assert row[field] == "" or row[field] in allowed
    kinds = {r["source"] for r in rows}
    assert kinds == {"rule", "tier", "exception", "override", "outcome"}


def test_dsa_mandatory_referral_is_illegal_content(sample: Corpus) -> None:
    rows = json.loads(_file(sample, "dsa", "dsa.json"))["decisions"]
    minor = next(r for r in rows if r["id"] == "CG-MINOR-1.a" and r["source"] == "rule")
    assert minor["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert minor["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    fin = next(r for r in rows if r["id"] == "ADS-FIN-1.a" and r["source"] == "rule")
    assert fin["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"


def test_unmapped_action_is_an_error(fixture_root: Path) -> None:
    actions = fixture_root / "taxonomy" / "actions.yaml"
    actions.write_text(actions.read_text("utf-8").replace(
        ", dsa: {decision_visibility: DECISION_VISIBILITY_CONTENT_LABELLED}", ""), "utf-8")
    export = get_exporter("dsa")(_corpus(fixture_root))
    assert export.failed
    [f] = export.findings
    assert (f.rule, f.span.path, f.span.line) == ("GK503", "taxonomy/actions.yaml", 4)
    assert "action 'label'" in f.message


def test_rule_without_category_is_an_error(fixture_root: Path) -> None:
    policy = fixture_root / "policies" / "insults.md"
    policy.write_text(policy.read_text("utf-8").replace("categories: [harassment]\n", ""), "utf-8")
    export = get_exporter("dsa")(_corpus(fixture_root))
    assert {(f.rule, f.span.line) for f in export.findings} == {("GK504", 12), ("GK504", 23)}


# --- llama guard --------------------------------------------------------------


def test_llama_guard_uses_pinned_codes(sample: Corpus) -> None:
    text = _file(sample, "llama-guard", "llama-guard.txt")
    lines = text.splitlines()
    assert lines[0] == "BEGIN UNSAFE CONTENT CATEGORIES"
    assert lines[-1] == "END UNSAFE CONTENT CATEGORIES"
    codes = re.findall(r"^(S\d+): (.+)\.$", text, re.MULTILINE)
    expected = sorted((p.codes["llama_guard"], p.title) for p in sample.policies.values()
                      if p.status.value == "active")
    assert sorted(codes) == expected
    numbers = [int(c[1:]) for c, _ in codes]
    assert numbers == sorted(numbers)


def test_policy_without_pinned_code_is_an_error_not_a_renumbering(fixture_root: Path) -> None:
    src = (fixture_root / "policies" / "insults.md").read_text("utf-8")
    (fixture_root / "policies" / "threats.md").write_text(
        src.replace("CG-INSULT", "CG-THREAT").replace("codes: {llama_guard: S1}\n", ""), "utf-8")
    export = get_exporter("llama-guard")(_corpus(fixture_root))
    assert export.failed
    [f] = export.findings
    assert (f.rule, f.span.path, f.span.line) == ("GK501", "policies/threats.md", 2)
    assert f.fix is not None and "S2" in f.fix


def test_duplicate_code_is_an_error(fixture_root: Path) -> None:
    src = (fixture_root / "policies" / "insults.md").read_text("utf-8")
    (fixture_root / "policies" / "threats.md").write_text(src.replace("CG-INSULT", "CG-THREAT"),
                                                          "utf-8")
    export = get_exporter("llama-guard")(_corpus(fixture_root))
    assert [(f.rule, f.span.path) for f in export.findings] == [("GK502", "policies/threats.md")]


# --- safeguard and cope --------------------------------------------------------


SAFEGUARD_SECTIONS = ["instructions", "definitions", "violates (1)", "safe (0)", "examples",
                      "ambiguity & escalation"]


def test_safeguard_prompt_structure(sample: Corpus) -> None:
    export = get_exporter("safeguard")(sample)
    index = json.loads(next(f.text for f in export.files if f.name == "index.json"))
    assert [p["policy_id"] for p in index["prompts"]] == sorted(
        p.id for p in sample.policies.values() if p.status.value == "active")
    for entry in index["prompts"]:
        prompt = next(f.text for f in export.files if f.name == entry["file"])
        assert list(sections(prompt)) == SAFEGUARD_SECTIONS
        assert entry["tokens"] == estimate_tokens(prompt)
        answers = re.findall(r"^Answer: (.+)$", prompt, re.MULTILINE)
        assert 4 <= len(answers) <= 6
        labels = {json.loads(a)["violation"] for a in answers}
        assert labels == {0, 1}
        body = sections(prompt)
        assert '"rule_ids"' in body["instructions"]
        policy = sample.policies[entry["policy_id"]]
        # a rule whose action is a lesser tier (label, not recommended) is SAFE with a note
        assert all(r.id in body["violates (1)" if unsafe_rule(sample, r) else "safe (0)"] for r in policy.rules)
    over = {p["policy_id"] for p in index["prompts"] if p["tokens"] > TOKEN_BUDGET}
    warned = {f.message.split()[3] for f in export.findings if f.rule == "GK506"}
    assert warned == over


def test_short_policy_prompt_has_no_warning(fixture_root: Path) -> None:
    export = get_exporter("safeguard")(_corpus(fixture_root))
    assert export.findings == ()  # two rules, each with both labels: four examples
    index = json.loads(next(f.text for f in export.files if f.name == "index.json"))
    assert index["prompts"][0]["tokens"] <= TOKEN_BUDGET


def test_cope_policy_text_structure(sample: Corpus) -> None:
    export = get_exporter("cope")(sample)
    for f in export.files:
        heads = re.findall(r"^([A-Z]+)\n=+$", f.text, re.MULTILINE)
        assert heads == ["INSTRUCTIONS", "POLICY", "CONTENT", "ANSWER"], f.name
        assert list(sections(f.text)) == ["overview", "definition of terms",
                                          "interpretation of language", "definition of labels"]
        assert "{content}" in f.text and "**" not in f.text


def test_sections_ignore_headings_in_code_fences() -> None:
    body = "## A\none\n```\n## not a heading\n```\n## B\ntwo\n"
    assert sections(body) == {"a": "one\n```\n## not a heading\n```", "b": "two"}
