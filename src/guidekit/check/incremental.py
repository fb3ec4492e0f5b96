"""Which documents a change can affect, without loading the corpus.

Documents relate to each other only through ids (policy, SOP and rule ids,
named in ``related``, ``supersedes``, ``policies``, outcome rules, case files,
...) and through Markdown links (file names). So the documents whose
findings can change when some files change are:

- the changed files themselves;
- every file that mentions one of their ids or file names, before or after
  the change (found by a byte scan of the raw files: a superset, never a miss);
- every file that defines an id they mention (their targets).

Checking those correctly needs their own neighbours loaded as well (one more
hop), plus the taxonomy and the chains of ``supersedes`` (for cycles). A
corpus rule that relates documents any other way must set
``CheckRule.incremental = False``, which makes every run check the whole
corpus.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from guidekit.check.analyze import FileResult
from guidekit.loading.discover import Discovered

__all__ = ["defined_ids", "link_targets", "mentions", "referenced_ids", "supersedes_ids",
           "tokens_of"]

_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:\.[a-z0-9]+)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def defined_ids(r: FileResult) -> set[str]:
    data = r.data
    out: set[str] = set()
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            out.add(data["id"])
        for rule in data.get("rules") or ():
            if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                out.add(rule["id"])
    return out


def _strings(node: Any, out: set[str]) -> None:
    if isinstance(node, str):
        if _ID.match(node):
            out.add(node)
    elif isinstance(node, dict):
        for v in node.values():
            _strings(v, out)
    elif isinstance(node, list):
        for v in node:
            _strings(v, out)


def referenced_ids(r: FileResult, ignore: set[str]) -> set[str]:
    """Id-like values the document names (not its own ids, not taxonomy ids)."""
    found: set[str] = set()
    _strings(r.data, found)
    return found - defined_ids(r) - ignore


def supersedes_ids(r: FileResult) -> set[str]:
    data = r.data
    if isinstance(data, dict):
        return {s for s in data.get("supersedes") or () if isinstance(s, str)}
    return set()


def link_targets(r: FileResult) -> set[str]:
    """Relative paths of the files the document's Markdown links point at."""
    out = set()
    for link in r.index.links:
        path = link.target.partition("#")[0]
        if path and not _SCHEME.match(path):
            out.add(posixpath.normpath(posixpath.join(posixpath.dirname(r.rel), path)))
    return out


def tokens_of(r: FileResult | None, rel: str) -> set[str]:
    """What another file would contain to refer to this one: its ids and file name."""
    out = {Path(rel).name}
    if r is not None:
        out |= defined_ids(r)
    return out


def mentions(items: Iterable[Discovered], tokens: set[str]) -> set[str]:
    """Relative paths of the files whose bytes contain one of ``tokens`` as a word.

    A plain substring test (fast, in C) picks candidates; the word-boundary
    regex runs on those only. Tokens that contain a shorter token need no
    test of their own (a rule id contains its policy's id).
    """
    tokens = {t for t in tokens if t}
    if not tokens:
        return set()
    probes: list[bytes] = []
    for t in sorted(tokens, key=len):
        b = t.encode()
        if not any(p in b for p in probes):
            probes.append(b)
    words = b"|".join(re.escape(t.encode()) for t in sorted(tokens, key=len, reverse=True))
    pattern = re.compile(rb"(?<![A-Za-z0-9_])(?:" + words + rb")(?![A-Za-z0-9_])")
    found: set[str] = set()
    for d in items:
        try:
            raw = d.path.read_bytes()
        except OSError:
            continue
        if any(p in raw for p in probes) and pattern.search(raw):
            found.add(d.rel)
    return found
