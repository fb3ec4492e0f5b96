"""The previous build is the render cache.

A handbook folder keeps a small manifest (page path -> content key). When the
next build computes the same key for a page, the page's article is read back
from the old file and its search entries from the old index, and the file is
linked into the new output instead of being rendered again. Nothing else is
stored, so the output is never larger for being cacheable, and a cache can
never disagree with the pages it describes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guidekit.handbook.html import ARTICLE_END, ARTICLE_START
from guidekit.handbook.search import CHUNKS_FILE, SearchEntry, chunk_path, decode_chunk

__all__ = ["MANIFEST", "PreviousBuild", "manifest_bytes"]

MANIFEST = ".guidekit-build.json"
_FORMAT = 2


def manifest_bytes(keys: dict[str, str]) -> bytes:
    return json.dumps({"format": _FORMAT, "pages": keys}, sort_keys=True, indent=0).encode()


class PreviousBuild:
    def __init__(self, folder: Path, keys: dict[str, str]) -> None:
        self.folder = folder
        self.keys = keys
        self._chunks: dict[str, dict[str, list[SearchEntry]]] = {}

    @classmethod
    def open(cls, folder: Path) -> PreviousBuild | None:
        """The previous build in ``folder``, or None when there is none we can trust."""
        try:
            data: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        pages = data.get("pages")
        if not isinstance(pages, dict):
            return None
        return cls(folder, {str(k): str(v) for k, v in pages.items()})

    def file(self, path: str) -> Path:
        return self.folder / path

    def article(self, path: str, key: str) -> str | None:
        if self.keys.get(path) != key:
            return None
        try:
            html = self.file(path).read_text(encoding="utf-8")
        except OSError:
            return None
        start, end = html.find(ARTICLE_START), html.rfind(ARTICLE_END)
        if start < 0 or end < start:
            return None
        return html[start + len(ARTICLE_START) : end]

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
