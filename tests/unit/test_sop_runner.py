"""The case runner on fixture SOPs: passes, divergences, overrides and coverage."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from guidekit.loading import load_config
from guidekit.sop.runner import CaseResult, SuiteRun, run_sop_tests

DATA = Path(__file__).resolve().parents[1] / "data" / "sop"
EXPECT: dict[str, dict[str, dict[str, Any]]] = YAML(typ="safe").load(
    (DATA / "broken" / "expect.yaml").read_text("utf-8"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA / "repo", root)
    return root


@pytest.fixture
def broken_run(repo: Path) -> SuiteRun:
    for name in ("insults-broken.sop.yaml", "loop.sop.yaml"):
        shutil.copyfile(DATA / "broken" / name, repo / "sops" / name)
    return run_sop_tests(load_config(repo))


def _result(run: SuiteRun, sop_id: str, case_id: str) -> CaseResult:
    return next(r for s in run.sops if s.sop.id == sop_id for r in s.results if r.case.id == case_id)


def test_fixture_repository_passes_with_full_coverage(repo: Path) -> None:
    run = run_sop_tests(load_config(repo))
    assert (run.passed, run.failed, run.problems) == (4, 0, [])
    cov = run.coverage
    assert [(m.name, m.covered, m.total) for m in cov.all()] == [
        ("nodes", 2, 2), ("answers", 4, 4), ("cells", 0, 0), ("outcomes", 3, 3), ("rules", 2, 2)]


def test_cases_from_the_sop_and_its_case_file_both_run(repo: Path) -> None:
    run = run_sop_tests(load_config(repo))
    by_file = {r.case.id: r.case.loc.source.rel for r in run.results}
    assert by_file == {"severe": "sops/insults.sop.yaml", "mild-de": "sops/insults.sop.yaml",
                       "banter": "sops/insults.cases.yaml", "severe-br": "sops/insults.cases.yaml"}


def test_regional_override_replaces_the_rules_base_action(repo: Path) -> None:
    run = run_sop_tests(load_config(repo))
    mild = _result(run, "SOP-INSULT", "mild-de")
    assert mild.resolved is not None
    assert mild.resolved.actions == ("remove",)
    assert [(o.rule, o.base_action, o.action, o.replaced) for o in mild.resolved.overrides] == [
        ("CG-INSULT-1.b", "label", "remove", True)]
    # the same outcome in a market without an override keeps its action
    severe = _result(run, "SOP-INSULT", "severe")
    assert severe.resolved is not None and severe.resolved.actions == ("remove",)


@pytest.mark.parametrize(
    ("sop_id", "case_id"),
    [(s, c) for s, cases in EXPECT.items() for c in cases],
)
def test_broken_case(broken_run: SuiteRun, sop_id: str, case_id: str) -> None:
    want = EXPECT[sop_id][case_id]
    r = _result(broken_run, sop_id, case_id)
    assert r.passed is want.get("passed", False), r.failures
    if "diverged_at" in want:
        assert r.diverged_at == want["diverged_at"]
    if "message" in want:
        assert any(want["message"] in f for f in r.failures), r.failures
    if "notes" in want:
        assert list(r.notes) == want["notes"]


def test_every_broken_case_is_listed(broken_run: SuiteRun) -> None:
    listed = {(s, c) for s, cases in EXPECT.items() for c in cases}
    ran = {(s.sop.id, r.case.id) for s in broken_run.sops for r in s.results
           if s.sop.id in EXPECT}
    assert ran == listed


def test_coverage_lists_what_no_case_reaches(broken_run: SuiteRun) -> None:
    sop = next(s for s in broken_run.sops if s.sop.id == "SOP-INSULT-BROKEN")
    assert [m.what for m in sop.coverage.outcomes.missed] == ["outcome label"]
    assert sop.coverage.outcomes.percent == pytest.approx(200 / 3)
    span = sop.coverage.outcomes.missed[0].loc.span()
    assert (span.path, span.line) == ("sops/insults-broken.sop.yaml", 28)
    assert broken_run.below(90, ["outcomes"]) == ["outcomes"]
    assert broken_run.below(50, ["nodes", "answers", "outcomes"]) == []


def test_paths_select_sops_and_case_files(repo: Path) -> None:
    config = load_config(repo)
    only_file = run_sop_tests(config, [repo / "sops" / "insults.cases.yaml"])
    assert [r.case.id for r in only_file.results] == ["banter", "severe-br"]
    whole_sop = run_sop_tests(config, [repo / "sops" / "insults.sop.yaml"])
    assert len(whole_sop.results) == 4


def test_unreadable_case_file_is_a_problem_not_a_crash(repo: Path) -> None:
    (repo / "sops" / "insults.cases.yaml").write_text("sop: SOP-INSULT\ncases: [\n", "utf-8")
    (repo / "sops" / "orphan.cases.yaml").write_text(
        "sop: SOP-NOPE\ncases:\n  - {id: x, answers: {}, expect: {outcome: keep}}\n", "utf-8")
    run = run_sop_tests(load_config(repo))
    where = sorted((f.span.path, f.span.line) for f in run.problems)
    assert where == [("sops/insults.cases.yaml", 3), ("sops/orphan.cases.yaml", 1)]
    assert "SOP-NOPE" in next(f.message for f in run.problems if "orphan" in f.span.path)
    assert run.passed == 2  # the SOP's own cases still run
