"""Canonical formatting of guidance YAML and front matter, losing nothing.

``format_text`` is str -> str. It loads with ruamel.yaml's round-trip loader
(comments, quoting, flow style, block scalars and anchors are kept as
written), puts known keys in schema order (unknown keys keep their order,
after them), and dumps with guidekit's indentation: mappings by 2, sequence
dashes indented by 2 inside their parent. A Markdown policy's body is never
touched. A file already in canonical form comes back byte for byte.

Before returning, the data is loaded again from both texts and compared: a
formatting that would change what the file means is refused, not written.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from guidekit.fmt.keyorder import Shape, shape_of
from guidekit.loading.source import Limits
from guidekit.loading.yamlcompat import comment_lines, reorder_keys
from guidekit.loading.yamlio import YamlProblem, load_yaml, refused_shape

__all__ = ["FormatError", "Formatted", "format_text", "format_yaml"]

_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_BOM = "\ufeff"


class FormatError(Exception):
    """The text cannot be formatted safely; line and col are 1-based."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True, slots=True)
class Formatted:
    text: str
    changed: bool


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap: line breaks are the author's
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_duplicate_keys = False
    return y


def _sort(node: Any, shape: Shape, *, top: bool = False) -> None:
    if isinstance(node, CommentedMap):
        known = [k for k in shape.order(node) if k in node]
        order = known + [k for k in node if k not in known]
        if order and not node.fa.flow_style():
            reorder_keys(node, order, top=top)
        elif order != list(node):
            for k in order:
                node.move_to_end(k)
        for k in list(node):
            _sort(node[k], shape.child(k, node))
    elif isinstance(node, CommentedSeq):
        item = shape.item()
        for value in node:
            _sort(value, item)


def format_yaml(text: str, schema: str | None, limits: Limits | None = None) -> str:
    """One YAML document (LF line ends) in canonical form; raise FormatError if unsafe.

    The limits of check apply (size is the caller's): a text whose aliases expand
    past limits.max_alias_expansion or that nests too deep is refused before the
    round-trip loader or the data comparison walks it."""
    limits = limits or Limits()
    y = _yaml()
    y.explicit_start = text.startswith("---")
    try:
        before = load_yaml(text)
        refused = refused_shape(text, before, limits.max_alias_expansion)
        if refused is not None:
            raise refused
        data = y.load(text)
    except YamlProblem as p:
        raise FormatError(p.message, p.line + 1, p.col + 1) from None
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise FormatError(str(err.problem or err).splitlines()[0], line, col) from None
    except (YAMLError, RecursionError, ValueError) as err:
        raise FormatError(f"cannot read YAML: {err}") from None
    except MemoryError:
        raise
    except Exception as err:  # the round-trip constructor's own error on odd input
        raise FormatError(f"cannot read YAML ({type(err).__name__})") from None
    if data is None:
        return text
    if schema is not None:
        _sort(data, shape_of(schema), top=True)
    out = io.StringIO()
    y.dump(data, out)
    result = out.getvalue()
    try:
        after = load_yaml(result)
    except YamlProblem as p:  # pragma: no cover - would be a ruamel bug
        raise FormatError(f"formatting produced unreadable YAML ({p.message}); not changed") from None
    if after != before:
        raise FormatError("formatting would change the data (an unusual construct?); not changed")
    lost = _comment_lines(text) - _comment_lines(result)
    if lost:
        first = sorted(lost)[0]
        raise FormatError(f"formatting would drop the comment {first!r} (a limit of the YAML "
                          "library in this spot); not changed")
    return result


def _comment_lines(text: str) -> Counter[str]:
    """Every comment line of a YAML text, as the round-trip scanner sees them."""
    return comment_lines(text, _yaml().scan)


def _format_markdown(text: str, schema: str | None, limits: Limits | None) -> str:
    """The front matter formatted; the opening line, the closing line and the body are
    kept byte for byte, whatever their line ends."""
    opening = "---\r\n" if text.startswith("---\r\n") else "---\n"
    if not text.startswith(opening):
        raise FormatError("Markdown policy has no YAML front matter")
    close = _FM_CLOSE.search(text, len(opening))
    if close is None:
        raise FormatError("front matter is not closed: add a '---' line after it")
    fm, rest = text[len(opening):close.start()], text[close.start():]
    if not fm.strip():
        raise FormatError("front matter is empty")
    try:
        return opening + _format_lines(fm, schema, limits) + rest
    except FormatError as err:
        raise FormatError(err.message, err.line + 1, err.col) from None


def _format_lines(text: str, schema: str | None, limits: Limits | None) -> str:
    # YAML with CRLF line ends stays CRLF
    crlf = "\r\n" in text
    new = format_yaml(text.replace("\r\n", "\n") if crlf else text, schema, limits)
    return new.replace("\n", "\r\n") if crlf else new


def format_text(text: str, schema: str | None, *, markdown: bool = False,
                limits: Limits | None = None) -> Formatted:
    """Format a whole file: YAML, or a Markdown policy's front matter (the body is kept
    byte for byte). Line ends stay as they were (CRLF files stay CRLF), and so does a
    byte-order mark (accepted, as check accepts it).
    """
    bom = _BOM if text.startswith(_BOM) else ""
    plain = text[len(bom):]
    new = _format_markdown(plain, schema, limits) if markdown else _format_lines(plain, schema, limits)
    return Formatted(bom + new, bom + new != text)
