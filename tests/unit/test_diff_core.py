"""The pure parts of diff: redlines, Markdown blocks, the one-pass YAML loader and
the skipping of shared rules, each checked against a slower reference."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import DATA, SAMPLE
from guidekit.diff.chunks import blank_common_items, front_matter_bounds
from guidekit.diff.documents import draft, load_pair, load_snapshot
from guidekit.diff.fastyaml import Unusual, load_with_nodes
from guidekit.diff.fields import Context, Ranks
from guidekit.diff.model import ChangeKind
from guidekit.diff.pairs import document_change
from guidekit.diff.redline import normalize, same_words, word_redline
from guidekit.diff.text import diff_bodies, split_blocks
from guidekit.loading.source import DocKind, Limits
from guidekit.loading.yamlio import load_yaml

FIXTURE = DATA / "diff" / "repo"

# --- redlines -------------------------------------------------------------------

words = st.lists(st.sampled_from(["rule", "ad", "ads", "18", "over", "not", "market", "the", ",", ".", "-", "’s"]),
                 max_size=25)
spaces = st.sampled_from([" ", "  ", "\n", " \n  "])


@st.composite
def prose(draw: st.DrawFn) -> str:
    ws = draw(words)
    return "".join(w + draw(spaces) for w in ws).strip()


def _side(runs: list[tuple[str, str]], keep: str) -> str:
    return normalize("".join(t for op, t in runs if op in ("equal", keep)))


@given(prose(), prose())
@settings(max_examples=300, deadline=None)
def test_redline_spells_both_texts(old: str, new: str) -> None:
    runs = word_redline(old, new)
    assert _side(runs, "insert").replace(" ", "") == normalize(new).replace(" ", "")
    assert _side(runs, "delete").replace(" ", "") == normalize(old).replace(" ", "")
    assert all(text for _op, text in runs)
    assert all(a[0] != b[0] for a, b in pairwise(runs)), "runs of one kind are merged"


@given(prose())
def test_reflow_is_one_equal_run(text: str) -> None:
    # (no line that starts with a mark, before or after: "-" there is Markdown, a bullet
    # or an underline, and moving it is more than a reflow)
    assume(not re.search(r"(?:^|\n)\s*[^\w\s]", text))
    reflowed = re.sub(r"\s+(?=\w)", "\n", text)
    assert word_redline(text, reflowed) in ([("equal", reflowed)], [])
    assert same_words(text, reflowed) is (text != reflowed)


def test_redline_keeps_whole_words() -> None:
    assert word_redline("Users aged 18 or over.", "Users aged 21 or over, in listed markets.") == [
        ("equal", "Users aged "), ("delete", "18"), ("insert", "21"), ("equal", " or over"),
        ("insert", ", in listed markets"), ("equal", ".")]


# --- Markdown blocks --------------------------------------------------------------

BLOCKS = [
    ("atx and setext headings", "# A\n\ntext\n\nB\n---\n\nmore\n",
     [("# A", ("A",), 1), ("text", ("A",), 0), ("B\n---", ("A", "B"), 2), ("more", ("A", "B"), 0)]),
    ("list items are blocks", "- one\n- two\n  cont\n\n1. first\n", [
        ("- one", (), 0), ("- two\n  cont", (), 0), ("1. first", (), 0)]),
    ("fence keeps blank lines and fake headings", "```\n# not a heading\n\nx\n```\nafter\n",
     [("```\n# not a heading\n\nx\n```", (), 0), ("after", (), 0)]),
    ("table is one block", "| a | b |\n| --- | --- |\n| 1 | 2 |\n", [("| a | b |\n| --- | --- |\n| 1 | 2 |", (), 0)]),
    ("equals line after blank is not a heading", "Title\n\n\n=====\n", [("Title", (), 0), ("=====", (), 0)]),
    ("hr", "a\n\n* * *\n\nb\n", [("a", (), 0), ("* * *", (), 0), ("b", (), 0)]),
]


@pytest.mark.parametrize(("body", "expected"), [b[1:] for b in BLOCKS], ids=[b[0] for b in BLOCKS])
def test_split_blocks(body: str, expected: list[tuple[str, tuple[str, ...], int]]) -> None:
    assert [(b.text, b.heading, b.level) for b in split_blocks(body)] == expected


def test_renamed_heading_is_a_renamed_section() -> None:
    old = "## Escalation\n\nSend questions to the team.\n"
    new = "## Escalation paths\n\nSend questions to the regulated team.\n"
    (section,) = diff_bodies(old, new, ("a.md", 0), ("a.md", 0))
    assert (section.change, section.heading, section.old_heading) == (
        ChangeKind.RENAMED, ("Escalation paths",), ("Escalation",))
    assert [p.change for p in section.paragraphs] == [ChangeKind.MODIFIED, ChangeKind.MODIFIED]


def test_reordered_paragraph_is_moved_not_rewritten() -> None:
    old = "First one here.\n\nSecond one here.\n\nThird one here.\n"
    new = "Second one here.\n\nFirst one here.\n\nThird one here.\n"
    changes = [p.change for s in diff_bodies(old, new, ("a", 0), ("a", 0)) for p in s.paragraphs]
    assert changes == [ChangeKind.MOVED]


def test_same_body_has_no_sections() -> None:
    assert diff_bodies("x\n", "x\n", ("a", 0), ("a", 0)) == []


# --- one-pass YAML -------------------------------------------------------------------

def _yaml_parts() -> list[tuple[str, str]]:
    out = []
    for root in (SAMPLE, FIXTURE):
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".yaml", ".md") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".md":
                if not text.startswith("---\n"):
                    continue
                text = text[4:].split("\n---\n", 1)[0]
            out.append((str(path.relative_to(root.parent)), text))
    return out


@pytest.mark.parametrize(("name", "text"), _yaml_parts())
def test_one_pass_loader_matches_the_standard_loader(name: str, text: str) -> None:
    data, root = load_with_nodes(text)
    assert data == load_yaml(text)
    assert root.start_mark.line == 0 or text.startswith(("#", "\n"))


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
                    st.sampled_from(["yes", "No", "on", "0x1F", "0o17", "1_000", "2026-01-01", "~", "null", ".inf",
                                     "- a", "a: b", "#x", "'q'", "!tag", "&a", "*a"]))
trees = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(
    st.text("abcxyz_-", min_size=1, max_size=6), c, max_size=3), max_leaves=12)


@given(st.dictionaries(st.text("abcdefg", min_size=1, max_size=5), trees, max_size=4))
@settings(max_examples=200, deadline=None)
def test_one_pass_loader_agrees_on_any_document(doc: dict[str, object]) -> None:
    from io import StringIO

    from ruamel.yaml import YAML

    buf = StringIO()
    YAML(typ="safe", pure=True).dump(doc, buf)
    text = buf.getvalue()
    try:
        data, _root = load_with_nodes(text)
    except Unusual:
        return  # the standard loader takes it
    assert data == load_yaml(text)


def test_unusual_yaml_is_left_to_the_standard_loader() -> None:
    for text in ("a: &x [1]\nb: *x\n", "a: 1\na: 2\n", "a: !custom x\n", "<<: {a: 1}\n", "a: [\n"):
        with pytest.raises(Unusual):
            load_with_nodes(text)


# --- skipping shared rules ------------------------------------------------------------

GAMB = (FIXTURE / "policies/ads/gambling.md").read_text()
EDITS = [
    ("action of the second rule", "action: ad_disapprove\n    severity: high", "action: label\n    severity: high"),
    ("example added to the first rule", "      allowed:\n        - id: a1\n          text: \"A helpline",
     "      allowed:\n        - id: a0\n          text: \"New allowed.\"\n"
     "        - id: a1\n          text: \"A helpline"),
    ("rule renamed", "  - id: ADS-GAMB-1\n", "  - id: ADS-GAMB-1.x\n"),
    ("override changed", "    action: ad_restrict\n", "    action: label\n"),
    ("override added", "regional_overrides:\n", "regional_overrides:\n  - market: US\n    rule: ADS-GAMB-2\n"
     "    action: account_ban\n"),
    # (the list left empty as [], not as a bare key: null is not a list, and a document
    # that does not fit its schema is compared as text)
    ("override removed and a rule changed", "regional_overrides:\n  - market: BR\n    rule: ADS-GAMB-1\n"
     "    action: ad_restrict\n    note: Certified operators run restricted ads in Brazil.\n",
     "regional_overrides: []\n"),
    ("title only", "title: Gambling in ads", "title: Gambling ads"),
    ("market added", "surfaces: [ads]\n", "surfaces: [ads]\nmarkets: [US]\n"),
    ("second rule removed", GAMB[GAMB.index("  - id: ADS-GAMB-2"):GAMB.index("regional_overrides:")], ""),
    ("body only", "financial harm,", "financial and social harm,"),
    ("comment in a rule", "    severity: medium\n", "    severity: medium  # was low\n"),
]


def _ctx() -> Context:
    tax = load_yaml((FIXTURE / "taxonomy/actions.yaml").read_text())
    sev = load_yaml((FIXTURE / "taxonomy/severities.yaml").read_text())
    return Context(Ranks({i["id"]: i["rank"] for i in tax["items"]}, {i["id"]: i["rank"] for i in sev["items"]}))


@pytest.mark.parametrize(("old", "new"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_skipping_shared_rules_changes_nothing_but_the_cost(old: str, new: str) -> None:
    rel = "policies/ads/gambling.md"
    assert old in GAMB
    before = draft(rel, GAMB.encode(), DocKind.POLICY)
    after = draft(rel, GAMB.replace(old, new, 1).encode(), DocKind.POLICY)
    fast = document_change(*load_pair(before, after, Limits()), _ctx())
    full = document_change(load_snapshot(before, Limits()), load_snapshot(after, Limits()), _ctx())
    assert fast == full
    assert fast is not None


def test_blanking_keeps_line_numbers_and_skips_shared_rules() -> None:
    fm = GAMB[4:GAMB.index("\n---\n")]
    changed = fm.replace("severity: high", "severity: low")
    blanked = blank_common_items(fm, changed)
    assert blanked is not None
    old, new = blanked
    assert len(old.split("\n")) == len(fm.split("\n")) == len(new.split("\n"))
    assert "  - id: ADS-GAMB-1\n" not in old and "  - id: ADS-GAMB-2" in old
    # examples the changed rule keeps are skipped as well
    assert "A cartoon mascot" not in new


def test_blanking_refuses_layouts_it_does_not_know() -> None:
    assert blank_common_items("rules: [a, b]\n", "rules: [a, c]\n") is None
    assert blank_common_items("- a\n", "- b\n") is None
    assert blank_common_items("rules:\n  - id: a\n", "rules:\n  - id: b\n") is None  # nothing shared


def test_paths_in_test_data_exist() -> None:
    assert Path(FIXTURE / "guidekit.yaml").is_file()


# --- no input crashes the diff ---------------------------------------------------------

_SNIPPETS = ["", "\n", "  ", "- ", ": ", "---\n", "rules:", "id: X", "[", "{", "&a ", "*a", "!!binary ", "\t",
             "action: nope", "severity: [low]", "examples: 3", "\"", "#", "- id: ADS-GAMB-1\n"]


@given(st.lists(st.tuples(st.integers(0, len(GAMB)), st.integers(0, 40), st.sampled_from(_SNIPPETS)),
                min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_any_edit_of_a_policy_diffs_without_crashing(edits: list[tuple[int, int, str]]) -> None:
    text = GAMB
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    rel = "policies/ads/gambling.md"
    before = draft(rel, GAMB.encode(), DocKind.POLICY)
    after = draft(rel, text.encode(), DocKind.POLICY)
    change = document_change(*load_pair(before, after, Limits()), _ctx())
    if text != GAMB:
        assert change is not None
    back = document_change(*load_pair(after, before, Limits()), _ctx())
    assert (back is None) == (change is None)


@pytest.mark.parametrize("text,expected", [
    ("---\n---\n", (4, 4)),
    ("---\na: 1\n--- \nbody", (4, 9)),
    ("---\na: 1\n...", (4, 9)),
    ("---\na: 1\n----\nb: 2\n---\n", (4, 19)),
    ("---\na: 1\n --- \n---\t\n", (4, 15)),
    ("---\na: 1\n---x\n", None),
    ("---\na: 1\n", None),
    ("# no front matter\n---\n", None),
])
def test_front_matter_bounds(text: str, expected: tuple[int, int] | None) -> None:
    assert front_matter_bounds(text) == expected
