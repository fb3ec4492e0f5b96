"""Markdown bodies: blocks under heading paths, aligned across two revisions.

The whole body is aligned block by block (paragraphs, list items, tables,
code, headings), so a heading that comes or goes does not make the text under
it look new; each changed block is then filed under the section (heading
path) it belongs to. A document without headings is one section of
paragraphs. Blocks that differ only in whitespace are reported as reflows.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from typing import NamedTuple

from guidekit.diff.model import ChangeKind, Impact, ParagraphChange, Redline, SectionChange
from guidekit.diff.redline import normalize, overlap, space_marks, word_bag, word_key, word_redline
from guidekit.findings import SourceSpan
from guidekit.loading.markdown import heading_text, read_blocks, split_lines

__all__ = ["Block", "diff_bodies", "split_blocks"]

_MARKUP_ONLY = re.compile(r"[\s\-=*_|:#>+`~]*")  # a block of rule or underline characters alone
_PAIR_LIMIT = 4_000  # block pairs to score in one replaced run (beyond: only blocks with the same words pair)
_UNDER = 60  # blocks under a heading whose words are compared when pairing headings


# named tuple, measured hot: one per body block compared (11,000 in a 500-policy diff)
class Block(NamedTuple):
    text: str  # the source lines, as written
    line: int  # 0-based line within the body
    heading: tuple[str, ...]  # the heading path the block sits under (its own, for a heading)
    level: int = 0  # 1-6 for a heading block
    rule: bool = False  # a thematic break (* * *, ---): markup, no words

    @property
    def key(self) -> str:
        return normalize(self.text) if not self.level else f"{self.level}:{self.heading[-1]}"


def split_blocks(body: str) -> list[Block]:
    """Blocks of a Markdown body (as the one reader splits it) with their heading paths."""
    lines = split_lines(body)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    here: tuple[str, ...] = ()  # the heading path of ``path``, built when a heading changes it
    for b in read_blocks(body):
        text = lines[b.start] if b.end - b.start == 1 else "\n".join(lines[b.start:b.end])
        if b.level:
            while path and path[-1][0] >= b.level:
                path.pop()
            path.append((b.level, normalize(heading_text(b.title)) or "(untitled)"))
            here = tuple([title for _lvl, title in path])
            blocks.append(Block(text, b.start, here, b.level))
        else:
            blocks.append(Block(text, b.start, here, 0, b.kind == "hr"))
    return blocks


class _Side:
    """One version's body: its file and the 0-based line of the body within it. (A plain
    class: a named tuple costs ~0.2 ms to create when the module loads, on the way to
    every diff.)"""

    __slots__ = ("line_offset", "path")

    def __init__(self, path: str, line_offset: int) -> None:
        self.path, self.line_offset = path, line_offset

    def span(self, block: Block) -> SourceSpan:
        return SourceSpan(self.path, self.line_offset + block.line + 1, 1)


def diff_bodies(old: str, new: str, old_side: tuple[str, int], new_side: tuple[str, int],
                old_blocks: list[Block] | None = None, new_blocks: list[Block] | None = None,
                ) -> list[SectionChange]:
    """Section changes between two Markdown bodies; [] when they are the same text.
    ``old_blocks``/``new_blocks``: the bodies' blocks when the caller has split them already."""
    if old == new:
        return []
    a = old_blocks if old_blocks is not None else split_blocks(old)
    b = new_blocks if new_blocks is not None else split_blocks(new)
    # thematic breaks are markup: left out unless they are all that changed
    ra, rb = [x for x in a if not _markup_only(x)], [x for x in b if not _markup_only(x)]
    if (len(ra) != len(a) or len(rb) != len(b)) and [x.text for x in ra] != [x.text for x in rb]:
        a, b = ra, rb
    sa, sb = _Side(*old_side), _Side(*new_side)
    # paragraph changes filed by section key, plus heading renames
    found: list[tuple[float, tuple[str, ...], ParagraphChange]] = []
    renamed: dict[tuple[str, ...], tuple[str, ...]] = {}
    deleted: list[tuple[int, Block]] = []
    inserted: list[tuple[int, Block]] = []
    keys_a, keys_b = [x.key for x in a], [x.key for x in b]  # each normalized once
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    runs = _Runs(a, b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # the same words: a block whose text differs was reflowed
            for oi, nj in zip(range(i1, i2), range(j1, j2), strict=True):
                if a[oi].text != b[nj].text:
                    found.append((nj, b[nj].heading, _modified(a[oi], b[nj], sb)))
            continue
        pairs = runs.pair(i1, i2, j1, j2)
        used_a = {p for p, _ in pairs}
        used_b = {q for _, q in pairs}
        for p, q in pairs:
            ob, nb = a[p], b[q]
            if ob.level and ob.heading != nb.heading:
                renamed[nb.heading] = ob.heading
            found.append((q, nb.heading, _modified(ob, nb, sb)))
        deleted += [(j1, a[p]) for p in range(i1, i2) if p not in used_a]
        inserted += [(q, b[q]) for q in range(j1, j2) if q not in used_b]
    # a block deleted in one place and inserted word for word in another was moved
    by_key: dict[str, list[tuple[int, Block]]] = {}
    for pos, blk in inserted:
        by_key.setdefault(blk.key, []).append((pos, blk))
    head_paths = {blk.heading for blk in b}
    old_to_new = {old_h: new_h for new_h, old_h in renamed.items()}
    for pos, blk in deleted:
        twins = by_key.get(blk.key)
        if twins:
            npos, nblk = twins.pop(0)
            inserted.remove((npos, nblk))
            found.append((npos, nblk.heading, ParagraphChange(
                ChangeKind.MOVED, blk.text, nblk.text, span=sb.span(nblk))))
            continue
        # filed under its own heading path, or the path it was renamed to (a removed
        # heading is its own section)
        home = blk.heading if blk.level else _renamed_path(blk.heading, old_to_new)
        found.append((pos - 0.5, home, ParagraphChange(
            ChangeKind.REMOVED, blk.text, "", redline=(("delete", blk.text),), span=sa.span(blk))))
    for pos, blk in inserted:
        found.append((pos, blk.heading, ParagraphChange(
            ChangeKind.ADDED, "", blk.text, redline=(("insert", blk.text),), span=sb.span(blk))))
    return _sections(found, {x.heading for x in a}, head_paths, renamed, sb, b)


def _markup_only(blk: Block) -> bool:
    return blk.rule or (not blk.level and _MARKUP_ONLY.fullmatch(blk.text) is not None)


def _renamed_path(path: tuple[str, ...], old_to_new: dict[tuple[str, ...], tuple[str, ...]]) -> tuple[str, ...]:
    """A base heading path as it reads at head when it, or a heading above it, was renamed."""
    for k in range(len(path), 0, -1):
        new = old_to_new.get(path[:k])
        if new is not None:
            return new + path[k:]
    return path


def _modified(ob: Block, nb: Block, sb: _Side) -> ParagraphChange:
    """Two paired blocks. The same words (markup and whitespace aside) are a reflow: a
    heading whose only change is its syntax, a list whose bullets changed, a rewrapped
    paragraph; a space a reader can see come or go is marked in the redline."""
    same = (ob.heading[-1] == nb.heading[-1] if ob.level and nb.level
            else word_key(ob.text) == word_key(nb.text))
    if same:
        runs: Redline = tuple(space_marks(ob.text, nb.text)) if not ob.level else ()
        return ParagraphChange(ChangeKind.MODIFIED, ob.text, nb.text, redline=runs or (("equal", nb.text),),
                               reflow=True, span=sb.span(nb))
    return ParagraphChange(ChangeKind.MODIFIED, ob.text, nb.text, redline=tuple(word_redline(ob.text, nb.text)),
                           span=sb.span(nb))


_FOLD = re.compile(r"[^\w]+|_", re.UNICODE)


def _title_words(title: str) -> Counter[str]:
    """A heading's words (its title as a page shows it), case- and punctuation-folded."""
    return Counter(w for w in _FOLD.split(title.casefold()) if w)


class _Runs:
    """Pairs the blocks of replaced runs of two bodies by meaning.

    Blocks with the same words pair first (headings on their folded titles, so a
    case-only rename pairs with its old self); the rest pair by an optimal
    in-order assignment: paragraphs on the words they share, headings on their
    titles' words, their level and the words of the blocks under them, so that a
    heading pairs with another only when it says the same thing or heads the same
    text. Unpaired blocks are insertions and removals.
    """

    __slots__ = ("a", "b", "bags", "content")

    def __init__(self, a: list[Block], b: list[Block]) -> None:
        self.a, self.b = a, b
        self.bags: dict[tuple[int, int], Counter[str]] = {}
        self.content: dict[tuple[int, int], Counter[str]] = {}

    def _fold_key(self, side: int, k: int) -> str:
        blk = (self.a, self.b)[side][k]
        if blk.level:
            return "#" + " ".join(sorted(_title_words(blk.heading[-1])))
        return word_key(blk.text)

    def _bag(self, side: int, k: int) -> Counter[str]:
        bag = self.bags.get((side, k))
        if bag is None:
            blk = (self.a, self.b)[side][k]
            bag = self.bags[(side, k)] = _title_words(blk.heading[-1]) if blk.level else word_bag(blk.text)
        return bag

    def _under(self, side: int, k: int) -> Counter[str]:
        """The words of the blocks a heading heads (up to the next heading of its level
        or above, at most _UNDER blocks)."""
        got = self.content.get((side, k))
        if got is None:
            blocks = (self.a, self.b)[side]
            level = blocks[k].level
            got = Counter()
            for m in range(k + 1, min(len(blocks), k + 1 + _UNDER)):
                if blocks[m].level and blocks[m].level <= level:
                    break
                got.update(word_bag(blocks[m].text) if not blocks[m].level else self._bag(side, m))
            self.content[(side, k)] = got
        return got

    def _score(self, p: int, q: int) -> float:
        ob, nb = self.a[p], self.b[q]
        if bool(ob.level) != bool(nb.level):
            return 0.0
        if not ob.level:
            s = overlap(self._bag(0, p), self._bag(1, q))
            return s if s >= 0.4 else 0.0
        title = overlap(self._bag(0, p), self._bag(1, q)) if (self._bag(0, p) & self._bag(1, q)) else 0.0
        under_a, under_b = self._under(0, p), self._under(1, q)
        under = overlap(under_a, under_b) if under_a and under_b else 0.0
        if not (title >= 0.5 or under >= 0.5 or (title and under >= 0.25)):
            return 0.0
        return 0.5 * title + 0.5 * under + (0.1 if ob.level == nb.level else 0.0)

    def pair(self, i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int]]:
        """Pairs (index in a, index in b) in order within a[i1:i2] and b[j1:j2]."""
        if i1 == i2 or j1 == j2:
            return []
        fa = [self._fold_key(0, p) for p in range(i1, i2)]
        fb = [self._fold_key(1, q) for q in range(j1, j2)]
        pairs: list[tuple[int, int]] = []
        p0, q0 = i1, j1
        for tag, x1, x2, y1, y2 in SequenceMatcher(None, fa, fb, autojunk=False).get_opcodes():
            if tag == "equal":
                pairs += self._assign(p0, i1 + x1, q0, j1 + y1)
                pairs += [(i1 + x1 + k, j1 + y1 + k) for k in range(x2 - x1)]
                p0, q0 = i1 + x2, j1 + y2
        pairs += self._assign(p0, i2, q0, j2)
        return pairs

    def _assign(self, i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int]]:
        """The in-order pairing of a[i1:i2] with b[j1:j2] of the highest total score
        (dynamic programming over the run; a run too large to score pairs nothing)."""
        n, m = i2 - i1, j2 - j1
        if not n or not m or n * m > _PAIR_LIMIT:
            return []
        score = [[self._score(i1 + x, j1 + y) for y in range(m)] for x in range(n)]
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        for x in range(n - 1, -1, -1):
            row, below, cur = score[x], best[x + 1], best[x]
            for y in range(m - 1, -1, -1):
                v = max(below[y], cur[y + 1])
                if row[y] and row[y] + below[y + 1] > v:
                    v = row[y] + below[y + 1]
                cur[y] = v
        out: list[tuple[int, int]] = []
        x = y = 0
        while x < n and y < m:
            if score[x][y] and best[x][y] == score[x][y] + best[x + 1][y + 1]:
                out.append((i1 + x, j1 + y))
                x += 1
                y += 1
            elif best[x][y] == best[x + 1][y]:
                x += 1
            else:
                y += 1
        return out


