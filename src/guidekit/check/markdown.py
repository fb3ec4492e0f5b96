"""The structure of a Markdown body that lint rules need: headings, sections, links.

A line scanner, not a full CommonMark parser: it understands ATX headings
(``## Title``), fenced code blocks (skipped), inline code spans (skipped) and
inline links ``[text](target)``. That covers how guidance is written and is
fast enough to run on every document of a large corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Heading", "MarkdownDoc", "MdLink", "Section", "parse_markdown", "slugify"]

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target><[^>\n]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def slugify(title: str) -> str:
    """The anchor GitHub and most site generators give a heading."""
    text = re.sub(r"[*_`]", "", title.strip().lower())
    return _SLUG_DROP.sub("", text).replace(" ", "-")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str
    line: int  # 1-based line in the file
    col: int

    @property
    def slug(self) -> str:
        return slugify(self.title)


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
        return frozenset(h.slug for h in self.headings)


def _blank_comments(body: str) -> str:
    # HTML comments (suppressions, notes to editors) are not content; keep line numbers
    if "<!--" not in body:
        return body
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)


def parse_markdown(body: str, body_line: int = 0) -> MarkdownDoc:
    """Scan ``body``, whose first line is the file's 0-based line ``body_line``."""
    headings: list[Heading] = []
    links: list[MdLink] = []
    counts: list[int] = []  # non-blank content lines after each heading
    fence: str | None = None
    for i, line in enumerate(_blank_comments(body).split("\n")):
        lineno = body_line + i + 1
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            if counts:
                counts[-1] += 1
            continue
        if m:
            fence = m.group(1)
            if counts:
                counts[-1] += 1
            continue
        h = _HEADING.match(line)
        if h:
            headings.append(Heading(len(h.group(1)), h.group(2).strip(), lineno, h.start(2) + 1))
            counts.append(0)
            continue
        if line.strip() and counts:
            counts[-1] += 1
        if "](" in line:
            scan = _CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line)
            for lk in _LINK.finditer(scan):
                target = lk.group("target").strip("<>")
                links.append(MdLink(lk.group("text"), target, lineno, lk.start("target") + 1,
                                    lk.end("target") + 1))
    sections = []
    for n, head in enumerate(headings):
        nxt = headings[n + 1] if n + 1 < len(headings) else None
        subs = nxt is not None and nxt.level > head.level
        sections.append(Section(head, counts[n], subs))
    return MarkdownDoc(tuple(headings), tuple(sections), tuple(links), body_line + 1)
