"""What a reader sees when plain Markdown guidance is restructured (issue #15).

One small real-git fixture per defect found on Open Terms Archive histories;
each asserts the text, Markdown (pull-request comment) and JSON reports.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conftest import GitRepo, assert_balanced

pytestmark = pytest.mark.e2e

DOC = "guides/Community Guidelines.md"
CONFIG = 'guidekit: 1\npaths:\n  policies: ["guides/**/*.md"]\n'


def _history(repo: GitRepo, *versions: dict[str, str]) -> list[str]:
    """Commit each version (path -> text) in turn; the shas, oldest first."""
    repo.write("guidekit.yaml", CONFIG)
    shas = []
    for files in versions:
        for rel, text in files.items():
            repo.write(rel, text)
        shas.append(repo.commit(f"version {len(shas) + 1}"))
    return shas


def _reports(cli: Any, repo: GitRepo, *args: str) -> tuple[str, str, dict[str, Any]]:
    """The text, Markdown and JSON reports of HEAD~1..HEAD (or ``args``)."""
    revs = list(args) or ["HEAD~1", "HEAD"]
    out = []
    for fmt in ("text", "markdown", "json"):
        r = cli("diff", *revs, "--format", fmt, cwd=repo.path)
        assert r.exit_code == 0, r.stderr
        out.append(r.stdout)
    return out[0], out[1], json.loads(out[2])


def _sections(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for d in report["documents"] for s in d["sections"]]


# --- 1. sections pair by wording, not by level ----------------------------------------------

D1_OLD = """# Community Guidelines

## Dangerous organisations and individuals

We remove content that praises violent organisations or their leaders.

## Restricted goods and services

Some goods may only be sold by verified sellers in listed markets.
"""
D1_NEW = """# Community Guidelines

## Coordinating Harm and Promoting Crime

We remove content that helps people plan crimes or escape the police.

## Dangerous Organizations and Individuals

We remove content that praises violent organisations or their leaders.

## Restricted Goods and Services

Some goods may only be sold by verified sellers in listed markets.
"""


def test_inserted_section_is_added_and_case_only_heading_change_is_renamed(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: D1_OLD}, {DOC: D1_NEW})
    text, md, data = _reports(cli, git_repo)
    got = {tuple(s["heading"]): (s["change"], s["old_heading"]) for s in _sections(data)}
    assert got == {
        ("Community Guidelines", "Coordinating Harm and Promoting Crime"): ("added", None),
        ("Community Guidelines", "Dangerous Organizations and Individuals"): (
            "renamed", ["Community Guidelines", "Dangerous organisations and individuals"]),
        ("Community Guidelines", "Restricted Goods and Services"): (
            "renamed", ["Community Guidelines", "Restricted goods and services"]),
    }
    assert ("§ Community Guidelines > Restricted Goods and Services "
            "(was Community Guidelines > Restricted goods and services) renamed") in text
    assert "Coordinating Harm and Promoting Crime added" in text
    assert "was Community Guidelines &gt; Dangerous organisations and individuals)* — renamed" in md
    assert "Coordinating Harm and Promoting Crime* — added" in md
    assert "(was Community Guidelines > Dangerous" not in text.split("Coordinating")[1].split("\n")[0]


# --- 2. markup never counts as words when blocks pair -----------------------------------------

D2_OLD = """Intro to the rules.

**Drugs and pharmaceuticals**

We remove sales of drugs.
"""
D2_NEW = """Intro to the rules.

* * *

Drugs and Pharmaceuticals

We remove sales of drugs.
"""


def test_bold_title_pairs_with_its_words_not_with_a_divider(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: D2_OLD}, {DOC: D2_NEW})
    text, md, data = _reports(cli, git_repo)
    paragraphs = [p for s in _sections(data) for p in s["paragraphs"]]
    assert [(p["change"], p["old"], p["new"]) for p in paragraphs] == [
        ("modified", "**Drugs and pharmaceuticals**", "Drugs and Pharmaceuticals")]
    assert ["delete", "pharmaceuticals"] in paragraphs[0]["redline"]
    assert "Drugs and [-pharmaceuticals-]{+Pharmaceuticals+}" in text
    assert "* * *" not in text and "**" not in text
    assert "Drugs and <del><b>pharmaceuticals</b></del><ins>Pharmaceuticals</ins>" in md
    assert "* * *" not in md and "\\*" not in md


# --- 3. a renamed section keeps its removed blocks --------------------------------------------

D3_OLD = """## Memorialisation

