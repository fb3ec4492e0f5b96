"""The diff's cheaper paths against straightforward references: redlines and
body diffs (text.py, redline.py), the one-pass YAML constructor
(fastyaml.py, loading/yamlcompat.py).

Each reference is the first version of the code, kept as it was; the modules
have since been made cheaper, and must give the same answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guidekit.diff.fastyaml import load_with_nodes
from guidekit.diff.model import ChangeKind, ParagraphChange, SectionChange
from guidekit.diff.redline import _TOKEN, overlap, word_bag, word_redline
from guidekit.diff.text import (
    _PAIR_LIMIT,
    Block,
    _sections,
    _Side,
    diff_bodies,
    split_blocks,
)
from guidekit.loading import yamlcompat
from guidekit.loading.yamlcompat import _P, Unusual, _scalar, _tag
from guidekit.loading.yamlio import load_yaml

# --- the references: redline.py ----------------------------------------------------------


def _ref_words(text: str) -> list[str]:
    return [t.rstrip() for t in _TOKEN.findall(text) if not t.isspace()]


def _ref_word_bag(text: str) -> Counter[str]:
    return Counter(_ref_words(text))


def _ref_word_redline(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False)
    runs: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if text:
            if runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + text)
            else:
                runs.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", "".join(b[j1:j2]))
            continue
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        tail = came[len(came.rstrip()):] if came else gone[len(gone.rstrip()):]
        emit("delete", gone.rstrip() if came or not tail else gone[: len(gone) - len(tail)])
        emit("insert", came.rstrip())
        emit("equal", tail)
    return runs


# --- the references: text.py --------------------------------------------------------------


def _ref_diff_bodies(old: str, new: str, old_side: tuple[str, int],
                new_side: tuple[str, int]) -> list[SectionChange]:
    if old == new:
        return []
    a, b = split_blocks(old), split_blocks(new)  # the blocks: the one reader's (its own tests)
    sa, sb = _Side(*old_side), _Side(*new_side)
    # paragraph changes filed by section key, plus heading renames
    found: list[tuple[float, tuple[str, ...], ParagraphChange]] = []
    renamed: dict[tuple[str, ...], tuple[str, ...]] = {}
    deleted: list[tuple[int, Block]] = []
    inserted: list[tuple[int, Block]] = []
    matcher = SequenceMatcher(None, [x.key for x in a], [x.key for x in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for oi, nj in zip(range(i1, i2), range(j1, j2), strict=True):
                if a[oi].text != b[nj].text:
                    found.append((nj, b[nj].heading, _ref_modified(a[oi], b[nj], sa, sb)))
            continue
        pairs = _ref_pair(a[i1:i2], b[j1:j2])
        used_a = {p for p, _ in pairs}
        used_b = {q for _, q in pairs}
        for p, q in pairs:
            ob, nb = a[i1 + p], b[j1 + q]
            if ob.level and nb.level:
                renamed[nb.heading] = ob.heading
            found.append((j1 + q, nb.heading, _ref_modified(ob, nb, sa, sb)))
        deleted += [(j1, a[i1 + p]) for p in range(i2 - i1) if p not in used_a]
        inserted += [(j1 + q, b[j1 + q]) for q in range(j2 - j1) if q not in used_b]
    # a block deleted in one place and inserted word for word in another was moved
    by_key: dict[str, list[tuple[int, Block]]] = {}
    for pos, blk in inserted:
        by_key.setdefault(blk.key, []).append((pos, blk))
    head_paths = {blk.heading for blk in b}
    for pos, blk in deleted:
        twins = by_key.get(blk.key)
        if twins:
            npos, nblk = twins.pop(0)
            inserted.remove((npos, nblk))
            found.append((npos, nblk.heading, ParagraphChange(
                ChangeKind.MOVED, blk.text, nblk.text, span=sb.span(nblk))))
            continue
        # filed under its own heading path: a modified section when the path lives on
        found.append((pos - 0.5, blk.heading, ParagraphChange(
            ChangeKind.REMOVED, blk.text, "", redline=(("delete", blk.text),), span=sa.span(blk))))
    for pos, blk in inserted:
        found.append((pos, blk.heading, ParagraphChange(
            ChangeKind.ADDED, "", blk.text, redline=(("insert", blk.text),), span=sb.span(blk))))
    return _sections(found, {x.heading for x in a}, head_paths, renamed, sb, b)


def _ref_modified(ob: Block, nb: Block, sa: _Side, sb: _Side) -> ParagraphChange:
    reflow = ob.key == nb.key
    runs = (("equal", nb.text),) if reflow else tuple(_ref_word_redline(ob.text, nb.text))
    return ParagraphChange(ChangeKind.MODIFIED, ob.text, nb.text, redline=runs, reflow=reflow,
                           span=sb.span(nb))


def _ref_pair(old: Sequence[Block], new: Sequence[Block]) -> list[tuple[int, int]]:
    if not old or not new:
        return []
    if len(old) * len(new) > _PAIR_LIMIT:
        return [(k, k) for k in range(min(len(old), len(new)))
                if bool(old[k].level) == bool(new[k].level)]
    pairs: list[tuple[int, int]] = []
    start = 0
    bags_new = [_ref_word_bag(b.text) for b in new]
    for p, ob in enumerate(old):
        best, best_q = 0.0, -1
        bag = _ref_word_bag(ob.text)
        for q in range(start, len(new)):
            nb = new[q]
            if bool(ob.level) != bool(nb.level):
                continue
            # headings pair by level, paragraphs by the words they share
            score = (1.0 if ob.level == nb.level else 0.6) if ob.level else overlap(bag, bags_new[q])
            if score > best:
                best, best_q = score, q
        if best_q >= 0 and best >= 0.4:
            pairs.append((p, best_q))
            start = best_q + 1
    return pairs


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
@settings(max_examples=500, deadline=None)
def test_diff_bodies_agrees_with_the_reference(base: list[str], edits_old: list[tuple[str, int, str]],
                                               edits_new: list[tuple[str, int, str]], crlf: bool) -> None:
    sep = "\r\n" if crlf else "\n"
    old, new = sep.join(_md_edit(base, edits_old)), sep.join(_md_edit(base, edits_new))
    for a, b in ((old, new), (new, old)):
        assert diff_bodies(a, b, ("a.md", 3), ("b.md", 5)) == _ref_diff_bodies(a, b, ("a.md", 3), ("b.md", 5))


_prose_words = st.sampled_from(["rule", "ads", "18", "over", "not", "it’s", "co-op", "don't", "é", "中文", ",", ".",
                                "-", "—", "(x)", "_u_", "**b**"])
_prose = st.lists(st.tuples(_prose_words, st.sampled_from([" ", "  ", "\n", "\t", "", " \u00a0", "\u2028"])),
                  max_size=30).map(lambda ws: "".join(w + s for w, s in ws))


@given(st.sampled_from(["", " ", "\n  "]), _prose, _prose)
@settings(max_examples=400, deadline=None)
def test_word_bag_and_redline_agree_with_the_reference(lead: str, old: str, new: str) -> None:
    old = lead + old
    for _ in range(2):  # the second time from the module's cache
        assert word_bag(old) == _ref_word_bag(old)
        assert word_redline(old, new) == _ref_word_redline(old, new)
        assert word_redline(new, old) == _ref_word_redline(new, old)


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


