"""Text that leaves guidekit, made safe for where it lands: one home for every escape.

Guidance quotes hostile material and file names come from pull requests, so
nothing a user wrote reaches a terminal, a Markdown comment, an HTML page or an
XML file as markup:

- ``terminal``: no control character but tab and newline (ESC would drive the
  terminal); carriage returns go, the others show as U+FFFD. ``one_line`` also
  shows newlines as ``\\n`` (paths, ids, messages on one report line).
- ``code_span``: a Markdown code span whose backtick fence is longer than any
  run of backticks inside, so the text cannot close it; newlines shown as
  ``\\n`` and control characters replaced.
- ``xml_text``: text XML 1.0 can carry (characters it forbids replaced); the
  writer escapes ``<&>"``.
- ``cells``: how many terminal cells a cleaned line takes.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["REPLACEMENT", "cells", "code_span", "one_line", "terminal", "xml_text"]

REPLACEMENT = "\ufffd"

# C0 and C1 controls and DEL, but tab and newline
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# what XML 1.0 cannot hold at all (tab, newline and carriage return it can)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _control(match: re.Match[str]) -> str:
    return "" if match.group() == "\r" else REPLACEMENT


def terminal(text: str) -> str:
    """Text as a terminal may see it: no control character but tab and newline."""
    return _CONTROL.sub(_control, text)


def one_line(text: str) -> str:
    """``terminal`` for text that must stay on one line: newlines shown as ``\\n``."""
    return terminal(text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r"))


def code_span(text: str, *, in_table: bool = False) -> str:
    """``text`` as one Markdown code span nothing inside can close or break (in a
    table cell, a pipe would end the cell even inside the span: it is escaped)."""
    text = one_line(text)
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: the characters it forbids (and other controls) replaced."""
    return _CONTROL.sub(lambda m: m.group() if m.group() == "\r" else REPLACEMENT,
                        _NOT_XML.sub(REPLACEMENT, text))


def cells(text: str) -> int:
    """The terminal cells ``text`` (cleaned, one line) takes: wide East Asian characters
    count 2, combining marks 0."""
    if text.isascii():
        return len(text)
    n = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return n
