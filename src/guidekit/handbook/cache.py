"""The previous build is the render cache.

A handbook folder keeps a small manifest: page path -> content key, and where
each page's article sits in ``print.html``. When the next build computes the
same key for a page, the page file is linked into the new output instead of
being rendered again, its article for the printable page is copied from the
old ``print.html`` and its search entries from the old index. The manifest
also holds what a second ``guidekit build`` process needs to render only the
pages of changed documents without loading the others (see ``handbook.quick``).
Nothing else is stored, so the output is never larger for being cacheable, and
a cache can never disagree with the pages it describes (the manifest is written
last, in the same atomic swap as the pages).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guidekit.handbook.search import CHUNKS_FILE, SearchEntry, chunk_path, decode_chunk

__all__ = ["MANIFEST", "PreviousBuild", "manifest_bytes"]

MANIFEST = ".guidekit-build.json"
_FORMAT = 4
PRINT_FILE = "print.html"


def manifest_bytes(keys: dict[str, str], printed: dict[str, tuple[int, int]] | None = None,
                   state: dict[str, Any] | None = None) -> bytes:
    """``state``: what a second build needs to render only what changed (handbook.quick)."""
    return json.dumps({"format": _FORMAT, "pages": keys, "print": printed or {}, "state": state or {}},
                      sort_keys=True, separators=(",", ":")).encode()


class PreviousBuild:
    def __init__(self, folder: Path, keys: dict[str, str],
                 printed: dict[str, tuple[int, int]] | None = None,
                 state: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.keys = keys
        self.spans = printed or {}  # bytes of print.html
        self.state = state or {}
        self._chunks: dict[str, dict[str, list[SearchEntry]]] = {}
        self._print: bytes | None = None

    @classmethod
    def open(cls, folder: Path) -> PreviousBuild | None:
        """The previous build in ``folder``, or None when there is none we can trust."""
        try:
            data: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        pages, printed, state = data.get("pages"), data.get("print"), data.get("state")
        if not isinstance(pages, dict) or not isinstance(printed, dict) or not isinstance(state, dict):
            return None
        spans: dict[str, tuple[int, int]] = {}
        for k, v in printed.items():
            if (isinstance(v, list) and len(v) == 2 and all(type(n) is int for n in v)
                    and 0 <= v[0] <= v[1]):
                spans[str(k)] = (v[0], v[1])
        return cls(folder, {str(k): str(v) for k, v in pages.items()}, spans, state)

    def file(self, path: str) -> Path:
        return self.folder / path

    def printed(self, path: str, key: str) -> str | None:
        """The page's article in the previous ``print.html``, when its key is ``key``."""
        span = self.spans.get(path)
        if self.keys.get(path) != key or span is None:
            return None
        start, end = span
        article = self.print_bytes()[start:end]
        # a printable page changed by hand is not trusted: each span must still be an article
        if not (article.startswith(b"<article") and article.endswith(b"</article>")):
            return None
        try:
            return article.decode()
        except UnicodeDecodeError:
            return None

    def print_bytes(self) -> bytes:
        if self._print is None:
            try:
                self._print = self.file(PRINT_FILE).read_bytes()
            except OSError:
                self._print = b""
        return self._print

    def search(self, path: str, key: str) -> list[SearchEntry] | None:
        if self.keys.get(path) != key:
            return None
        count = self.keys.get(CHUNKS_FILE, "")
        if not count.isdigit():
            return None
        chunk = chunk_path(path, int(count))
        if chunk not in self._chunks:
            try:
                self._chunks[chunk] = decode_chunk((self.folder / chunk).read_bytes())
            except OSError:
                self._chunks[chunk] = {}
        return self._chunks[chunk].get(path)

    def key(self, path: str) -> str | None:
        return self.keys.get(path) if (self.folder / path).is_file() else None
