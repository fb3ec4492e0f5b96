"""The one reading of a Markdown body: its blocks, headings, sections and heading ids.

Every part of guidekit that needs the structure of a body (check's section and
link rules, the handbook, the Markdown handbook, exports and diff's block
alignment) reads it here, so that a heading one of them sees is a heading for
all of them.

The reader follows CommonMark's block structure as markdown-it-py parses it
(with tables on and raw HTML off, the handbook's renderer): ATX headings
indented by up to three spaces (four is code), setext headings, fences of any
length of either character (a shorter fence inside a longer one is text),
indented code, thematic breaks, tables, block quotes and list items with their
lazy continuation lines. Only headings outside block quotes and list items are
headings of the body (a heading inside a list item belongs to that item); a
property test holds them equal to markdown-it-py's top-level ``heading_open``
tokens. It is a line scanner rather than markdown-it itself because diff and
check run it on every changed or checked document and markdown-it's block
parser costs about five times as much.

Heading ids are the anchors of ``mdit_py_plugins.anchors`` (GitHub's slugs,
``-1``, ``-2`` added to repeats), computed from a heading's text as markdown-it
renders it; the handbook gives its headings the same ids, so a link ``check``
approves lands on them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = [
    "Block",
    "Heading",
    "Section",
    "heading_ids",
    "heading_text",
    "read_blocks",
    "read_headings",
    "sections",
    "slugify",
    "split_lines",
    "unique_id",
    "unlink_local",
    "without_comments",
]

_ATX = re.compile(r"(#{1,6})(?:[ \t]|$)")
_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})(.*)$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_HR = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ITEM = re.compile(r"([-+*]|\d{1,9}[.)])(?=[ \t]|$)")
_DELIM_CELL = re.compile(r"^:?-+:?$")
_DELIM_LINE = re.compile(r"[|:\-][|:\- \t]*$")
_PIPE = re.compile(r"(?<!\\)\|")
_NEWLINE = re.compile(r"\r\n?|\n")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# an inline link to another file of the repository or to an anchor: no scheme, no host
_LOCAL_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\((?![a-zA-Z][a-zA-Z0-9+.\-]*:|//)[^)\s]*\)")


# named tuple, measured hot: one per Markdown block read (11,000 in a 500-policy diff)
class Block(NamedTuple):
    """A run of source lines that is one block: a paragraph, heading, list item's first
    paragraph, fence, code block, table or thematic break. (Named tuples here: diff makes
    thousands, and never imports dataclasses.)"""

    kind: str  # "paragraph" "heading" "fence" "code" "table" "hr"
    start: int  # 0-based line within the body
    end: int  # the line after its last line
    level: int = 0  # 1-6 for a heading of the body (outside quotes and list items)
    title: str = ""  # a heading's source text, as markdown-it takes it
    col: int = 0  # 1-based column where a heading's title starts


# named tuple, measured hot: one per heading of every body read (check, handbook)
class Heading(NamedTuple):
    level: int
    title: str  # the source text (inline Markdown) of the heading
    line: int  # 0-based line within the body
    end: int  # the line after it (a setext heading has two or more lines)
    col: int  # 1-based column where the title starts
    id: str  # its anchor on a rendered page, unique within the body


# named tuple, measured hot: one per section of every body split (handbook, export)
class Section(NamedTuple):
    heading: Heading | None  # None for the text before the first heading of the level
    text: str  # the Markdown between the heading and the next heading of its level or above
    line: int  # 0-based line within the body where ``text`` starts
    inner: tuple[Heading, ...] = ()  # the headings below the level inside ``text``, in order


def split_lines(body: str) -> list[str]:
    """The lines of ``body`` as Markdown counts them: split at LF, CRLF and CR only."""
    return body.split("\n") if "\r" not in body else _NEWLINE.split(body)


def without_comments(body: str) -> str:
    """``body`` with its HTML comments blanked outside code, line numbers kept.

    Comments are notes to editors and suppression directives
    (``<!-- guidekit: disable-next-line=GK312 -->``), never content: check does not
    count them, and no handbook or export shows them."""
    if "<!--" not in body:
        return body
    if "\r" in body:
        body = "\n".join(split_lines(body))
    code = {n for b in read_blocks(body) if b.kind in ("fence", "code")
            for n in range(b.start, b.end)}

    def blank(m: re.Match[str]) -> str:
        if body.count("\n", 0, m.start()) in code:
            return m.group(0)
        return "\n" * m.group(0).count("\n")

    return _COMMENT.sub(blank, body)


def unlink_local(text: str) -> str:
    """``text`` with its links to repository files and anchors as their plain text: they
    lead nowhere outside the repository (a wiki page, a classifier prompt)."""
    return _LOCAL_LINK.sub(r"\1", text) if "](" in text else text


def _indent(line: str, col: int = 0) -> int:
    """Leading columns of spaces of ``line`` starting at column ``col`` (a tab reaches the
    next multiple of four)."""
    n = col
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4 - n % 4
        else:
            break
    return n - col


def _strip_cols(line: str, cols: int) -> str:
    """``line`` without its first ``cols`` columns of indentation."""
    if "\t" in line[: cols + 1]:
        lead = len(line) - len(line.lstrip(" \t"))
        line = line[:lead].expandtabs(4) + line[lead:]
    n = min(cols, len(line) - len(line.lstrip(" ")))
    return line[n:]


def _closes_fence(s: str, char: str, length: int) -> bool:
    run = len(s) - len(s.lstrip(char))
    return run >= length and not s[run:].strip(" \t")


def _cells(line: str) -> int:
    cols = _PIPE.split(line.strip())
    if cols and cols[0].strip() == "":
        cols = cols[1:]
    if cols and cols[-1].strip() == "":
        cols = cols[:-1]
    return len(cols)


def _table_starts(head: str, delim: str) -> bool:
    """``head`` and the next line ``delim`` open a table (markdown-it's rule)."""
    if "|" not in head or _indent(delim) >= 4:
        return False
    d = delim.strip(" \t")
    if not _DELIM_LINE.match(d) or len(d) < 2 or (d[0] == "-" and d[1] in " \t"):
        return False
    parts = d.split("|")
    aligns = 0
    for k, part in enumerate(parts):
        t = part.strip()
        if not t:
            if k in (0, len(parts) - 1):
                continue
            return False
        if not _DELIM_CELL.match(t):
            return False
        aligns += 1
    return aligns > 0 and _cells(head) == aligns


def _starts_block(s: str) -> bool:
    """``s`` (indentation under four removed) starts a block that ends a lazy paragraph line."""
    c = s[:1]
    if c == "#":
        return _ATX.match(s) is not None
    if c in "`~":
        m = _FENCE_OPEN.match(s)
        return m is not None and not (c == "`" and "`" in m.group(2))
    if c == ">":
        return True
    if c in "*-_" and _HR.match(s):
        return True
    return _ITEM.match(s) is not None


def _lazy(rest: str, left: list[int], marker_at: int) -> bool:
    """Whether ``rest``, a line that leaves the containers ``left`` (outermost first: 0 for
    a block quote, else a list item's width) while a paragraph is open in them, continues
    that paragraph. As markdown-it decides: a block quote lets a line indented by four
    spaces or more continue (unless a quote nested in it sees a block start); a list item
    ignores the indent of a line it leaves, except that a list marker indented four or
    more past its own marker continues the paragraph."""
    s = rest.lstrip(" \t")
    if not _starts_block(s):
        return True
    ind = _indent(rest)
    if left[0] == 0:
        return ind >= 4 and 0 not in left[1:]
    return _ITEM.match(s) is not None and not _HR.match(s) and ind - marker_at >= 4


def read_blocks(body: str) -> list[Block]:
    """The blocks of ``body`` in order (blank lines belong to none)."""
    lines = split_lines(body)
    blocks: list[Block] = []
    # open containers, outermost first: 0 for a block quote, else a list item's content column
    stack: list[int] = []
    fresh: list[bool] = []  # per container: a list item with nothing in it yet
    marker_at: list[int] = []  # per container: the indent of a list item's marker
    leaf = ""  # the open leaf block of the innermost container: para, fence, code, table
    fence_char, fence_len = "", 0
    start = last = -1  # the current block's first and last line
    kind = ""
    para_start = 0

    def close() -> None:
        nonlocal start
        if start >= 0:
            blocks.append(Block(kind, start, last + 1))
        start = -1

    n_lines = len(lines)
    for i, line in enumerate(lines):
        # the common case: prose at the top level continues or starts a paragraph
        if not stack and leaf not in ("fence", "table") and line[:1].isalpha() and "|" not in line:
            if leaf == "para":
                last = i
                continue
            close()
            leaf, kind, start, last, para_start = "para", "paragraph", i, i, i
            continue
        if not stack and (not line or line.isspace()):
            if leaf == "para" or leaf == "table":
                close()
                leaf = ""
            elif leaf == "fence":
                last = i
            continue
        rest = line
        matched = 0
        for k, width in enumerate(stack):
            if width == 0:
                ind = _indent(rest)
                if ind <= 3 and rest.lstrip(" \t")[:1] == ">":
                    rest = rest.lstrip(" \t")[1:]
                    if rest[:1] == " ":
                        rest = rest[1:]
                    elif rest[:1] == "\t":
                        rest = "  " + rest[1:]  # the tab's remaining columns
                    matched += 1
                    continue
                break
            if not rest.strip():
                if fresh[k]:
                    break  # an item may start with one blank line, not two
                rest = ""
                matched += 1
                continue
            if _indent(rest) >= width:
                rest = _strip_cols(rest, width)
                matched += 1
                continue
            break
        blank = not rest.strip()
        if not blank:
            fresh[:matched] = [False] * matched
        if matched < len(stack):
            if leaf == "para" and not blank and _lazy(rest, stack[matched:], marker_at[matched]):
                last = i  # a lazy continuation line of the paragraph
                continue
            del stack[matched:]
            del fresh[matched:]
            del marker_at[matched:]
            close()
            leaf = ""
        if leaf == "fence":
            last = i
            if _indent(rest) < 4 and _closes_fence(rest.lstrip(" "), fence_char, fence_len):
                close()
                leaf = ""
            continue
        # new containers
        opened = False
        while True:
            ind = _indent(rest)
            if ind >= 4:
                break
            s = rest.lstrip(" \t")
            c = s[:1]
            if c == ">":
                close()
                leaf = ""
                stack.append(0)
                fresh.append(False)
                marker_at.append(0)
                rest = s[1:]
                if rest[:1] == " ":
                    rest = rest[1:]
                opened = True
                continue
            if c and c in "-+*0123456789":
                if c in "*-" and _HR.match(s):
                    break
                m = _ITEM.match(s)
                if m is None:
                    break
                after = s[m.end():]
                lead = len(after) - len(after.lstrip(" \t"))
                if "\t" in after[:lead]:  # columns count from the marker's end
                    after = " " * _indent(after, ind + m.end()) + after[lead:]
                empty = not after.strip()
                if leaf == "para" and not opened and (
                        empty or (c.isdigit() and int(m.group(1)[:-1]) != 1)):
                    break  # cannot interrupt a paragraph
                gap = _indent(after) if not empty else 1
                if gap > 4 or gap < 1:
                    gap = 1
                close()
                leaf = ""
                stack.append(ind + len(m.group(1)) + gap)
                fresh.append(empty)
                marker_at.append(ind)
                rest = "" if empty else _strip_cols(after, gap)
                opened = True
                continue
            break
        blank = not rest.strip()
        if blank:
            if leaf in ("para", "table"):
                close()
                leaf = ""
            continue
        ind = _indent(rest)
        if ind >= 4:
            if leaf in ("para", "code"):
                last = i
                continue
            close()
            leaf, kind, start, last = "code", "code", i, i
            continue
        if leaf == "code":
            close()
            leaf = ""
        s = rest.lstrip(" \t")
        c = s[0]
        if c == "#":
            m = _ATX.match(s)
            if m is not None:
                close()
                leaf = ""
                level = len(m.group(1))
                text = s[level:].rstrip(" \t")
                k = len(text.rstrip("#"))
                if k < len(text) and text[k - 1] in " \t":
                    text = text[:k]  # a closing sequence
                title = text.strip()
                col = len(line) - len(s[level:].lstrip(" \t")) + 1
                blocks.append(Block("heading", i, i + 1, level if not stack else 0, title, col))
                continue
        elif c in "`~":
            m = _FENCE_OPEN.match(s)
            if m is not None and not (c == "`" and "`" in m.group(2)):
                close()
                leaf, kind, start, last = "fence", "fence", i, i
                fence_char, fence_len = c, len(m.group(1))
                continue
        if c in "=-" and leaf == "para" and _SETEXT.match(s):
            level = 1 if c == "=" else 2
            title = "\n".join(lines[para_start:i]).strip() if not stack else ""
            start = -1
            blocks.append(Block("heading", para_start, i + 1, level if not stack else 0, title,
                                _indent(lines[para_start]) + 1))
            leaf = ""
            continue
        if c in "*-_" and _HR.match(s):
            close()
            leaf = ""
            blocks.append(Block("hr", i, i + 1))
            continue
        if not stack and leaf != "table" and i + 1 < n_lines and "|" in s \
                and _table_starts(s, lines[i + 1]):
            close()
            leaf, kind, start, last = "table", "table", i, i + 1
            continue
        if leaf == "table":
            last = i
            continue
        if leaf == "para":
            last = i
            continue
        close()
        leaf, kind, start, last, para_start = "para", "paragraph", i, i, i
    close()
    return blocks


# --- headings and their ids ------------------------------------------------------------

_MARKUP = re.compile(r"[\\`*_\[\]<>&!~]")


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # only for headings with markup: diff rarely needs it

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def heading_text(title: str) -> str:
    """A heading's text as a page shows it (what its anchor is made from): markup gone,
    link and code text kept, as markdown-it's anchors plugin reads it."""
    if "\n" not in title and not _MARKUP.search(title):
        return title
    tokens = _inline_parser().parseInline(title)
    children = tokens[0].children or [] if tokens else []
    return "".join(t.content for t in children if t.type in ("text", "code_inline"))


def slugify(text: str) -> str:
    """The anchor of a heading with this text (GitHub's, as ``mdit_py_plugins.anchors``)."""
    return re.sub(r"[^\w\u4e00-\u9fff\- ]", "", text.lower().replace(" ", "-"))


def unique_id(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-1``, ``slug-2``...: the first not in ``taken`` (which gains it)."""
    uniq, n = slug, 1
    while uniq in taken:
        uniq = f"{slug}-{n}"
        n += 1
    taken.add(uniq)
    return uniq


def heading_ids(titles: list[str], taken: set[str] | None = None) -> list[str]:
    """The ids of headings with these source titles, in order, unique among themselves and
    ``taken`` (ids the page already uses)."""
    seen = set(taken or ())
    return [unique_id(slugify(heading_text(t)), seen) for t in titles]


def read_headings(body: str) -> list[Heading]:
    """The body's headings (outside quotes and list items), with their ids."""
    heads = [b for b in read_blocks(body) if b.level]
    ids = heading_ids([b.title for b in heads])
    return [Heading(b.level, b.title, b.start, b.end, b.col, hid)
            for b, hid in zip(heads, ids, strict=True)]


def sections(body: str, level: int = 2) -> list[Section]:
    """The body cut at its headings of ``level`` or above (``##`` and ``#`` by default): the
    text before the first of them (heading None; left out when blank), then each heading
    with the text up to the next one; comments left out."""
    body = without_comments(body)
    lines = split_lines(body)
    out: list[Section] = []
    cur: Heading | None = None
    start = 0
    inner: list[Heading] = []

    def flush(end: int) -> None:
        text = "\n".join(lines[start:end]).strip("\n")
        if cur is not None or text.strip():
            out.append(Section(cur, text, start, tuple(inner)))

    for h in read_headings(body):
        if h.level > level:
            inner.append(h)
            continue
        flush(h.line)
        cur, start, inner = h, h.end, []
    flush(len(lines))
    return out
