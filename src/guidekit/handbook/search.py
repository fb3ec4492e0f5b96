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
import unicodedata
import zlib
from collections.abc import Iterable, Iterator

from guidekit.defang import defang
from guidekit.handbook.handbook import PolicyView, SopView
from guidekit.loading.markdown import heading_text, sections
from guidekit.model.policy import PAGE_KIND

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
    "fold",
    "words",
]

CHUNKS_FILE = "assets/search/chunks.js"
_CHUNK_PAGES = 64
_CHUNK_START = b"(window.GK_SEARCH=window.GK_SEARCH||[]).push("
_CHUNK_END = b");\n"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

# [href, title, what it is, distinct words, text for the snippet under a hit]
SearchEntry = list[str]

# Letters and digits of any script (``[^\W_]`` is Python's \p{L}\p{N}); compound ids keep their dots
_TOKEN = re.compile(r"[^\W_]+(?:[.\-'’][^\W_]+)*")
_PART = re.compile(r"[.\-'’]")
# Scripts written without spaces: indexed by overlapping character pairs (app.js uses the same ranges)
_CJK = re.compile("([\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                  "\U00020000-\U0002fa1f]+)")
_SNIPPET = 2000  # characters of text kept per entry for the snippet under a hit


def fold(text: str) -> str:
    """Case and diacritics folded: "Promoção" -> "promocao", "Straße" -> "strasse".

    app.js folds the reader's query the same way (NFKD, lower case, ß -> ss,
    marks dropped), so either spelling finds the other.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in text if not unicodedata.category(c).startswith("M"))


def _bigrams(run: str) -> list[str]:
    """Overlapping pairs, and the last character: every single character is then a prefix."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _pieces(tok: str) -> Iterator[str]:
    """What one token is found by: itself, the parts of a compound id, CJK character pairs."""
    if _CJK.search(tok):
        for piece in _CJK.split(tok):  # non-CJK and CJK runs, alternating
            if _CJK.fullmatch(piece):
                yield from _bigrams(piece)
            else:
                yield from (p for p in _PART.split(piece) if p)
        return
    yield tok
    if not tok.isalnum():
        yield from (p for p in _PART.split(tok) if p)


def words(texts: Iterable[str | None]) -> str:
    """Distinct folded words, the parts of compound ids (ADS-FIN-1.a), CJK character pairs."""
    seen = dict.fromkeys(w for tok in _TOKEN.findall(fold(" ".join(t for t in texts if t)))
                         for w in _pieces(tok))
    return " ".join(w for w in seen if len(w) > 1 or w.isdigit() or _CJK.match(w))


def snippet_text(texts: Iterable[str | None]) -> str:
    """What a hit's snippet is cut from: the entry's text, one line, capped."""
    return " ".join(" ".join(t for t in texts if t).split())[:_SNIPPET]


def entries_for_policy(view: PolicyView, path: str, what: str) -> list[SearchEntry]:
    """The policy and each of its rules; ``what`` says what it is in the reader's language."""
    p = view.policy
    out = [[path, f"{p.id} · {p.title}", what,
            words((p.id, p.title, p.summary, *p.tags)), snippet_text((p.summary,))]]
    if p.kind == PAGE_KIND:  # a page has no rules: its sections are what a reader looks for
        for s in sections(p.body):
            if s.heading is None:
                out[0][3] = words((p.id, p.title, s.text))
                out[0][4] = snippet_text((s.text,))
                continue
            title = heading_text(s.heading.title)
            out.append([f"{path}#{s.heading.id}", f"{p.title} · {title}", p.title, words((title, s.text)),
                        snippet_text((s.text,))])
    for r in view.rules:
        texts: list[str | None] = [r.id, r.rule.title, r.rule.text]
        for e in r.examples:
            texts += [defang(e.text), e.note]  # as the page shows it
        out.append([f"{path}#{r.id}", f"{r.id} · {r.rule.title}", p.title, words(texts),
                    snippet_text(texts[2:])])
    return out


def entries_for_sop(view: SopView, path: str, what: str) -> list[SearchEntry]:
    s = view.sop
    texts: list[str | None] = [s.id, s.title, s.summary, s.queue]
    texts += [st.text for st in s.steps]
    texts += [n.question for n in s.tree.nodes]
    texts += [o.title for o in s.outcomes]
    return [[path, f"{s.id} · {s.title}", what, words(texts), snippet_text(texts[2:])]]


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
    """One chunk script: entries [href, title, what, text] and word -> entry gaps in base 36."""
    entries: list[list[str]] = []
    postings: dict[str, list[int]] = {}
    for page in sorted(pages):
        for href, title, what, ws, text in pages[page]:
            n = len(entries)
            entries.append([href, title, what, text])
            for w in ws.split():
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
        for (href, title, what, text), ws in zip(entries, texts, strict=True):
            pages.setdefault(href.split("#")[0], []).append(
                [href, title, what, " ".join(ws), text])
    except (ValueError, KeyError, TypeError, IndexError):
        return {}
    return pages