We memorialise the accounts of people who died.

A family member may ask us to remove the account instead.

We keep what they posted.
"""
D3_NEW = """## Memorialization

We memorialise the accounts of people who died.

We keep what they posted.
"""


def test_renamed_section_holds_its_removed_blocks(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: D3_OLD}, {DOC: D3_NEW})
    text, md, data = _reports(cli, git_repo)
    (section,) = _sections(data)
    assert (section["heading"], section["change"], section["old_heading"]) == (
        ["Memorialization"], "renamed", ["Memorialisation"])
    assert [p["change"] for p in section["paragraphs"]] == ["modified", "removed"]
    assert "A family member" in section["paragraphs"][1]["old"]
    assert text.count("§ ") == 1 and "§ Memorialization (was Memorialisation) renamed" in text
    assert "removed" not in text.split("renamed", 1)[1].split("\n")[0]
    assert md.count("- ✏️ *") == 1 and "*Memorialization (was Memorialisation)* — renamed" in md
    assert "<del>A family member may ask us to remove the account instead.</del>" in md


# --- 4 and 5. the pull-request comment fills its budget; tags never open ----------------------


def _big(n: int, word: str) -> str:
    return "\n\n".join(f"## Part {k}\n\nParagraph {k} says {word} about case {k} in some detail here."
                       for k in range(n)) + "\n"


def test_comment_details_every_document_within_its_budget(cli: Any, git_repo: GitRepo) -> None:
    small = {f"guides/small-{k}.md": f"# Small {k}\n\nOne short rule {k} for everyone.\n" for k in range(3)}
    shas = _history(git_repo, {"guides/big.md": _big(200, "this"), **small},
                    {"guides/big.md": _big(200, "that"),
                     **{p: t.replace("everyone", "every member") for p, t in small.items()}})
    text, md, data = _reports(cli, git_repo, shas[0], shas[1], "--max-chars", "8000")
    assert len(data["documents"]) == 4 and text.count("§ Part") == 200
    assert len(md) <= 8000
    assert md.count("<details>") == 4 == md.count("</details>")
    assert_balanced(md)
    # the big document shows its first changes and counts the rest
    assert "<del>this</del><ins>that</ins>" in md
    assert re.search(r"and \d+ more paragraphs in \d+ sections", md)
    assert "<del>everyone</del><ins>every member</ins>" in md
    # the note names the revisions compared, not BASE and HEAD
    assert f"guidekit diff {shas[0]} {shas[1]} --format html" in md
    assert "BASE" not in md


def test_long_redline_is_cut_between_whole_tags(cli: Any, git_repo: GitRepo) -> None:
    old = " ".join(f"word{k} that violates rule{k}." for k in range(300))
    new = " ".join(f"word{k} that breaks rule{k}." if k % 2 else f"word{k} that violates rule{k}."
                   for k in range(300))
    _history(git_repo, {DOC: f"# Rules\n\n{old}\n"}, {DOC: f"# Rules\n\n{new}\n"})
    text, md, data = _reports(cli, git_repo)
    assert_balanced(md)
    assert " …" in md and "<del>violates</del><ins>breaks</ins>" in md
    assert "[-violates-]{+breaks+}" in text
    assert data["documents"][0]["sections"][0]["paragraphs"][0]["change"] == "modified"


def test_document_too_large_for_the_comment_is_summarised_not_dropped(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {"guides/big.md": _big(400, "this")}, {"guides/big.md": _big(400, "that")})
    r = cli("diff", "HEAD~1", "HEAD", "--format", "markdown", "--max-chars", "3000", cwd=git_repo.path)
    md = r.stdout
    assert len(md) <= 3000 and md.count("<details>") == 1
    assert "<del>this</del><ins>that</ins>" in md and "more paragraphs in" in md
    assert_balanced(md)


# --- 6. a space a reader can see is marked in every format ------------------------------------


def test_visible_space_change_is_reflow_with_a_mark(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: "# Rules\n\nWe oppose white supremacy.We remove it.\n"},
             {DOC: "# Rules\n\nWe oppose white supremacy. We remove it.\n"})
    text, md, data = _reports(cli, git_repo)
    (p,) = [p for s in _sections(data) for p in s["paragraphs"]]
    assert p["change"] == "modified" and p["reflow"] is True
    assert ["insert", " "] in p["redline"]
    assert "supremacy.{+␣+}We" in text
    assert "supremacy.<ins>␣</ins>We" in md


# --- 7. Markdown syntax is never shown as words -----------------------------------------------

D7_OLD = """# **Community Guidelines**

