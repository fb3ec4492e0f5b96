"""Markdown bodies: blocks under heading paths, aligned across two revisions.

The whole body is aligned block by block (paragraphs, list items, tables,
code, headings), so a heading that comes or goes does not make the text under
it look new; each changed block is then filed under the section (heading
path) it belongs to. A document without headings is one section of
paragraphs. Blocks that differ only in whitespace are reported as reflows.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from guidekit.diff.model import ChangeKind, Impact, ParagraphChange, SectionChange
from guidekit.diff.redline import normalize, overlap, word_bag, word_redline
from guidekit.findings import SourceSpan
from guidekit.loading.markdown import read_blocks, split_lines

__all__ = ["Block", "diff_bodies", "split_blocks"]

_PAIR_LIMIT = 2_500  # block pairs to score in one replaced run before pairing by position


class Block(NamedTuple):
    text: str  # the source lines, as written
    line: int  # 0-based line within the body
    heading: tuple[str, ...]  # the heading path the block sits under (its own, for a heading)
    level: int = 0  # 1-6 for a heading block

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
            path.append((b.level, normalize(b.title) or "(untitled)"))
            here = tuple([title for _lvl, title in path])
            blocks.append(Block(text, b.start, here, b.level))
        else:
            blocks.append(Block(text, b.start, here))
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


def diff_bodies(old: str, new: str, old_side: tuple[str, int],
                new_side: tuple[str, int]) -> list[SectionChange]:
    """Section changes between two Markdown bodies; [] when they are the same text."""
    if old == new:
        return []
    a, b = split_blocks(old), split_blocks(new)
    sa, sb = _Side(*old_side), _Side(*new_side)
    # paragraph changes filed by section key, plus heading renames
    found: list[tuple[float, tuple[str, ...], ParagraphChange]] = []
    renamed: dict[tuple[str, ...], tuple[str, ...]] = {}
    deleted: list[tuple[int, Block]] = []
    inserted: list[tuple[int, Block]] = []
    keys_a, keys_b = [x.key for x in a], [x.key for x in b]  # each normalized once
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # the same words: a block whose text differs was reflowed
            for oi, nj in zip(range(i1, i2), range(j1, j2), strict=True):
                if a[oi].text != b[nj].text:
                    found.append((nj, b[nj].heading, _modified(a[oi], b[nj], sa, sb, reflow=True)))
            continue
        pairs = _pair(a[i1:i2], b[j1:j2])
        used_a = {p for p, _ in pairs}
        used_b = {q for _, q in pairs}
        for p, q in pairs:
            ob, nb = a[i1 + p], b[j1 + q]
            if ob.level and nb.level:
                renamed[nb.heading] = ob.heading
            found.append((j1 + q, nb.heading, _modified(ob, nb, sa, sb, reflow=keys_a[i1 + p] == keys_b[j1 + q])))
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


def _modified(ob: Block, nb: Block, sa: _Side, sb: _Side, *, reflow: bool) -> ParagraphChange:
    """``reflow``: the blocks have the same key (the same words)."""
    runs = (("equal", nb.text),) if reflow else tuple(word_redline(ob.text, nb.text))
    return ParagraphChange(ChangeKind.MODIFIED, ob.text, nb.text, redline=runs, reflow=reflow,
                           span=sb.span(nb))


def _pair(old: Sequence[Block], new: Sequence[Block]) -> list[tuple[int, int]]:
    """Pair blocks of a replaced run, in order, by wording; headings pair with headings."""
    if not old or not new:
        return []
    if len(old) * len(new) > _PAIR_LIMIT:
        return [(k, k) for k in range(min(len(old), len(new)))
                if bool(old[k].level) == bool(new[k].level)]
    pairs: list[tuple[int, int]] = []
    start = 0
    bags_new = [word_bag(b.text) for b in new]
    for p, ob in enumerate(old):
        best, best_q = 0.0, -1
        bag = word_bag(ob.text)
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
        if old_heading is None:
            # a renamed parent renames the path of every section below it
            for new_prefix, old_prefix in renamed.items():
                if heading[: len(new_prefix)] == new_prefix and heading not in base_paths:
                    old_heading = old_prefix + heading[len(new_prefix):]
                    break
        if old_heading is not None and old_heading != heading:
            kind = ChangeKind.MOVED
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
            old_heading=old_heading if kind is ChangeKind.MOVED else None,
            reflow=all(c.reflow for c in changes),
            paragraphs=changes,
            span=span,
        ))
    return out
