"""The skipping of shared rules (chunks.py) against a straightforward reference.

The reference below is the first version of blank_common_items, kept as it was
(a Counter for the shared items, every path looked up afresh); the module has
since been made cheaper. Any layout (comments, blank lines, flow sequences, odd
indentation, CRLF, tabs) must give the same texts, or None, in both.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from guidekit.diff.chunks import _ITEM, _ITEM_ID, _KEY, _NAMED_RULE, blank_common_items
from guidekit.diff.documents import _SKIPPABLE

# --- the reference ----------------------------------------------------------------------


class _RefLines:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.indent = [len(line) - len(body) if body and body[0] != "#" and not body.isspace() else -1
                       for line in self.lines for body in (line.lstrip(" "),)]

    def text(self, span: tuple[int, int]) -> str:
        return "\n".join(self.lines[span[0]:span[1]]).rstrip()

    def blank(self, spans: list[tuple[int, int]]) -> None:
        for a, b in spans:
            for i in range(a, b):
                self.lines[i] = ""
                self.indent[i] = -1

    def is_item(self, i: int, indent: int) -> bool:
        line = self.lines[i]
        return line.startswith("- ", indent) or line[indent:].rstrip() == "-"


def _ref_entries(t: _RefLines) -> dict[str, tuple[int, int]] | None:
    found: dict[str, tuple[int, int]] = {}
    key: str | None = None
    start = 0
    for i, line in enumerate(t.lines):
        k = t.indent[i]
        if k != 0:
            if k < 0 or key is not None:
                continue
            return None
        if not _KEY.match(line):
            return None
        if key is not None:
            found[key] = (start, i)
        key, start = line.split(":", 1)[0].strip(), i
        if key in found:
            return None
    if key is not None:
        found[key] = (start, len(t.lines))
    return found


def _ref_items(t: _RefLines, start: int, end: int) -> list[tuple[int, int]] | None:
    if t.lines[start].split(":", 1)[1].split("#", 1)[0].strip():
        return None
    indent: int | None = None
    bounds: list[tuple[int, int]] = []
    for i in range(start + 1, end):
        k = t.indent[i]
        if k < 0 or (indent is not None and k > indent):
            continue
        if indent is None:
            indent = k
        if k < indent or not t.is_item(i, k):
            return None
        if bounds:
            bounds[-1] = (bounds[-1][0], i)
        bounds.append((i, end))
    return bounds


def _ref_children(t: _RefLines, start: int, end: int) -> dict[str, tuple[int, int]] | None:
    head = t.lines[start]
    indent: int | None = None
    found: dict[str, tuple[int, int]] = {}
    key: str | None = None
    key_start = start
    m = _ITEM.match(head)
    if m is not None:
        indent = len(m.group(1)) + 2
        if not _KEY.match(head, indent):
            return None
        key = head[indent:].split(":", 1)[0].strip()
    for i in range(start + 1, end):
        k = t.indent[i]
        if k < 0 or (indent is not None and k > indent):
            continue
        if indent is None:
            indent = k
        if k < indent:
            return None
        line = t.lines[i]
        if line[k] == "-":
            continue
        if not _KEY.match(line, k):
            return None
        if key is not None:
            found[key] = (key_start, i)
        key, key_start = line[k:].split(":", 1)[0].strip(), i
    if key is not None:
        found[key] = (key_start, end)
    return found


def _ref_blank_common_items(old: str, new: str, key: str = "rules",
                            optional: tuple[str, ...] = ()) -> tuple[str, str] | None:
    a, b = _RefLines(old), _RefLines(new)
    ea, eb = _ref_entries(a), _ref_entries(b)
    if ea is None or eb is None or key not in ea or key not in eb:
        return None
    keep: set[str] = set()
    sa, sb = ea.get("regional_overrides"), eb.get("regional_overrides")
    if (sa and a.text(sa)) != (sb and b.text(sb)):
        for t, span in ((a, sa), (b, sb)):
            if span is not None:
                keep.update(_NAMED_RULE.findall(t.text(span)))
    blanked = _ref_blank_common(a, ea[key], b, eb[key], keep=keep)
    for name in optional:
        sa, sb = ea.get(name), eb.get(name)
        if sa is not None and sb is not None and a.text(sa) == b.text(sb):
            a.blank([sa])
            b.blank([sb])
            blanked = True
    return ("\n".join(a.lines), "\n".join(b.lines)) if blanked else None


def _ref_blank_common(a: _RefLines, sa: tuple[int, int], b: _RefLines, sb: tuple[int, int],
                      nested: tuple[tuple[str, ...], ...] = (("examples", "violating"), ("examples", "allowed")),
                      keep: set[str] | None = None) -> bool:
    ia, ib = _ref_items(a, *sa), _ref_items(b, *sb)
    if not ia or not ib:
        return False
    common = Counter(a.text(x) for x in ia) & Counter(b.text(x) for x in ib)
    if keep:
        for item in list(common):
            m = _ITEM_ID.match(item)
            if m is None or m.group(1) in keep:
                del common[item]
    blanked = False
    for t, items in ((a, ia), (b, ib)):
        left = common.copy()
        drop = []
        for span in items:
            text = t.text(span)
            if left[text] > 0:
                left[text] -= 1
                drop.append(span)
        t.blank(drop)
        blanked = blanked or bool(drop)
    if not nested:
        return blanked
    heads = {a.lines[x[0]]: x for x in ia if a.lines[x[0]]}
    for yb in ib:
        head = b.lines[yb[0]]
        if not head or head not in heads:
            continue
        xa = heads.pop(head)
        for path in nested:
            pa, pb = _ref_descend(a, xa, path), _ref_descend(b, yb, path)
            if pa is not None and pb is not None:
                blanked = _ref_blank_common(a, pa, b, pb, ()) or blanked
    return blanked


def _ref_descend(t: _RefLines, span: tuple[int, int], path: tuple[str, ...]) -> tuple[int, int] | None:
    for key in path:
        kids = _ref_children(t, *span)
        if kids is None or key not in kids:
            return None
        span = kids[key]
    return span


# --- generated policies and edits of them -----------------------------------------------

_WORDS = st.sampled_from(["label", "remove", "ad_restrict", "Users over 18.", "'quoted'", '"double"', "x # c"])


@st.composite
def _rule(draw: st.DrawFn, n: int, pad: str) -> list[str]:
    inner = pad + draw(st.sampled_from(["  ", "  ", "   "]))
    lines = [f"{pad}- id: R{n}", f"{inner}title: Rule {draw(st.integers(0, 2))}", f"{inner}action: {draw(_WORDS)}"]
    if draw(st.booleans()):
        lines += [f"{inner}text: >-", f"{inner}  Some text {draw(st.integers(0, 2))}", f"{inner}  more"]
    if draw(st.booleans()):
        lines.append(f"{inner}examples:")
        ex = inner + draw(st.sampled_from(["  ", "  ", " "]))
        for kind in draw(st.lists(st.sampled_from(["violating", "allowed", "other"]), max_size=3, unique=True)):
            lines.append(f"{ex}{kind}:")
            item = ex + draw(st.sampled_from(["  ", "  ", ""]))  # a sequence may sit at its key's indentation
            for j in range(draw(st.integers(0, 3))):
                lines += [f"{item}- id: {kind[0]}{draw(st.integers(0, j + 1))}",
                          f"{item}  text: {draw(_WORDS)}"]
    return lines


@st.composite
def _policy(draw: st.DrawFn) -> list[str]:
    lines = ["id: P1", "title: A policy"]
    lines += draw(st.lists(st.sampled_from(["summary: s", "tags: [a, b]", "owners:\n  - team-a", "markets: [US]",
                                            "# a comment", "", "body: |\n  text"]), max_size=3, unique=True))
    lines.append("rules:")
    pad = draw(st.sampled_from(["  ", "  ", "    ", ""]))  # "": items at column 0, which the module refuses
    for n in range(draw(st.integers(1, 5))):
        lines += draw(_rule(draw(st.integers(1, 4)) if draw(st.booleans()) else n, pad))
    if draw(st.booleans()):
        lines.append("regional_overrides:")
        for _ in range(draw(st.integers(0, 2))):
            lines += [f"{pad}- market: FR", f"{pad}  rule: R{draw(st.integers(0, 4))}",
                      f"{pad}  action: {draw(_WORDS)}"]
    lines += draw(st.lists(st.sampled_from(["related: [P2]", "codes: [c]", ""]), max_size=2, unique=True))
    return "\n".join(lines).split("\n")


_SNIPPETS = ["", "  ", "\t", "\r", " \t ", "# comment", "    # deep comment", "rules: [R1, R2]", "rules:",
             "- id: R1", "  - id: R1", "  - id: R2", "    action: remove", "    action: label", "    examples:",
             "      violating:", "        - id: v0", "          text: new", "      - id: v1", " odd: 1", "...", "---",
             "key: value  # note", "  -", "\ttab: 1", "regional_overrides:", "  - market: DE", "    rule: R1",
             "  rule: R3", "{a: 1}", "- top", "id: P2", "title: Renamed", "  - id: R1  # same", "    -"]
_EDITS = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete", "copy", "tweak", "tweak"]),
                            st.integers(0, 200), st.integers(0, 200), st.sampled_from(_SNIPPETS)), max_size=3)
_RARELY = st.sampled_from([False] * 7 + [True])  # CRLF and tabs: layouts the module mostly refuses


def _edit(lines: list[str], edits: list[tuple[str, int, int, str]]) -> list[str]:
    out = list(lines)
    for op, at, other, snippet in edits:
        at = at % (len(out) + 1)
        if op == "insert" or not out:
            out.insert(at, snippet)
        elif op == "replace":
            out[at % len(out)] = snippet
        elif op == "delete":
            del out[at % len(out)]
        elif op == "copy":
            out.insert(at, out[other % len(out)])
        else:  # a value changed in place: the layout stays, an item differs
            out[at % len(out)] += " x"
    return out


def _join(lines: list[str], crlf: bool, tabs: bool) -> str:
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    return text.replace("\n    ", "\n\t  ", 1) if tabs else text


@given(_policy(), _EDITS, _EDITS, _RARELY, st.booleans(), _RARELY)
@settings(max_examples=600, deadline=None)
def test_blank_common_items_agrees_with_the_reference(base: list[str], shared: list[tuple[str, int, int, str]],
                                                      edits: list[tuple[str, int, int, str]], crlf: bool,
                                                      crlf_new: bool, tabs: bool) -> None:
    # both versions carry the same odd edits; the newer one a few more
    old_lines = _edit(base, shared)
    old = _join(old_lines, crlf, tabs)
    new = _join(_edit(old_lines, edits), crlf and crlf_new, tabs)
    for a, b in ((old, new), (new, old)):
        assert blank_common_items(a, b) == _ref_blank_common_items(a, b)
        assert blank_common_items(a, b, optional=_SKIPPABLE) == _ref_blank_common_items(a, b, optional=_SKIPPABLE)


def test_the_generated_pairs_reach_the_nested_examples() -> None:
    """The property above is only as good as its inputs: this pair skips shared
    examples inside a changed rule, the deepest path of the module."""
    base = ["id: P1", "rules:", "  - id: R1", "    action: label", "    examples:", "      violating:",
            "        - id: v0", "          text: a", "        - id: v1", "          text: b", "      allowed:",
            "      - id: a0", "        text: c", "  - id: R2", "    action: remove"]
    new = [*base[:3], "    action: remove", *base[4:]]
    old_text, new_text = "\n".join(base), "\n".join(new)
    got = blank_common_items(old_text, new_text)
    assert got == _ref_blank_common_items(old_text, new_text)
    assert got is not None
    assert "- id: v0" not in got[1] and "- id: a0" not in got[1] and "- id: R2" not in got[1]
    assert "- id: R1" in got[1]
