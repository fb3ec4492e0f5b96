"""The offline search index: one entry per policy, rule and SOP.

Why our own index and not pagefind: the handbook must search from a static
file host *and* from a folder opened straight from disk (a vendor laptop on a
slow link), and pagefind fetches its WebAssembly and index chunks, which
browsers refuse on ``file://``. Our index is one script file, loaded only when
the reader first uses the search box; each entry keeps the distinct words of
what it covers (ids, titles, rule text, example text), so the JS matches word
prefixes without a server. Entries are per page, so an incremental build
reuses the entries of unchanged pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from guidekit.build.handbook import PolicyView, SopView

__all__ = ["SearchEntry", "entries_for_policy", "entries_for_sop", "words"]

# [href, title, what it is, distinct words]
SearchEntry = list[str]

_TOKEN = re.compile(r"\w+(?:[.\-'’]\w+)*")
_PART = re.compile(r"[.\-'’]")


def words(texts: Iterable[str | None]) -> str:
    """Distinct lower-case words (and the parts of compound ids such as ADS-FIN-1.a)."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for tok in _TOKEN.findall(text.lower()):
            seen[tok] = None
            if _PART.search(tok):
                for part in _PART.split(tok):
                    if len(part) > 1:
                        seen[part] = None
    return " ".join(w for w in seen if len(w) > 1 or w.isdigit())


def entries_for_policy(view: PolicyView, path: str) -> list[SearchEntry]:
    p = view.policy
    out = [[path, f"{p.id} · {p.title}", f"{p.kind} policy",
            words((p.id, p.title, p.summary, p.body, *p.tags))]]
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
