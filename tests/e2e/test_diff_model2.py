"""guidekit diff on real git repositories: the second edition of the model (issue #18).

Each case is one field and one direction: the edit is committed on top of the
fixture (tests/data/diff/repo plus tests/data/diff/model2) and diffed; its
reverse starts from the edited state and undoes it, and must read the other way.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from conftest import DATA, GitRepo
from guidekit.diff import Impact, diff_revisions

BULLY = "policies/community/bullying.md"
LOANS = "policies/ads/loans.md"
LADDERS = "taxonomy/ladders.yaml"
GATES = "taxonomy/age_gates.yaml"
TABLE = "sops/bully-table.sop.yaml"
STRICT, LOOSE, BREAK, META = Impact.STRICTER, Impact.LOOSER, Impact.BREAKING, Impact.METADATA
_REVERSE = {STRICT: LOOSE, LOOSE: STRICT, META: META}


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    shutil.copytree(DATA / "diff" / "repo", git_repo.path, dirs_exist_ok=True)
    shutil.copytree(DATA / "diff" / "model2", git_repo.path, dirs_exist_ok=True)
    git_repo.commit("baseline")
    return git_repo


@dataclass
class Case:
    name: str
    path: str
    old: str
    new: str
    doc: str
    item: str  # rule or taxonomy item id
    field: str  # the field change to look at
    impact: Impact
    reverse: Impact | None = None  # the impact of undoing it (default: the opposite)


CASES = [
    # the three real cases of the issue
    Case("target class added (protections widened)", BULLY, "targets: [private_adult]",
         "targets: [private_adult, public_figure, involuntary_public_figure]",
         "CG-BULLY", "CG-BULLY-1", "targets", STRICT),
    Case("context requirement removed (the target no longer has to report it)", BULLY,
         "    requires_context: [self_report]\n    conditions:", "    conditions:",
         "CG-BULLY", "CG-BULLY-1", "requires_context", STRICT),
    Case("APR cap tightened on a <= cap", LOANS, "value: 36, unit: percent", "value: 30, unit: percent",
         "ADS-LOANS", "ADS-LOANS-1", "parameters.apr_cap.value", STRICT),
    # one per new field
    Case("first-edition boolean requires_context dropped", BULLY, "requires_context: [self_report]",
         "requires_context: true", "CG-BULLY", "CG-BULLY-1", "requires_context", META),
    Case("minimum term raised on a >= minimum", LOANS, "value: 60, unit: days", "value: 90, unit: days",
         "ADS-LOANS", "ADS-LOANS-1", "parameters.min_term.value", STRICT),
    Case("per-target context requirement removed", BULLY, "requires_context: [self_report, public_role]}",
         "requires_context: [self_report]}", "CG-BULLY", "CG-BULLY-1",
         "conditions.public_figure.requires_context", STRICT),
    Case("consequence added", BULLY, "      - {action: account_ban, subject: account, duration: P7D}\n",
         "      - {action: account_ban, subject: account, duration: P7D}\n"
         "      - {action: age_restrict, subject: content}\n",
         "CG-BULLY", "CG-BULLY-1", "enforcement.age_restrict", STRICT),
    Case("consequence lengthened", BULLY, "duration: P7D", "duration: P30D",
         "CG-BULLY", "CG-BULLY-1", "enforcement.account_ban.duration", STRICT),
    Case("tier moved to a stricter action", BULLY, "public figure, action: label}",
         "public figure, action: age_restrict}", "CG-BULLY", "CG-BULLY-1", "tiers.t1.action", STRICT),
    Case("tier added", BULLY, "      - {id: t2, when: Degrading attack on a private adult, action: remove}\n",
         "      - {id: t2, when: Degrading attack on a private adult, action: remove}\n"
         "      - {id: t3, when: Attack on a minor, action: account_ban}\n",
         "CG-BULLY", "CG-BULLY-1", "tiers.t3", STRICT),
    Case("market added to a market-only rule", LOANS, "    markets: [BR]\n", "    markets: [BR, US]\n",
         "ADS-LOANS", "ADS-LOANS-2", "markets", STRICT),
    Case("rule no longer counts towards a ladder", BULLY, "    ladder: strikes\n    appeal", "    appeal",
         "CG-BULLY", "CG-BULLY-1", "ladder", LOOSE),
    Case("ladder step lowered", LADDERS, "{at: 3, action: remove}", "{at: 2, action: remove}",
         "taxonomy:ladders", "strikes", "steps.2.at", STRICT),
    Case("ladder window lengthened", LADDERS, "window: P90D", "window: P180D",
         "taxonomy:ladders", "strikes", "window", STRICT),
    Case("age gate raised", GATES, "feature: messages, min_age: 16", "feature: messages, min_age: 18",
         "taxonomy:age_gates", "messages", "min_age", STRICT),
    Case("age gate raised in one market", GATES, "markets: {BR: 18}", "markets: {BR: 21}",
         "taxonomy:age_gates", "messages", "markets.BR", STRICT),
    Case("appeal withdrawn", BULLY, "    appeal: {channel: in_app, deadline: P180D}\n    examples:",
         "    examples:",
         "CG-BULLY", "CG-BULLY-1", "appeal", BREAK, reverse=META),
    Case("appeal deadline shortened", BULLY, "deadline: P180D", "deadline: P30D",
         "CG-BULLY", "CG-BULLY-1", "appeal.deadline", STRICT),
    Case("exception never covers a further rule", BULLY, "    residual_action: label\n",
         "    residual_action: label\n    never_for: [CG-BULLY-1]\n", "CG-BULLY", "counterspeech", "never_for",
         STRICT),
    Case("table cell leads to a stricter outcome", TABLE, "public: {t1: label-it}", "public: {t1: remove-it}",
         "SOP-BULLY-TABLE", "t-tier", "answers.public/t1", STRICT),
    Case("market excluded from a rule", LOANS, "    parameters:", "    not_markets: [US]\n    parameters:",
         "ADS-LOANS", "ADS-LOANS-1", "not_markets", LOOSE),
    Case("regional minimum age raised", LOANS, "min_age: 18", "min_age: 21",
         "ADS-LOANS", "BR:ADS-LOANS-1", "min_age", STRICT),
    Case("exception's residual action made stricter", BULLY, "residual_action: label",
         "residual_action: age_restrict", "CG-BULLY", "counterspeech", "residual_action", STRICT),
]


def _edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    p = repo.path / rel
    text = p.read_text(encoding="utf-8")
    assert old and old in text, f"{rel} lacks {old!r}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def _field_impacts(repo: GitRepo, case: Case) -> list[Impact]:
    changes = diff_revisions(repo.path, "HEAD~1", "HEAD")
    doc = changes.document(case.doc)
    assert doc is not None, [d.id for d in changes]
    item = next((i for i in (*doc.rules, *doc.items) if i.id == case.item), None)
    assert item is not None, (doc.rules, doc.items)
    found = [f.impact for f in item.fields if f.field == case.field]
    assert found, [(f.field, f.impact) for f in item.fields]
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_second_edition_field_impact(repo: GitRepo, case: Case) -> None:
    _edit(repo, case.path, case.old, case.new)
    repo.commit(case.name)
    assert _field_impacts(repo, case) == [case.impact]


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_second_edition_field_impact_reversed(repo: GitRepo, case: Case) -> None:
    _edit(repo, case.path, case.old, case.new)
    repo.commit("forward")
    _edit(repo, case.path, case.new, case.old)
    repo.commit("back")
    want = case.reverse if case.reverse is not None else _REVERSE[case.impact]
    assert _field_impacts(repo, case) == [want]


REAL = [c for c in CASES if c.name.startswith(("target class added", "context requirement removed",
                                                 "APR cap"))]


@pytest.mark.e2e
@pytest.mark.parametrize("case", REAL, ids=[c.name for c in REAL])
def test_fail_on_stricter_exits_1_on_the_real_cases(cli, repo: GitRepo, case: Case) -> None:  # type: ignore[no-untyped-def]
    repo.git("tag", "v1")
    _edit(repo, case.path, case.old, case.new)
    repo.commit(case.name)
    r = cli("diff", "v1", "HEAD", "--fail-on", "stricter", cwd=repo.path)
    assert r.exit_code == 1, r.stdout + r.stderr
    # and the reverse passes the same gate
    _edit(repo, case.path, case.new, case.old)
    repo.commit("back")
    r = cli("diff", "HEAD~1", "HEAD", "--fail-on", "stricter", cwd=repo.path)
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.e2e
def test_first_edition_boolean_true_to_false_is_stricter(repo: GitRepo) -> None:
    """The case the issue found reported as metadata: `requires_context: true -> false`."""
    _edit(repo, BULLY, "requires_context: [self_report]", "requires_context: true")
    repo.commit("boolean")
    _edit(repo, BULLY, "requires_context: true", "requires_context: false")
    repo.commit("dropped")
    case = Case("", BULLY, "", "", "CG-BULLY", "CG-BULLY-1", "requires_context", STRICT)
    assert _field_impacts(repo, case) == [STRICT]


@pytest.mark.e2e
def test_fixture_is_valid_guidance(cli, repo: GitRepo) -> None:  # type: ignore[no-untyped-def]
    r = cli("check", cwd=repo.path)
    assert r.exit_code == 0, r.stdout + r.stderr
