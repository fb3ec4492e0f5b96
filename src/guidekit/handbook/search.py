"""The offline search index: one entry per policy, rule and SOP.

Why our own index and not pagefind: the handbook must search from a static
file host *and* from a folder opened straight from disk (a vendor laptop on a
slow link), and pagefind fetches its WebAssembly and index chunks, which
browsers refuse on ``file://``. Our index is one script file, loaded only when
the reader first uses the search box; each entry keeps the distinct words of
what it covers (ids, titles, summaries, rule text, example text), so the JS matches word
prefixes without a server. Each file is an inverted index (word -> entries, as
base-36 gaps) to stay small on slow links, for about 64 pages: an edit
re-encodes one chunk, and the others are carried over from the last build.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable

from guidekit.handbook.handbook import PolicyView, SopView

__all__ = [
    "CHUNKS_FILE",
    "SearchEntry",
    "chunk_count",
    "chunk_path",
    "chunks_script",
    "decode_chunk",
    "encode_chunk",
    "entries_for_policy",
    "entries_for_sop",
    "words",
]

CHUNKS_FILE = "assets/search/chunks.js"
_CHUNK_PAGES = 64
_CHUNK_START = b"(window.GK_SEARCH=window.GK_SEARCH||[]).push("
_CHUNK_END = b");\n"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

# [href, title, what it is, distinct words]
SearchEntry = list[str]

_TOKEN = re.compile(r"\w+(?:[.\-'’]\w+)*")
_PART = re.compile(r"[.\-'’]")


def words(texts: Iterable[str | None]) -> str:
    """Distinct lower-case words (and the parts of compound ids such as ADS-FIN-1.a)."""
    seen = dict.fromkeys(_TOKEN.findall(" ".join(t for t in texts if t).lower()))
    for tok in [t for t in seen if not t.isalnum()]:
        seen.update(dict.fromkeys(p for p in _PART.split(tok) if p))
    return " ".join(w for w in seen if len(w) > 1 or w.isdigit())


def entries_for_policy(view: PolicyView, path: str) -> list[SearchEntry]:
    p = view.policy
    out = [[path, f"{p.id} · {p.title}", f"{p.kind} policy",
            words((p.id, p.title, p.summary, *p.tags))]]
    for r in view.rules:
        texts: list[str | None] = [r.id, r.rule.title, r.rule.text]
        for e in r.examples:
            texts += [e.text, e.note]
        out.append([f"{path}#{r.id}", f"{r.id} · {r.rule.title}", p.title, words(texts)])
    return out


def entries_for_sop(view: SopView, path: str) -> list[SearchEntry]:
    s = view.sop
    texts: list[str | None] = [s.id, s.title, s.summary, s.queue]
    texts += [st.text for st in s.steps]
    texts += [n.question for n in s.tree.nodes]
    texts += [o.title for o in s.outcomes]
    return [[path, f"{s.id} · {s.title}", "procedure", words(texts)]]


def _b36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if not n:
            return out


_SMALL = [_b36(n) for n in range(36 * 36)]  # gaps inside a chunk are almost always this small


def chunk_count(pages: int) -> int:
    """How many index chunks for this many pages: a power of two, about 64 pages each."""
    count = 1
    while count * _CHUNK_PAGES < pages:
        count *= 2
    return count


def chunk_path(page: str, count: int) -> str:
    """The chunk a page's entries live in; stable while the number of chunks is."""
    return f"assets/search/{zlib.crc32(page.encode()) % count}.js"


def chunks_script(count: int) -> bytes:
    return f"window.GK_SEARCH_CHUNKS={count};\n".encode()


def encode_chunk(pages: dict[str, list[SearchEntry]]) -> bytes:
    """One chunk script: entries [href, title, what] and word -> entry gaps in base 36."""
    entries: list[list[str]] = []
    postings: dict[str, list[int]] = {}
    for page in sorted(pages):
        for href, title, what, text in pages[page]:
            n = len(entries)
            entries.append([href, title, what])
            for w in text.split():
                postings.setdefault(w, []).append(n)
    index = {}
    small, limit = _SMALL, len(_SMALL)
    for w in sorted(postings):
        ns = postings[w]
        gaps = [b - a for a, b in zip([0, *ns], ns, strict=False)]
        index[w] = ",".join(small[g] if g < limit else _b36(g) for g in gaps)
    data = json.dumps({"e": entries, "w": index}, ensure_ascii=False, separators=(",", ":"))
    return _CHUNK_START + data.encode() + _CHUNK_END


def decode_chunk(raw: bytes) -> dict[str, list[SearchEntry]]:
    """The entries of each page back from a chunk script (empty when it is not ours)."""
    if not (raw.startswith(_CHUNK_START) and raw.endswith(_CHUNK_END)):
        return {}
    try:
        data = json.loads(raw[len(_CHUNK_START) : -len(_CHUNK_END)])
        entries, index = data["e"], data["w"]
        texts: list[list[str]] = [[] for _ in entries]
        for w, gaps in index.items():
            n = 0
            for g in gaps.split(","):
                n += int(g, 36)
                texts[n].append(w)
        pages: dict[str, list[SearchEntry]] = {}
        for (href, title, what), ws in zip(entries, texts, strict=True):
            pages.setdefault(href.split("#")[0], []).append([href, title, what, " ".join(ws)])
    except (ValueError, KeyError, TypeError, IndexError):
        return {}
    return pages
