"""SOPs of the second edition (issue #18): facts a case's context gives, a pending
outcome, an outcome that records two violations, outcomes that depend on the reporter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.loading import load_config
from guidekit.sop.runner import CaseResult, SopRun, run_sop_tests

SAMPLE = Path(__file__).resolve().parents[2] / "guidance"


@pytest.fixture(scope="module")
def bully() -> SopRun:
    run = run_sop_tests(load_config(SAMPLE))
    return next(s for s in run.sops if s.sop.id == "SOP-BULLY")


def _case(run: SopRun, case_id: str) -> CaseResult:
    return next(r for r in run.results if r.case.id == case_id)


def test_every_case_of_the_sample_sop_passes(bully: SopRun) -> None:
    assert [(r.case.id, r.failures) for r in bully.results if not r.passed] == []
    assert bully.coverage.metric("answers").percent == 100


def test_a_two_violation_case_records_both_rules(bully: SopRun) -> None:
    r = _case(bully, "minor-threat")
    assert r.passed and r.resolved is not None
    assert r.resolved.rules == ("CG-BULLY-1.a", "CG-BULLY-2.a")
    # the context gave the target class: the case answers only the question it must
    assert [str(h) for h in r.walk.hops] == ["q-target=minor", "q-threat=yes"]


def test_the_outcome_depends_on_who_reported_it(bully: SopRun) -> None:
    own, other = _case(bully, "self-reported-attack"), _case(bully, "bystander-report")
    assert own.case.content is not None and other.case.content is not None
    assert (own.case.context["reporter"], other.case.context["reporter"]) == ("target", "other")
    assert own.walk.at == "remove-attack"
    assert other.walk.at == "hold-for-target"


def test_a_pending_case_waits_and_enforces_nothing(bully: SopRun) -> None:
    r = _case(bully, "bystander-report")
    assert r.passed and r.walk.outcome is not None and r.walk.outcome.pending
    assert r.walk.outcome.until is not None and "target" in r.walk.outcome.until
    assert r.resolved is not None and r.resolved.actions == ("no_action",)


def test_a_case_with_the_other_reporter_fails_against_the_wrong_expectation(tmp_path: Path) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    cases = root / "sops" / "bullying-triage.cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace(
        "context: {target_class: private, reporter: other}", "context: {target_class: private, reporter: target}"),
        encoding="utf-8")
    run = next(s for s in run_sop_tests(load_config(root)).sops if s.sop.id == "SOP-BULLY")
    r = _case(run, "bystander-report")
    assert not r.passed and r.walk.at == "remove-attack"


def test_a_question_naming_an_undeclared_fact_is_a_finding(tmp_path: Path) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(SAMPLE, root)
    sop = root / "sops" / "bullying-triage.sop.yaml"
    sop.write_text(sop.read_text(encoding="utf-8").replace("fact: reporter", "fact: reported_by"),
                   encoding="utf-8")
    findings = run_check(load_config(root)).findings
    hit = [f for f in findings if f.rule == "GK213" and "unknown fact 'reported_by'" in f.message]
    assert hit and hit[0].span.line == 39 and hit[0].span.col == 13, findings
