"""Which documents a change can affect, without loading the corpus.

Documents relate to each other only through ids (policy, SOP and rule ids,
named in ``related``, ``supersedes``, ``policies``, outcome rules, case files,
...) and through Markdown links (file names). So the documents whose
findings can change when some files change are:

- the changed files themselves;
- every file that mentions one of their ids or file names, before or after
  the change (from each file's set of id-like words and file names, taken
  from its raw text when it is analysed: a superset, never a miss);
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
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guidekit.check.analyze import FileResult

__all__ = ["defined_ids", "id_like", "link_targets", "mentioned_tokens", "mentions", "referenced_ids",
           "supersedes_ids", "tokens_of"]

_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:\.[a-z0-9]+)?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
# what a file can use to refer to another: an id-like word or a file name
# (ids of two characters or more: single capitals are everywhere in prose, and a
# one-letter id makes mentions() answer "every file")
_IDS = re.compile(rb"[A-Z](?:[A-Z0-9]+(?:-[A-Z0-9]+)*|(?:-[A-Z0-9]+)+)(?:\.[a-z0-9]+)?")
_EXT = re.compile(rb"\.(?:md|markdown|yaml|yml)\b")
_NAME_START = re.compile(rb"[^\s/()\[\]#\"'<>`,:]*\Z")

def id_like(words: Iterable[str]) -> list[str]:
    """The words of ``words`` that have the shape of an id (not file names), sorted."""
    return sorted(w for w in words if _ID.match(w))


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


def mentioned_tokens(raw: bytes) -> frozenset[str]:
    """Every id-like word and file name in a file (a superset of its references)."""
    found = set(_IDS.findall(raw))
    if b"." in raw:
        for m in _EXT.finditer(raw):
            # the file name is the run of name characters before the extension
            head = _NAME_START.search(raw, max(0, m.start() - 200), m.start())
            if head is not None and head.start() < m.start():
                found.add(raw[head.start():m.end()])
    return frozenset(t.decode("utf-8", "replace") for t in found)


def mentions(index: Mapping[str, Collection[str]], tokens: set[str]) -> set[str]:
    """Relative paths of the files whose text mentions one of ``tokens``."""
    tokens = {t for t in tokens if t}
    if any(len(t) == 1 for t in tokens):
        return set(index)  # not indexed (see _IDS): any file may mention it
    return {rel for rel, words in index.items() if not tokens.isdisjoint(words)}
