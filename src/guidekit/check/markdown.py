"""The structure of a Markdown body that lint rules need: headings, sections, links.

Blocks and headings come from the one reader (guidekit.loading.markdown), so a
section check sees is a section of the handbook, the exports and diff; heading
anchors are the ids the handbook gives them. Links are inline links
``[text](target)`` outside code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidekit.loading.markdown import heading_ids, read_blocks, split_lines, without_comments

__all__ = ["Heading", "MarkdownDoc", "MdLink", "Section", "parse_markdown"]

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target><[^>\n]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str
    line: int  # 1-based line in the file
    col: int
    id: str  # its anchor in a handbook, unique within the body


@dataclass(frozen=True, slots=True)
class Section:
    heading: Heading
    content_lines: int  # non-blank lines before the next heading of any level
    has_subsections: bool


@dataclass(frozen=True, slots=True)
class MdLink:
    text: str
    target: str
    line: int  # 1-based line in the file
    col: int
    end_col: int


@dataclass(frozen=True, slots=True)
class MarkdownDoc:
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    links: tuple[MdLink, ...]
    first_line: int  # 1-based file line where the body starts

    def anchors(self) -> frozenset[str]:
        return frozenset(h.id for h in self.headings)


def parse_markdown(body: str, body_line: int = 0) -> MarkdownDoc:
    """Read ``body``, whose first line is the file's 0-based line ``body_line``."""
    text = without_comments(body)  # suppressions and notes to editors are not content
    lines = split_lines(text)
    blocks = read_blocks(text)
    heads = [b for b in blocks if b.level]
    ids = heading_ids([b.title for b in heads])
    headings = [Heading(b.level, b.title, body_line + b.start + 1, b.col, hid)
                for b, hid in zip(heads, ids, strict=True)]
    sections = []
    for n, head in enumerate(heads):
        nxt = heads[n + 1] if n + 1 < len(heads) else None
        content = sum(1 for ln in lines[head.end: nxt.start if nxt else len(lines)] if ln.strip())
        subs = nxt is not None and nxt.level > head.level
        sections.append(Section(headings[n], content, subs))
    links: list[MdLink] = []
    if "](" in text:
        for b in blocks:
            if b.kind in ("fence", "code"):
                continue
            for i in range(b.start, b.end):
                line = lines[i]
                if "](" not in line:
                    continue
                scan = _CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line)
                for lk in _LINK.finditer(scan):
                    target = lk.group("target").strip("<>")
                    links.append(MdLink(lk.group("text"), target, body_line + i + 1,
                                        lk.start("target") + 1, lk.end("target") + 1))
    return MarkdownDoc(tuple(headings), tuple(sections), tuple(links), body_line + 1)