def _sections(
    found: list[tuple[float, tuple[str, ...], ParagraphChange]],
    base_paths: set[tuple[str, ...]],
    head_paths: set[tuple[str, ...]],
    renamed: dict[tuple[str, ...], tuple[str, ...]],
    sb: _Side,
    head_blocks: list[Block],
) -> list[SectionChange]:
    first_line: dict[tuple[str, ...], int] = {}
    for blk in head_blocks:
        first_line.setdefault(blk.heading, blk.line)
    grouped: dict[tuple[str, ...], list[tuple[float, ParagraphChange]]] = {}
    order: dict[tuple[str, ...], float] = {}
    for pos, heading, change in found:
        grouped.setdefault(heading, []).append((pos, change))
        order[heading] = min(order.get(heading, pos), pos)
    out = []
    for heading in sorted(grouped, key=lambda h: order[h]):
        changes = tuple(c for _p, c in sorted(grouped[heading], key=lambda x: x[0]))
        old_heading = renamed.get(heading)
        if old_heading is None and heading not in base_paths:
            # a renamed parent renames the path of every section below it
            for new_prefix, old_prefix in renamed.items():
                if heading[: len(new_prefix)] == new_prefix:
                    old_heading = old_prefix + heading[len(new_prefix):]
                    break
        if old_heading is not None and old_heading != heading:
            # its own title reworded: renamed; the same title under other headings: moved
            same_title = bool(old_heading) and bool(heading) and old_heading[-1] == heading[-1]
            kind = ChangeKind.MOVED if same_title else ChangeKind.RENAMED
        elif heading in head_paths and heading in base_paths:
            kind = ChangeKind.MODIFIED
        elif heading in head_paths:
            kind = ChangeKind.ADDED
        else:
            kind = ChangeKind.REMOVED
        span = (SourceSpan(sb.path, sb.line_offset + first_line[heading] + 1, 1)
                if heading in first_line else changes[0].span)
        out.append(SectionChange(
            heading=heading,
            change=kind,
            impact=Impact.EDITORIAL,
            old_heading=old_heading if kind in (ChangeKind.MOVED, ChangeKind.RENAMED) else None,
            reflow=all(c.reflow for c in changes),
            paragraphs=changes,
            span=span,
        ))
    return out
