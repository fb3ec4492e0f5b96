"""guidekit diff on real git repositories: every change kind and impact class.

Each case starts from tests/data/diff/repo committed once, applies edits, commits
them and diffs the two commits. A case names the document, its change and
headline impact, and (optionally) one rule or item with its own change and impact.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conftest import DATA, GitRepo
from guidekit.diff import ChangeKind, ChangeSet, DocumentChange, Impact, diff_revisions

FIXTURE = DATA / "diff" / "repo"


def replace(repo: GitRepo, rel: str, old: str, new: str) -> None:
    p = repo.path / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{rel} lacks {old!r}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    shutil.copytree(FIXTURE, git_repo.path, dirs_exist_ok=True)
    git_repo.commit("baseline")
    git_repo.git("tag", "v1")
    return git_repo


Edit = tuple[str, str, str]  # (path, old text, new text)


@dataclass
class Case:
    name: str
    edits: list[Edit]
    doc: str
    change: ChangeKind
    impact: Impact
    item: str | None = None  # rule or item id to look at
    item_change: ChangeKind | None = None
    item_impact: Impact | None = None
    check: Callable[[DocumentChange], None] | None = None


GAMB = "policies/ads/gambling.md"
ALC = "policies/ads/alcohol.md"
HAR = "policies/community/harassment.md"
SOP = "sops/ads-review.sop.yaml"
M, A, R, MV = ChangeKind.MODIFIED, ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.MOVED
STRICT, LOOSE, BREAK, EDIT, META = (Impact.STRICTER, Impact.LOOSER, Impact.BREAKING, Impact.EDITORIAL,
                                    Impact.METADATA)

NEW_RULE = """  - id: CG-HARASS-2
    title: Doxxing
    text: Remove posts that share a private person's home address.
    action: remove
    severity: high
    examples:
      violating:
        - id: v1
          text: "A post giving a classmate's street address."
