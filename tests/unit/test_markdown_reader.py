"""The one reading of Markdown (guidekit.loading.markdown) against markdown-it-py.

Its headings must be markdown-it-py's top-level ``heading_open`` tokens, with the
handbook renderer's options, on generated bodies built from the lines where readers
disagree (indented headings, long and mixed fences, setext underlines, lists, quotes,
tables) and on real ones: the sample guidance and every version of the Open Terms
Archive sample.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import OTA_BUNDLE
from guidekit.loading.markdown import heading_ids, read_blocks, read_headings

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
ROOT = Path(__file__).resolve().parents[2]


def _reference(body: str) -> list[tuple[int, int, str]]:
    tokens = _MD.parse(body)
    return [(int(t.tag[1]), t.map[0] if t.map else -1, tokens[k + 1].content)
            for k, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]


def _read(body: str) -> list[tuple[int, int, str]]:
    return [(b.level, b.start, b.title) for b in read_blocks(body) if b.level]


_LINES = [
    "", "", "", "text", "more text here", "Title", "a | b", "| a | b |", "|---|---|", "--- | ---", ":-:|--",
    "| 1 | 2 |", "# One", "## Two ##", "   ### Three", "    #### Four", " ## indented", "#5 bolt",
    "#", "## #", "###### six", "####### seven", "# a \\#", "=", "===", "---", "- - -", "***", "___",
    " * * *", "--", "  ---", "    ---", "```", "````", "~~~", "~~~~", "```python", "``` `x`", "  ```",
    "    ```", " ~~~ ", "- item", "- ", "-", "* star", "+ plus", "1. first", "2. second", "1) paren",
    "10. ten", "  - nested", "    - deep", "      - deeper", "  continued", "   indented", "    code",
    "\tcode", "\t# tab", "#\ttab", "-\titem", "> quote", "> # quoted", ">", "> - quoted item",
    ">> deep quote", "> ```", "- # item heading", "- ```", "  ## in item", "  ```", "  ~~~",
    "   ## three", "Setext\\", "**bold** title", "[link](x.md#a) and `code`", "<!-- note -->",
    "\\# escaped", "-    five spaces", "1.  two", "  > quote in item", "- > quote item",
    "* - nested marker", "- 1. both", "  text after", "  ===", "  ---", "> ===", "> ---", "<div>",
]


@given(st.lists(st.sampled_from(_LINES), max_size=30))
@settings(max_examples=2000, deadline=None)
def test_headings_are_markdown_its_on_generated_bodies(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert _read(body) == _reference(body)


def _real_bodies(tmp: Path) -> list[tuple[str, str]]:
    out = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
           for p in sorted((ROOT / "guidance").rglob("*.md"))]
    repo = tmp / "ota"
    subprocess.run(["git", "clone", "-q", str(OTA_BUNDLE), str(repo)], check=True)
    listing = subprocess.run(["git", "rev-list", "--all", "--objects"], cwd=repo, check=True,
                             capture_output=True, text=True).stdout
    for row in listing.splitlines():
        sha, _, path = row.partition(" ")
        if path.endswith(".md"):
            text = subprocess.run(["git", "cat-file", "blob", sha], cwd=repo, check=True,
                                  capture_output=True).stdout.decode("utf-8", "replace")
            out.append((f"{path}@{sha[:8]}", text))
    return out


def test_headings_are_markdown_its_on_real_bodies(tmp_path: Path) -> None:
    bodies = _real_bodies(tmp_path)
    assert len(bodies) > 100
    assert sum(len(_reference(b)) for _n, b in bodies) > 1000
    for name, body in bodies:
        assert _read(body) == _reference(body), name


def test_heading_ids_are_the_anchors_plugins() -> None:
    from mdit_py_plugins.anchors import anchors_plugin

    md = MarkdownIt("commonmark", {"html": False}).use(anchors_plugin, min_level=1, max_level=6)
    body = ("## Definitions\n\ntext\n\n## Definitions\n\n### Use **bold** and `code` here\n\n"
            "Setext [link](x.md) title\n  on two lines\n---\n\n## Promoção não-oficial & 中文\n\n## Definitions-1\n")
    want = [t.attrGet("id") for t in md.parse(body) if t.type == "heading_open"]
    assert [h.id for h in read_headings(body)] == want
    assert heading_ids(["Rules", "Rules"], {"rules"}) == ["rules-1", "rules-2"]


# --- the same sections everywhere ------------------------------------------------------------

# (name, body, the body's level-two sections: title and a word of its text)
SECTIONS = [
    ("indented headings", "intro\n\n ## Rationale\n\nwhy\n\n   ## Definitions\n\nwords\n\n"
     "    ## code, not a heading\n", [("Rationale", "why"), ("Definitions", "words")]),
    ("long fence holding a short one", "## Rationale\n\nwhy\n\n````markdown\n```\n## Not one\n```\n"
     "````\n\n## Definitions\n\nwords\n", [("Rationale", "## Not one"), ("Definitions", "words")]),
    ("tilde fence holding backticks", "## Rationale\n\n~~~\n```\n## Not one\n~~~\n\n## Definitions\n\n"
     "words\n", [("Rationale", "## Not one"), ("Definitions", "words")]),
    ("setext headings", "Rationale\n---------\n\nwhy\n\nDefinitions\n-----------\n\nwords\n",
     [("Rationale", "why"), ("Definitions", "words")]),
    ("closing hashes and a thematic break", "## Rationale ##\n\nwhy\n\n***\n\n## Definitions\n\nwords\n",
     [("Rationale", "why"), ("Definitions", "words")]),
    ("comments are no content", "## Rationale\n\nwhy <!-- editors: recheck -->\n\n"
     "<!-- guidekit: disable-next-line=GK312 -->\n## Definitions\n\nwords\n\n```\n<!-- code -->\n```\n",
     [("Rationale", "why"), ("Definitions", "<!-- code -->")]),
    ("a heading in a list item is the item's", "## Rationale\n\n- a point\n  ## Inside\n\n"
     "## Definitions\n\nwords\n", [("Rationale", "Inside"), ("Definitions", "words")]),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in SECTIONS], ids=[c[0] for c in SECTIONS])
def test_check_handbook_export_and_diff_see_the_same_sections(
        body: str, expected: list[tuple[str, str]]) -> None:
    from guidekit.check.markdown import parse_markdown
    from guidekit.diff.text import split_blocks
    from guidekit.export.base import sections as export_sections
    from guidekit.handbook.markdown_out import _body
    from guidekit.handbook.text import split_sections

    titles = [t for t, _w in expected]
    md = parse_markdown(body)
    assert [h.title for h in md.headings if h.level == 2] == titles  # check (GK310, GK312)
    assert all(s.content_lines for s in md.sections)
    handbook = [s for s in split_sections(body) if s.heading]
    assert [s.heading for s in handbook] == titles  # the HTML handbook
    exported = export_sections(body)
    assert list(exported) == [t.lower() for t in titles]  # exports (safeguard prompts ...)
    assert [b.heading[-1] for b in split_blocks(body) if b.level == 2] == titles  # diff
    for (title, word), section in zip(expected, handbook, strict=True):
        assert word in section.markdown
        assert word in exported[title.lower()]
    for text in [*(s.markdown for s in handbook), *exported.values()]:
        assert "editors" not in text and "guidekit:" not in text  # comments are nobody's content
    shifted = _body(body)  # the Markdown handbook: the same headings, two levels down
    assert [ln[5:] for ln in shifted.splitlines() if ln.startswith("#### ")] == titles
