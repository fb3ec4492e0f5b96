"""Skip what two versions of a YAML document share, before parsing either.

A policy is mostly its list of rules, and a change usually touches one or two
of them. Rules whose text is the same in both versions are blanked out (each
line emptied, so that every remaining line keeps its number and every span
stays right) and the rest is parsed: the cost follows the change, not the
size of the document. The split is textual and conservative: a layout it does
not recognise gives None, and the caller parses everything.
"""

from __future__ import annotations

import re

__all__ = ["blank_common_items", "front_matter_bounds"]

_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
_ITEM = re.compile(r"( *)- ")
# the closing '---' (or '...') line, found from the newline before it (a literal first
# character lets the regex engine skip ahead; a MULTILINE '^' tried every position)
_CLOSE = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\n|\Z)")
_NAMED_RULE = re.compile(r"^[ \t]*(?:- )?rule[ \t]*:[ \t]*['\"]?([^'\"#\s]+)", re.MULTILINE)
_ITEM_ID = re.compile(r" *- id[ \t]*:[ \t]*['\"]?([^'\"#\s]+)")


def front_matter_bounds(text: str) -> tuple[int, int] | None:
    """Character offsets of the YAML between the '---' lines of a Markdown file."""
    if not text.startswith(("---\n", "---\r\n")):
        return None
    start = text.index("\n") + 1
    m = _CLOSE.search(text, start - 1)
    return (start, m.start() + 1) if m else None


class _Lines:
    """A YAML text as lines, with each line's indentation (-1: blank or comment)."""

    __slots__ = ("indent", "lines")

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


def _entries(t: _Lines) -> dict[str, tuple[int, int]] | None:
    """Top-level key -> (first line, end line) of its entry."""
    found: dict[str, tuple[int, int]] = {}
    key: str | None = None
    start = 0
    for i, line in enumerate(t.lines):
        k = t.indent[i]
        if k != 0:
            if k < 0 or key is not None:
                continue
            return None  # indented text before the first key
        if not _KEY.match(line):
            return None  # a top-level sequence, a flow mapping, a document marker ...
        if key is not None:
            found[key] = (start, i)
        key, start = line.split(":", 1)[0].strip(), i
        if key in found:
            return None
    if key is not None:
        found[key] = (start, len(t.lines))
    return found


def _items(t: _Lines, start: int, end: int) -> list[tuple[int, int]] | None:
    """(first line, end line) of each item of the block sequence that is entry [start, end)."""
    if t.lines[start].split(":", 1)[1].split("#", 1)[0].strip():
        return None  # a flow sequence or a scalar on the key line
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


def _children(t: _Lines, start: int, end: int) -> dict[str, tuple[int, int]] | None:
    """Entries of the mapping that is the value at line ``start`` (a "key:" line or a
    "- key: value" sequence item), by key, as (first line, end line)."""
    head = t.lines[start]
    indent: int | None = None
    found: dict[str, tuple[int, int]] = {}
    key: str | None = None
    key_start = start
    m = _ITEM.match(head)
    if m is not None:  # the item's first key sits on the dash line
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
            continue  # a sequence at the key's own indentation belongs to the key
        if not _KEY.match(line, k):
            return None
        if key is not None:
            found[key] = (key_start, i)
        key, key_start = line[k:].split(":", 1)[0].strip(), i
    if key is not None:
        found[key] = (key_start, end)
    return found


def blank_common_items(old: str, new: str, key: str = "rules",
                       optional: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The two texts with the items of ``key`` they share blanked (and, inside items
    that changed, the examples they share), plus the ``optional`` top-level entries
    that are the same in both; or None when the layout is not a plain block
    sequence or nothing is shared. Rules that a changed regional override names are
    kept: the impact of an override is measured against its rule's action."""
    a, b = _Lines(old), _Lines(new)
    ea, eb = _entries(a), _entries(b)
    if ea is None or eb is None or key not in ea or key not in eb:
        return None
    keep: set[str] = set()
    sa, sb = ea.get("regional_overrides"), eb.get("regional_overrides")
    if (sa and a.text(sa)) != (sb and b.text(sb)):
        for t, span in ((a, sa), (b, sb)):
            if span is not None:
                keep.update(_NAMED_RULE.findall(t.text(span)))
    blanked = _blank_common(a, ea[key], b, eb[key], keep=keep)
    for name in optional:
        sa, sb = ea.get(name), eb.get(name)
        if sa is not None and sb is not None and a.text(sa) == b.text(sb):
            a.blank([sa])
            b.blank([sb])
            blanked = True
    return ("\n".join(a.lines), "\n".join(b.lines)) if blanked else None


def _blank_common(a: _Lines, sa: tuple[int, int], b: _Lines, sb: tuple[int, int],
                  nested: tuple[tuple[str, ...], ...] = (("examples", "violating"), ("examples", "allowed")),
                  keep: set[str] | None = None) -> bool:
    """Blank the items two block sequences share (except those whose id is in
    ``keep``, or whose id cannot be read when ``keep`` is set); then, inside the
    items that differ but keep their first line (a rule by id), the items of the
    ``nested`` sequences they share. True when something was blanked."""
    ia, ib = _items(a, *sa), _items(b, *sb)
    if not ia or not ib:
        return False
    texts_a, texts_b = [a.text(x) for x in ia], [b.text(x) for x in ib]
    shared = set(texts_a).intersection(texts_b)
    if keep:
        shared = {item for item in shared if (m := _ITEM_ID.match(item)) is not None and m.group(1) not in keep}
    blanked = False
    if shared:
        for t, items, texts, others in ((a, ia, texts_a, texts_b), (b, ib, texts_b, texts_a)):
            drop = _repeated(items, texts, others, shared)
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
        # the paths share their first steps ("examples"), so each side's mappings are
        # read once; finding every path before blanking any gives the spans found one
        # by one, as the lines blanked sit deeper than the keys read on the way down
        seen_a: dict[tuple[int, int], dict[str, tuple[int, int]] | None] = {}
        seen_b: dict[tuple[int, int], dict[str, tuple[int, int]] | None] = {}
        found = [(_descend(a, xa, path, seen_a), _descend(b, yb, path, seen_b)) for path in nested]
        for pa, pb in found:
            if pa is not None and pb is not None:
                blanked = _blank_common(a, pa, b, pb, ()) or blanked
    return blanked


def _repeated(spans: list[tuple[int, int]], texts: list[str], others: list[str],
              shared: set[str]) -> list[tuple[int, int]]:
    """The spans whose text (one of ``shared``) the other side has too: of a text the
    two sides hold m and n times, its first min(m, n) here. (A multiset intersection,
    without Counter: these lists are short, and Counter's set-up costs more than the work.)"""
    left: dict[str, int] = {}
    for text in others:
        if text in shared:
            left[text] = left.get(text, 0) + 1
    drop = []
    for span, text in zip(spans, texts, strict=True):
        if left.get(text, 0) > 0:
            left[text] -= 1
            drop.append(span)
    return drop


def _descend(t: _Lines, span: tuple[int, int], path: tuple[str, ...],
             seen: dict[tuple[int, int], dict[str, tuple[int, int]] | None]) -> tuple[int, int] | None:
    """The span of the value at ``path`` in the mapping at ``span``; ``seen`` keeps the
    mappings read so far, by span."""
    for key in path:
        if span not in seen:
            seen[span] = _children(t, *span)
        kids = seen[span]
        if kids is None or key not in kids:
            return None
        span = kids[key]
    return span