### Hostile Downloaders

Apps that download other apps without asking, see [the policy](https://example.test/a) and **the list**.

* * *

Closing words.
"""
D7_NEW = """# **Community Guidelines**

Hostile Downloaders
-------------------

Apps that download other apps without asking, see [the policy](https://example.test/a) and **the list** too.

* * *

* * *

Closing words.
"""


def test_markup_is_rendered_or_stripped_never_shown(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: D7_OLD}, {DOC: D7_NEW})
    text, md, data = _reports(cli, git_repo)
    doc = data["documents"][0]
    assert doc["title"] == "Community Guidelines"
    paragraphs = [p for s in doc["sections"] for p in s["paragraphs"]]
    # the heading's new syntax is no edit; the second divider is not a block
    heading = next(p for p in paragraphs if "Hostile" in p["new"])
    assert heading["reflow"] is True
    assert not [p for p in paragraphs if not re.search(r"\w", p["old"] + p["new"])]
    edited = next(p for p in paragraphs if not p["reflow"])
    assert ["insert", "too"] in edited["redline"]
    details = md.split("<details>", 1)[1]
    for shown in (text, details):
        assert "**Community" not in shown and "**the" not in shown and "the list**" not in shown
        assert "---" not in shown and "* * *" not in shown and "###" not in shown
    assert "the list {+too+}" in text and "the policy and" in text
    # a link reads as its text (its target is defanged in a pull-request comment, so not linked)
    assert "see the policy and <b>the list</b> <ins>too</ins>" in md
    assert "\\[" not in md and "\\*" not in md


# --- 8. a whitespace-only change is one line, not hundreds ------------------------------------


def test_list_marker_spacing_collapses_to_a_count(cli: Any, git_repo: GitRepo) -> None:
    items = [f"Item number {k} of the list." for k in range(120)]
    _history(git_repo, {DOC: "# Rules\n\n" + "\n".join(f"*   {i}" for i in items) + "\n"},
             {DOC: "# Rules\n\n" + "\n".join(f"* {i}" for i in items) + "\n"})
    text, md, data = _reports(cli, git_repo)
    paragraphs = [p for s in _sections(data) for p in s["paragraphs"]]
    assert len(paragraphs) == 120 and all(p["reflow"] for p in paragraphs)
    assert "(whitespace only: 120 paragraphs reflowed)" in text and "Item number" not in text
    assert "(whitespace only: 120 paragraphs reflowed)" in md and "Item number" not in md
    assert len(md) < 1500


# --- 9. labels: renamed, and which side a line number is from --------------------------------


def test_line_numbers_say_their_side(cli: Any, git_repo: GitRepo) -> None:
    _history(git_repo, {DOC: "# Rules\n\nFirst rule stays.\n\nSecond rule goes away.\n\nThird rule.\n"},
             {DOC: "# Rules\n\nFirst rule stays.\n\nThird rule, reworded.\n\nA new fourth rule.\n"})
    text, md, data = _reports(cli, git_repo)
    rows = {p["change"]: p["location"]["line"] for s in _sections(data) for p in s["paragraphs"]}
    assert rows["removed"] == 5  # at base
    assert "-5: [-Second rule goes away.-]" in text
    assert "+5: Third rule[-.-]{+, reworded.+}" in text or "+5: Third rule" in text
    assert "+7: {+A new fourth rule.+}" in text
    assert "`-5` <del>Second rule goes away.</del>" in md and "`+7` <ins>A new fourth rule.</ins>" in md
