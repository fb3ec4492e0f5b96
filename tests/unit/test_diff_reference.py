"""The diff's cheaper paths against straightforward references: the one-pass YAML
constructor (fastyaml.py, loading/yamlcompat.py); body diffs on generated
Markdown edits (their redlines spell both sides); a reader's redline of prose
without markup, a run at a time, against the token-by-token one.

Each reference is the first version of the code, kept as it was; the modules
have since been made cheaper, and must give the same answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guidekit.diff.fastyaml import load_with_nodes
from guidekit.diff.model import ChangeKind
from guidekit.diff.redline import _marked_reader_runs, _plain_reader_runs, reader_runs, word_redline
from guidekit.diff.text import (
    diff_bodies,
)
from guidekit.loading import yamlcompat
from guidekit.loading.yamlcompat import _P, Unusual, _scalar, _tag
from guidekit.loading.yamlio import load_yaml

# --- the reference: fastyaml.py -----------------------------------------------------------


def _ref_construct(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        if _tag(node) != _P + "seq":
            raise Unusual(_tag(node))
        return [_ref_construct(v) for v in node.value]
    if isinstance(node, MappingNode):
        if _tag(node) != _P + "map":
            raise Unusual(_tag(node))
        out: dict[Any, Any] = {}
        for k, v in node.value:
            key = _ref_construct(k)
            if isinstance(key, dict | list) or key in out or key == "<<":
                raise Unusual("complex, duplicate or merge key")
            out[key] = _ref_construct(v)
        return out
    raise Unusual(type(node).__name__)


def _outcome(construct: Any, node: Node) -> str:
    """What a constructor makes of a node, comparable across the two (NaN included)."""
    try:
        return repr(construct(node))
    except Unusual:
        return "Unusual"
    except (ValueError, RecursionError) as err:
        return type(err).__name__


# --- Markdown -------------------------------------------------------------------------------

_MD_LINES = ["# Title", "## Sub", "### Deep ###", "#nospace", "  # indented", "    # code, not a heading", "Title",
             "=====", "-----", "---", "- item", "- item two", "  continued", "* star", "+ plus", "1. first",
             "2) second", "| a | b |", "| --- | --- |", "```", "```python", "~~~", "", "", "   ", "\t", "* * *", "___",
             "Prose words here.", "Another line of prose.", "Users aged 18 or over.", "> a quote", "<div>",
             "Ünïcode prose — with dashes’s", " \u00a0 ", "tail\u2028line", "x\x0cy"]
_md = st.lists(st.sampled_from(_MD_LINES), max_size=25)
_MD_EDITS = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete", "move", "reword", "reword"]),
                               st.integers(0, 100), st.sampled_from(_MD_LINES)), max_size=4)


def _md_edit(lines: list[str], edits: list[tuple[str, int, str]]) -> list[str]:
    out = list(lines)
    for op, at, line in edits:
        if op == "insert" or not out:
            out.insert(at % (len(out) + 1), line)
        elif op == "replace":
            out[at % len(out)] = line
        elif op == "delete":
            del out[at % len(out)]
        elif op == "move":
            out.insert(len(out) // 2, out.pop(at % len(out)))
        else:  # a word changed, or the line rewrapped
            old = out[at % len(out)]
            out[at % len(out)] = old.replace(" ", "\n", 1) if at % 3 == 0 else old + (" more" if at % 2 else " words")
    return out


@given(_md, _MD_EDITS, _MD_EDITS, st.sampled_from([False] * 5 + [True]))
@settings(max_examples=300, deadline=None)
def test_diff_bodies_redlines_spell_both_sides(base: list[str], edits_old: list[tuple[str, int, str]],
                                               edits_new: list[tuple[str, int, str]], crlf: bool) -> None:
    """(The first version's pairing is gone: blocks now pair by meaning, #15.) Every
    reported block's redline spells its old and new text, whatever the edits."""
    sep = "\r\n" if crlf else "\n"
    old, new = sep.join(_md_edit(base, edits_old)), sep.join(_md_edit(base, edits_new))
    for a, b in ((old, new), (new, old)):
        for section in diff_bodies(a, b, ("a.md", 3), ("b.md", 5)):
            for p in section.paragraphs:
                if p.reflow or p.change is ChangeKind.MOVED:
                    continue
                new_side = "".join(t for op, t in p.redline if op != "delete")
                old_side = "".join(t for op, t in p.redline if op != "insert")
                assert "".join(new_side.split()) == "".join(p.new.split())
                assert "".join(old_side.split()) == "".join(p.old.split())


# --- YAML -------------------------------------------------------------------------------------

_YAML_VALUES = ["x", "'quoted'", '"dq"', "1", "-2", "0x1F", "0o17", "1_000", "1.5", "-.inf", ".nan", "1e3", "true",
                "False", "yes", "on", "~", "null", "", "2026-01-01", "2026-01-01 10:00:00", "!!str 12", "!!int '7'",
                "!custom x", "!!float 1", "! plain", "[a, 1, null]", "{a: 1, b: [2]}", "[]", "{}", "|\n  block",
                ">-\n  folded", "<<", "'<<'", "=", "!!binary aGk=", "!!set {a}", "!!map {a: 1}", "!!seq [1]",
                "&a 1", "[1, [2, [3, [4]]]]"]
_YAML_KEYS = ["a", "b", "id", "'q'", "1", "true", "null", "<<", "[x]", "{k: v}", "? c", "a"]


@st.composite
def _yaml_doc(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key, value = draw(st.sampled_from(_YAML_KEYS)), draw(st.sampled_from(_YAML_VALUES))
        shape = draw(st.sampled_from(["plain", "plain", "seq", "map"]))
        if shape == "plain":
            lines.append(f"{key}: {value}".replace("\n", "\n  "))
        elif shape == "seq":
            lines += [f"{key}:", *(f"  - {draw(st.sampled_from(_YAML_VALUES))}".replace("\n", "\n    ")
                                   for _ in range(draw(st.integers(0, 3))))]
        else:
            lines += [f"{key}:", f"  {draw(st.sampled_from(_YAML_KEYS))}: {value}".replace("\n", "\n    ")]
    return "\n".join(lines) + "\n"


@given(st.one_of(_yaml_doc(), st.sampled_from(_YAML_VALUES)))
@settings(max_examples=500, deadline=None)
def test_construct_agrees_with_the_reference(text: str) -> None:
    found = yamlcompat.probe()
    assert found is not None
    root = yamlcompat._compose(found, text)
    if root is None:
        return
    assert _outcome(yamlcompat._construct, root) == _outcome(_ref_construct, root)
    try:
        data, _root = load_with_nodes(text)
    except Unusual:
        return  # the standard loader takes it
    assert repr(data) == repr(load_yaml(text))




# --- a reader's redline -----------------------------------------------------------------------

# prose, whitespace of every kind, numbers (ASCII and not), the marks that are markup only at
# a line's start, and now and then markup itself
_PIECES = ["word", "And", "x", "12", "3", "\u00b2", "\u0661\u0662", "\u00e9t\u00e9", " ", "  ", "\n", "\n\n", "\t",
           "\u00a0", "\u2003", "\r", ".", ",", ")", "(", "-", ":", "'", "!", "?"]
_MARKUP = ["*", "**", "_", "`", "\\", "|", "#", "[", "](x)", "=", ">", "+", "!["]
_prose = st.lists(st.sampled_from(_PIECES * 8 + _MARKUP), max_size=14).map("".join)
_runs = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete"]), _prose), max_size=6)


@given(_runs, st.tuples(_prose, _prose))
@settings(max_examples=1500, deadline=None)
def test_reader_runs_of_prose_agree_with_the_token_by_token_reading(runs: list[tuple[str, str]],
                                                                  texts: tuple[str, str]) -> None:
    for redline in (runs, word_redline(*texts), word_redline(texts[0] + texts[1], texts[1] + texts[0])):
        assert reader_runs(redline) == _marked_reader_runs(redline)


def test_the_prose_path_is_taken_for_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without this, the test above would pass with the cheap path never taken: a line
    starting "word.", a hyphenated word, a number inside a line are prose."""
    from guidekit.diff import redline as module

    redline = word_redline("A well-known rule.\nmessage. It has 12 parts.",
                           "A well-known rule.\nmessage. It has 13 parts.")
    expected = _marked_reader_runs(redline)

    def never(_runs: object) -> None:
        raise AssertionError("the token-by-token path was taken")

    monkeypatch.setattr(module, "_marked_reader_runs", never)
    assert reader_runs(redline) == _plain_reader_runs(redline) == expected
    assert "".join(s.text for s in expected).count("12") == 1