"""


def _field(doc: DocumentChange, item: str, name: str):  # type: ignore[no-untyped-def]
    found = next(i for i in (*doc.rules, *doc.items) if item in (i.id, i.old_id))
    return next(f for f in found.fields if f.field == name)


CASES = [
    Case("action stricter by taxonomy rank", [(ALC, "action: ad_restrict", "action: ad_disapprove")],
         "ADS-ALC", M, STRICT, "ADS-ALC-1", M, STRICT,
         check=lambda d: _field(d, "ADS-ALC-1", "action").note.startswith("ad_restrict (rank 40)")),
    Case("action looser", [(GAMB, "action: ad_disapprove\n    severity: high", "action: label\n    severity: high")],
         "ADS-GAMB", M, LOOSE, "ADS-GAMB-2", M, LOOSE),
    Case("severity raised", [(HAR, "severity: medium", "severity: high")], "CG-HARASS", M, STRICT,
         "CG-HARASS-1", M, STRICT),
    Case("severity lowered", [(HAR, "severity: medium", "severity: low")], "CG-HARASS", M, LOOSE,
         "CG-HARASS-1", M, LOOSE),
    Case("new prohibited rule", [], "CG-HARASS", M, STRICT,
         "CG-HARASS-2", A, STRICT),
    Case("rule removed, nothing names it", [], "ADS-GAMB", M, LOOSE,
         "ADS-GAMB-2", R, LOOSE),
    Case("rule removed while an SOP outcome names it", [], "ADS-GAMB", M, BREAK, "ADS-GAMB-1", R, BREAK),
    Case("renamed rule id still referenced", [(GAMB, "  - id: ADS-GAMB-1\n", "  - id: ADS-GAMB-1.a\n")],
         "ADS-GAMB", M, BREAK, "ADS-GAMB-1.a", M, BREAK,
         check=lambda d: _check_rename(d, still_named=True)),
    Case("renamed rule id with every reference updated", [], "ADS-GAMB", M, META, "ADS-GAMB-1.a", M, META,
         check=lambda d: _check_rename(d, still_named=False)),
    Case("market added to a regional restriction", [(ALC, "markets: [DE, FR]", "markets: [DE, FR, IT]")],
         "ADS-ALC", M, STRICT, check=lambda d: _assert_field(d, "markets", STRICT, "added IT")),
    Case("market removed from a regional restriction", [(ALC, "markets: [DE, FR]", "markets: [DE]")],
         "ADS-ALC", M, LOOSE, check=lambda d: _assert_field(d, "markets", LOOSE, "removed FR")),
    Case("restriction widened to every market", [(ALC, "markets: [DE, FR]\n", "")], "ADS-ALC", M, STRICT),
    Case("stricter regional override added",
         [(GAMB, "regional_overrides:\n", "regional_overrides:\n  - market: US\n    rule: ADS-GAMB-2\n"
           "    action: account_ban\n")], "ADS-GAMB", M, STRICT, "US:ADS-GAMB-2", A, STRICT),
    Case("looser regional override removed makes the market stricter",
         [(GAMB, "  - market: BR\n    rule: ADS-GAMB-1\n    action: ad_restrict\n"
           "    note: Certified operators run restricted ads in Brazil.\n", "")],
         "ADS-GAMB", M, STRICT, "BR:ADS-GAMB-1", R, STRICT),
    Case("allowed example removed", [(GAMB, '        - id: a2\n          text: "A news item about a lottery draw '
                                             'with no call to play."\n', "")],
         "ADS-GAMB", M, STRICT, "ADS-GAMB-1", M, STRICT),
    Case("allowed example added", [(HAR, '          text: "A reply quoting an insult to condemn it."\n',
                                    '          text: "A reply quoting an insult to condemn it."\n'
                                    '        - id: a2\n          text: "Criticism of a public figure\'s '
                                    'voting record."\n')],
         "CG-HARASS", M, LOOSE, "CG-HARASS-1", M, LOOSE),
    Case("violating example added", [(HAR, "      violating:\n", "      violating:\n        - id: v2\n"
                                      '          text: "A meme mocking a named student\'s weight."\n')],
         "CG-HARASS", M, STRICT, "CG-HARASS-1", M, STRICT),
    Case("exception added", [(GAMB, "exceptions:\n", "exceptions:\n  - id: news\n    title: News\n"
                              "    text: News about betting odds is not an ad for betting.\n")],
         "ADS-GAMB", M, LOOSE, "news", A, LOOSE),
    Case("exception withdrawn", [(GAMB, "exceptions:\n  - id: support\n    title: Support services\n"
                                  "    text: Ads for gambling-harm support are not gambling ads.\n"
                                  "    rules: [ADS-GAMB-1]\n", "")],
         "ADS-GAMB", M, STRICT, "support", R, STRICT),
    Case("status active to deprecated", [(HAR, "status: active", "status: deprecated")], "CG-HARASS", M, LOOSE),
    Case("owners and dates are metadata", [(HAR, "owners: [trust-safety]", "owners: [trust-safety, legal]"),
                                           (HAR, "version: 2", "version: 3")], "CG-HARASS", M, META),
    Case("reworded body paragraph is editorial",
         [(HAR, "Read the whole thread before you decide.", "Read the full thread before deciding.")],
         "CG-HARASS", M, EDIT, check=lambda d: _check_redline(d)),
    Case("reflow-only body edit is editorial and marked as a reflow",
         [(HAR, "Read the whole thread before you decide. A reply that quotes an insult to\ncondemn it",
           "Read the whole thread\nbefore you decide.  A reply that quotes an insult to condemn it")],
         "CG-HARASS", M, EDIT, check=lambda d: _check_reflow(d)),
    Case("reflowed YAML text is formatting only",
         [(GAMB, "      Disapprove ads for real-money betting, casino games and paid\n      lotteries, except",
           "      Disapprove ads for real-money betting, casino games\n      and paid lotteries, except")],
         "ADS-GAMB", M, EDIT, check=lambda d: _check_formatting_only(d)),
    Case("new active policy is stricter", [], "ADS-NEW", A, STRICT),
    Case("policy removed, nothing names it", [], "CG-HARASS", R, LOOSE, "CG-HARASS-1", R, LOOSE),
    Case("policy removed while an SOP names it", [], "ADS-GAMB", R, BREAK, "ADS-GAMB-1", R, BREAK),
    Case("moved file", [], "ADS-ALC", MV, META, check=lambda d: _check_moved(d, "policies/eu/alcohol.md")),
    Case("moved and rewritten file is still the same document", [], "ADS-ALC", MV, STRICT,
         check=lambda d: _check_moved(d, "policies/eu/alcohol-rules.md")),
    Case("SOP outcome with a stricter action", [(SOP, "actions: [ad_disapprove]", "actions: [account_ban]")],
         "SOP-ADS", M, STRICT, "disapprove-gambling", M, STRICT),
    Case("SOP answer retargeted to a milder outcome",
         [(SOP, '{value: "yes", outcome: disapprove-gambling}', '{value: "yes", outcome: approve}')],
         "SOP-ADS", M, LOOSE, "q-gambling", M, LOOSE),
    Case("SOP outcome removed while cases expect it",
         [(SOP, "  - id: disapprove-gambling\n    title: Disapprove gambling\n    actions: [ad_disapprove]\n"
                "    rules: [ADS-GAMB-1]\n", "")],
         "SOP-ADS", M, BREAK, "disapprove-gambling", R, BREAK),
    Case("action removed from the taxonomy while rules use it",
         [("taxonomy/actions.yaml", "  - {id: ad_restrict, title: Ad restricted, rank: 40, scope: ad}\n", "")],
         "taxonomy:actions", M, BREAK, "ad_restrict", R, BREAK),
    Case("rule action that is not in the taxonomy", [(ALC, "action: ad_restrict", "action: ad_block")],
         "ADS-ALC", M, BREAK, "ADS-ALC-1", M, BREAK),
]


def _assert_field(d: DocumentChange, name: str, impact: Impact, note: str) -> None:
    f = next(f for f in d.fields if f.field == name)
    assert (f.impact, f.note) == (impact, note)


def _check_rename(d: DocumentChange, *, still_named: bool) -> None:
    r = d.rule("ADS-GAMB-1.a")
    assert r is not None and r.old_id == "ADS-GAMB-1"
    id_change = next(f for f in r.fields if f.field == "id")
    assert (id_change.old, id_change.new) == ("ADS-GAMB-1", "ADS-GAMB-1.a")
    assert ("sops/ads-review.sop.yaml" in (id_change.note or "")) is still_named


def _check_redline(d: DocumentChange) -> None:
    (section,) = d.sections
    assert section.heading == ("Guidance notes",) and not section.reflow
    (para,) = section.paragraphs
    assert ("delete", "whole") in para.redline and ("insert", "full") in para.redline
    assert para.span is not None and para.span.path == HAR


def _check_reflow(d: DocumentChange) -> None:
    (section,) = d.sections
    assert section.reflow and all(p.reflow for p in section.paragraphs)
    assert d.fields == () and d.rules == ()


def _check_formatting_only(d: DocumentChange) -> None:
    assert d.rules == () and d.fields == () and d.sections == ()
    assert any("formatting only" in n for n in d.notes)


def _check_moved(d: DocumentChange, path: str) -> None:
    assert (d.path, d.old_path) == (path, ALC)


def _special(repo: GitRepo, name: str) -> None:
    """Edits that are easier to write as code than as text replacements."""
    p = repo.path
    if name == "new prohibited rule":
        text = (p / HAR).read_text()
        (p / HAR).write_text(text.replace("\n---\n", f"\n{NEW_RULE}---\n", 1))
    elif name == "rule removed, nothing names it":
        text = (p / GAMB).read_text()
        start = text.index("  - id: ADS-GAMB-2")
        end = text.index("regional_overrides:")
        (p / GAMB).write_text(text[:start] + text[end:])
    elif name == "rule removed while an SOP outcome names it":
        text = (p / GAMB).read_text()
        start = text.index("  - id: ADS-GAMB-1\n")
        end = text.index("  - id: ADS-GAMB-2")
        (p / GAMB).write_text(text[:start] + text[end:])
    elif name == "renamed rule id with every reference updated":
        for rel in (GAMB, SOP):
            (p / rel).write_text((p / rel).read_text().replace("ADS-GAMB-1\n", "ADS-GAMB-1.a\n")
                                 .replace("ADS-GAMB-1]", "ADS-GAMB-1.a]"))
    elif name == "new active policy is stricter":
        text = (p / ALC).read_text().replace("ADS-ALC", "ADS-NEW").replace("markets: [DE, FR]", "markets: [US]")
        (p / "policies/ads/new.md").write_text(text)
    elif name == "policy removed, nothing names it":
        repo.git("rm", "-q", HAR)
    elif name == "policy removed while an SOP names it":
        repo.git("rm", "-q", GAMB)
    elif name == "moved file":
        (p / "policies/eu").mkdir()
        repo.git("mv", ALC, "policies/eu/alcohol.md")
    elif name == "moved and rewritten file is still the same document":
        text = (p / ALC).read_text()
        repo.git("rm", "-q", ALC)
        (p / "policies/eu").mkdir()
        new = text.replace("action: ad_restrict", "action: ad_disapprove").replace(
            "Alcohol ads in these markets follow the strictest local rule.",
            "A completely different body text, written from scratch for the new home of the policy, "
            "so that git no longer sees a rename.")
        (p / "policies/eu/alcohol-rules.md").write_text(new)


def _run(repo: GitRepo, case: Case) -> ChangeSet:
    _special(repo, case.name)
    for rel, old, new in case.edits:
        replace(repo, rel, old, new)
    repo.commit(case.name)
    return diff_revisions(repo.path, "v1", "HEAD")


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_change_kind_and_impact(repo: GitRepo, case: Case) -> None:
    changes = _run(repo, case)
    doc = changes.document(case.doc)
    assert doc is not None, [d.id for d in changes]
    assert (doc.change, doc.impact) == (case.change, case.impact), doc
    if case.item is not None:
        item = next((i for i in (*doc.rules, *doc.items) if case.item in (i.id, i.old_id)), None)
        assert item is not None, [i.id for i in (*doc.rules, *doc.items)]
        assert (item.change, item.impact) == (case.item_change, case.item_impact), item
    if case.check is not None:
        case.check(doc)


@pytest.mark.e2e
def test_breaking_removal_names_the_referencing_place(repo: GitRepo) -> None:
    changes = _run(repo, next(c for c in CASES if c.name == "rule removed while an SOP outcome names it"))
    rule = changes.document("ADS-GAMB").rule("ADS-GAMB-1")  # type: ignore[union-attr]
    assert rule is not None and rule.note is not None
    # the SOP outcome, the regional override and the exception at head all still name it
    assert "sops/ads-review.sop.yaml:" in rule.note and "outcomes[1].rules[0]" in rule.note
    assert changes.has(Impact.BREAKING)


@pytest.mark.e2e
def test_unchanged_files_are_not_reported_and_untouched_repo_is_empty(repo: GitRepo) -> None:
    assert len(diff_revisions(repo.path, "v1", "HEAD")) == 0
    replace(repo, HAR, "severity: medium", "severity: high")
    repo.commit("one change")
    changes = diff_revisions(repo.path, "v1", "HEAD")
    assert [d.id for d in changes] == ["CG-HARASS"]


@pytest.mark.e2e
def test_working_tree_is_the_default_head(repo: GitRepo) -> None:
    replace(repo, HAR, "severity: medium", "severity: high")
    (repo.path / "policies/ads/draft.md").write_text(
        (repo.path / ALC).read_text().replace("ADS-ALC", "ADS-DRAFT").replace("status: active", "status: draft"))
    changes = diff_revisions(repo.path)
    assert changes.head.sha is None and changes.base.ref == "HEAD"
    by_id = {d.id: d for d in changes}
    assert by_id["CG-HARASS"].impact is STRICT
    # an untracked draft is new but enforces nothing yet
    assert (by_id["ADS-DRAFT"].change, by_id["ADS-DRAFT"].impact) == (A, META)


@pytest.mark.e2e
def test_document_without_headings_falls_back_to_paragraphs(repo: GitRepo) -> None:
    notes = "policies/community/notes.md"
    repo.write(notes, "First paragraph stays.\n\nSecond paragraph says one\nthing.\n\nThird stays too.\n")
    repo.commit("notes")
    replace(repo, notes, "says one\nthing.", "says another thing.")
    changes = diff_revisions(repo.path, "HEAD")
    doc = changes.document("policies/community/notes")
    assert doc is not None and doc.kind == "markdown"
    (section,) = doc.sections
    assert section.heading == () and section.title == "(before the first heading)"
    (para,) = section.paragraphs
    assert para.change is M and para.span is not None and para.span.line == 3
    assert [op for op, _ in para.redline] == ["equal", "delete", "insert", "equal"]


@pytest.mark.e2e
def test_guidance_in_a_subfolder_of_the_repository(git_repo: GitRepo) -> None:
    shutil.copytree(FIXTURE, git_repo.path / "guidance")
    git_repo.write("README.md", "not guidance\n")
    git_repo.commit("baseline")
    replace(git_repo, "guidance/" + ALC, "severity: low", "severity: high")
    git_repo.write("README.md", "still not guidance\n")
    git_repo.commit("edit")
    changes = diff_revisions(git_repo.path / "guidance", "HEAD~1", "HEAD")
    assert changes.root == "guidance"
    assert [(d.id, d.path) for d in changes] == [("ADS-ALC", ALC)]


@pytest.mark.e2e
def test_broken_document_is_compared_as_text_with_a_note(repo: GitRepo) -> None:
    replace(repo, HAR, "status: active", "status: [active")
    changes = diff_revisions(repo.path)
    doc = changes.document("policies/community/harassment")
    assert doc is not None
    assert any("does not load" in n for n in doc.notes)
    assert doc.sections, "the text change is still shown"


def test_fixture_cases_cover_every_kind_and_impact() -> None:
    kinds = {c.change for c in CASES} | {c.item_change for c in CASES if c.item_change}
    impacts = {c.impact for c in CASES} | {c.item_impact for c in CASES if c.item_impact}
    # "renamed" is a Markdown section's (tests/e2e/test_diff_sections.py)
    assert kinds | {ChangeKind.RENAMED} == set(ChangeKind)
    assert impacts == set(Impact)


def test_fixture_is_valid_guidance(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("check", str(FIXTURE)).exit_code == 0

