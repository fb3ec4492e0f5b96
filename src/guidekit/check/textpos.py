"""Where inside a YAML scalar a phrase was written: line and column in the file.

Lint rules match words in the *value* of a scalar (a folded block joins its
lines); a person needs the place in the *file*. This finds the match again in
the scalar's raw text, between the node's start and end marks, so a word in
the third line of a ``>-`` block is reported on that line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from guidekit.findings import JsonPath, SourceSpan
from guidekit.loading.source import Source
from guidekit.loading.yamlio import compose, locate_node

__all__ = ["TextLocator"]


class TextLocator:
    """Finds phrases inside the scalars of one source; composes its node tree once."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self._root = compose(src.yaml_text)
        self._lines = src.yaml_text.split("\n")

    def find(self, path: JsonPath, pattern: re.Pattern[str]) -> Iterator[tuple[SourceSpan, str]]:
        """Each match of ``pattern`` in the raw text of the node at ``path``."""
        node, _ = locate_node(self._root, path)
        if node is None:
            return
        start, end = node.start_mark, node.end_mark
        last = min(end.line, len(self._lines) - 1)
        region = self._lines[start.line:last + 1]
        if not region:
            return
        if last == end.line:
            region[-1] = region[-1][:end.column]
        region[0] = " " * start.column + region[0][start.column:]
        starts = [0]
        for line in region[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        text = "\n".join(region)
        offset = self.src.yaml_line + start.line + 1
        for m in pattern.finditer(text):
            i = bisect_right(starts, m.start()) - 1
            j = bisect_right(starts, max(m.start(), m.end() - 1)) - 1
            yield (SourceSpan(self.src.rel, offset + i, m.start() - starts[i] + 1,
                              offset + j, m.end() - starts[j] + 1), m.group(0))

    def first(self, path: JsonPath, pattern: re.Pattern[str]) -> SourceSpan:
        """The first match, or the node itself when the raw text hides it (escapes)."""
        for span, _ in self.find(path, pattern):
            return span
        return self.src.span(path)
