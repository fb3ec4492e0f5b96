"""SOP table nodes and plural outcomes (issue #18): a tier x target lookup from the
policy's tiers whose coverage counts cells, and a case that records two violations
(two outcomes, expected in any order)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.loading import load_config
from guidekit.schemas import validator_for
from guidekit.sop.runner import CaseResult, SopRun, run_sop_tests

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "guidance"
TABLES = REPO / "tests" / "data" / "sop" / "tables"
SOP_FILE = "sops/bullying-table.sop.yaml"
CASES_FILE = "sops/bullying-table.cases.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The sample guidance (its tiered CG-BULLY) with the table SOP and its cases."""
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    for f in TABLES.iterdir():
        shutil.copyfile(f, root / "sops" / f.name)
    return root


def _run(root: Path) -> SopRun:
    return next(s for s in run_sop_tests(load_config(root)).sops if s.sop.id == "SOP-BULLY-TABLE")


def _case(run: SopRun, case_id: str) -> CaseResult:
    return next(r for r in run.results if r.case.id == case_id)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_table_sop_is_clean_and_its_cases_pass(root: Path) -> None:
    findings = run_check(load_config(root)).findings
    assert [f.rule for f in findings] == ["GK603"]  # the sample's one deliberate finding
    run = _run(root)
    assert [(r.case.id, r.failures) for r in run.results if not r.passed] == []
    r = _case(run, "private-degraded")
    assert r.paths() == ["q-what=degrades -> t-tier=private/t3 => remove-attack"]


def test_table_coverage_counts_cells_and_names_the_one_no_case_reaches(root: Path) -> None:
    cov = _run(root).coverage
    cells = cov.metric("cells")
    assert (cells.covered, cells.total) == (3, 4)
    [missed] = cells.missed
    span = missed.loc.span()
    assert missed.what == "cell t-tier[target_class public, tier t2]"
    assert (span.path, span.line, span.col) == (SOP_FILE, 31, 43)
    # a table's cells are not counted as answers of questions
    assert (cov.metric("answers").covered, cov.metric("answers").total) == (2, 2)


def test_a_case_reaching_the_missing_cell_covers_it(root: Path) -> None:
    with (root / CASES_FILE).open("a", encoding="utf-8") as fh:
        fh.write("  - id: senator-holiday\n    context: {target_class: public, tier: t2}\n"
                 "    answers: {q-what: degrades}\n    expect: {outcome: demote-attack}\n")
    cov = _run(root).coverage
    assert cov.metric("cells").percent == 100 and cov.metric("outcomes").percent == 100


def test_two_violations_reach_two_outcomes_in_any_order(root: Path) -> None:
    r = _case(_run(root), "minor-two-violations")
    assert r.passed, r.failures
    # the tree's order differs from the case's: compared as sets
    assert r.reached == ("remove-attack", "remove-ban-refer")
    assert r.case.expect.outcomes == ("remove-ban-refer", "remove-attack")
    assert set(r.rules) == {"CG-BULLY-1.a", "CG-BULLY-2.a"}
    assert set(r.actions) == {"remove", "account_ban", "refer_law_enforcement"}
    assert len(r.paths()) == 2


def test_a_plural_expectation_missing_an_outcome_fails(root: Path) -> None:
    _edit(root / CASES_FILE, "outcomes: [remove-ban-refer, remove-attack]", "outcomes: [remove-ban-refer]")
    r = _case(_run(root), "minor-two-violations")
    assert r.failures == ("outcomes: expected ['remove-ban-refer'], got ['remove-attack', 'remove-ban-refer']",)


def test_a_missing_cell_and_a_missing_fact_stop_at_the_table(root: Path) -> None:
    _edit(root / CASES_FILE, "context: {target_class: private, tier: t3}", "context: {target_class: private, tier: t1}")
    _edit(root / CASES_FILE, "context: {target_class: public, tier: t1}", "context: {target_class: public}")
    run = _run(root)
    no_cell, no_fact = _case(run, "private-degraded"), _case(run, "mayor-cartoon")
    assert no_cell.diverged_at == "t-tier"
    assert "table node 't-tier' has no cell for target_class 'private', tier 't1'" in no_cell.failures[0]
    assert no_fact.diverged_at == "t-tier"
    assert "looks up fact 'tier'" in no_fact.failures[0]


def test_several_answers_to_a_single_answer_question_fail(root: Path) -> None:
    _edit(root / SOP_FILE, "      multiple: true\n", "")
    r = _case(_run(root), "minor-two-violations")
    assert not r.passed
    assert "node 'q-what' takes one answer; the case gives 2" in r.failures[0]


def test_an_earlier_answer_sets_the_fact_a_table_looks_up(root: Path) -> None:
    """A question with ``fact:`` feeds the table, so the case needs no context for it."""
    _edit(root / SOP_FILE, "  start: q-what\n  nodes:\n", "  start: q-what\n  nodes:\n"
          "    - id: q-tier\n      question: Which tier does the content meet?\n      fact: tier\n"
          "      answers:\n        - {value: t1, next: t-tier}\n        - {value: t3, next: t-tier}\n")
    _edit(root / SOP_FILE, "label: It degrades or mocks the target, next: t-tier",
          "label: It degrades or mocks the target, next: q-tier")
    _edit(root / CASES_FILE, "context: {target_class: private, tier: t3}\n    answers: {q-what: degrades}",
          "context: {target_class: private}\n    answers: {q-what: degrades, q-tier: t3}")
    r = _case(_run(root), "private-degraded")
    assert r.passed, r.failures
    assert r.paths() == ["q-what=degrades -> q-tier=t3 -> t-tier=private/t3 => remove-attack"]


def test_the_json_report_carries_cells_and_outcomes(root: Path, cli) -> None:
    result = cli("test", str(root), "-f", "json")
    data = json.loads(result.stdout)
    assert list(validator_for("test-result").iter_errors(data)) == []
    sop = next(s for s in data["sops"] if s["id"] == "SOP-BULLY-TABLE")
    assert sop["coverage"]["cells"]["missed"][0]["line"] == 31
    case = next(c for c in sop["cases"] if c["id"] == "minor-two-violations")
    assert sorted(case["actual"]["outcomes"]) == sorted(case["expected"]["outcomes"])
    assert [b["reached"] for b in case["branches"]] == ["remove-ban-refer"]


def test_min_coverage_gates_cells(root: Path, cli) -> None:
    sop = str(root / SOP_FILE)
    gated = cli("test", sop, "--root", str(root), "--coverage-of", "cells", "--min-coverage", "100")
    assert gated.exit_code == 1, gated.stdout
    assert "coverage of cells is 75.0%, below --min-coverage 100%" in gated.stdout
    assert "SOP-BULLY-TABLE cell t-tier[target_class public, tier t2]" in gated.stdout
    assert cli("test", sop, "--root", str(root), "--coverage-of", "cells", "--min-coverage", "75").exit_code == 0


def test_a_table_with_a_number_key_and_an_empty_row_is_findings_not_a_traceback(root: Path) -> None:
    _edit(root / SOP_FILE, "          minor: {t4: remove-attack}\n",
          "          minor: {t4: remove-attack}\n          1: {2: remove-attack}\n          x: null\n")
    findings = [f for f in run_check(load_config(root)).findings if f.span.path == SOP_FILE]
    messages = sorted(f.message for f in findings if f.rule == "GK100")
    assert messages == ["expected a mapping, found null null", "expected a string, found a number 1",
                        "expected a string, found a number 2"]
    assert next(f for f in findings if "null" in f.message).span.line == 35
