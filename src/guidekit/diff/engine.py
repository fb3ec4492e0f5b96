"""diff: two git revisions -> the files that changed -> snapshots -> a ChangeSet.

Only the files git reports as changed are read (from git objects, or the
working tree for the head side), plus the small taxonomy files for action and
severity ranks, plus, when an id disappears, the files at head that `git grep`
finds naming it. The cost follows the size of the change, not of the repository.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from guidekit.diff.documents import (
    MARKDOWN_SUFFIXES,
    Draft,
    Snapshot,
    doc_kind,
    draft,
    load_pair,
    load_snapshot,
    prepare,
)
from guidekit.diff.fetch import Fetch
from guidekit.diff.fields import Context, Ranks
from guidekit.diff.fork import jobs_for, split
from guidekit.diff.model import ChangeSet, DocumentChange, Revision
from guidekit.diff.pairs import document_change
from guidekit.diff.settings import diff_config, taxonomy_folders
from guidekit.findings import format_json_path
from guidekit.git import GitRepo, PathChange, pathspec
from guidekit.loading.config import CONFIG_NAME
from guidekit.loading.discover import matches_any
from guidekit.loading.source import DocKind

__all__ = ["DiffSession"]

_RANKED = frozenset({"taxonomy:actions", "taxonomy:severities"})  # the vocabularies _ranks reads
_PER_JOB = 8  # changed documents per process below which forking costs more than it saves


# named tuple, measured hot: one per changed file side (1,000 in a 500-policy diff)
class _Side(NamedTuple):
    rel: str  # relative to the guidance root
    top_path: str  # relative to the git top level
    blob: str | None
    kind: DocKind


class DiffSession:
    """An open repository and its guidance settings, for one or many diffs
    (changelog and history diff commit after commit with one session)."""

    def __init__(self, root: Path, *, fetch: Fetch | None = None) -> None:
        """``fetch``: the git work of the first diff, already started (guidekit.diff.diff_revisions)."""
        self.root = root.resolve()
        settings = fetch.settings if fetch is not None else None  # read while git worked
        self.config, self.configured = settings if settings is not None else diff_config(self.root)
        self._fetched = fetch.result() if fetch is not None else None
        self.git = self._fetched.repo if self._fetched is not None else GitRepo.open(self.root)
        self.prefix = self.git.prefix_of(self.root)
        self._snap_cache: dict[tuple[str, str], Snapshot] = {}
        self._drafts: dict[tuple[str | None, str, str | None], Draft | None] = {}  # one diff's files
        self._blobs: dict[str, bytes] = {}

    def close(self) -> None:
        self.git.close()

    def __enter__(self) -> DiffSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- paths -------------------------------------------------------------------

    def rel(self, top_path: str | None) -> str | None:
        if top_path is None:
            return None
        if not self.prefix:
            return top_path
        head = self.prefix + "/"
        return top_path[len(head):] if top_path.startswith(head) else None

    def _top(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def kind_of(self, rel: str) -> DocKind | None:
        return doc_kind(rel, self.config, configured=self.configured)

    def pathspec(self, paths: Sequence[str] = ()) -> list[str]:
        return pathspec(self.prefix, paths)

    # --- loading -----------------------------------------------------------------

    def draft(self, rev: str | None, side: _Side) -> Draft | None:
        key = (rev, side.top_path, side.blob)
        if key not in self._drafts:
            raw = self._blobs.get(side.blob) if side.blob else None
            if raw is None:
                raw = self.git.read_blob(side.blob) if side.blob else self.git.read(rev, side.top_path)
            self._drafts[key] = draft(side.rel, raw, side.kind) if raw is not None else None
        return self._drafts[key]

    def snapshot(self, rev: str | None, side: _Side) -> Snapshot | None:
        """One file at one revision, parsed whole (cached by blob)."""
        cache_key = (side.blob, side.rel) if side.blob else None
        if cache_key is not None and cache_key in self._snap_cache:
            return self._snap_cache[cache_key]
        d = self.draft(rev, side)
        if d is None:
            return None
        snap = load_snapshot(d, self.config.limits)
        if cache_key is not None:
            if len(self._snap_cache) > 2048:
                self._snap_cache.clear()
            self._snap_cache[cache_key] = snap
        return snap

    def _load(self, pair: tuple[_Side | None, _Side | None], revs: tuple[str | None, str | None],
              ) -> tuple[Snapshot | None, Snapshot | None]:
        o, n = pair
        if o is not None and n is not None:
            od, nd = self.draft(revs[0], o), self.draft(revs[1], n)
            if od is not None and nd is not None:
                return load_pair(od, nd, self.config.limits)
        return (self.snapshot(revs[0], o) if o is not None else None,
                self.snapshot(revs[1], n) if n is not None else None)

    def _sides(self, changes: Sequence[PathChange]) -> tuple[list[_Side], list[_Side]]:
        old: list[_Side] = []
        new: list[_Side] = []
        for c in changes:
            for top, blob, out in ((c.old_path, c.old_blob, old), (c.new_path, c.new_blob, new)):
                rel = self.rel(top)
                if rel is None or top is None or rel == CONFIG_NAME:
                    continue
                kind = self.kind_of(rel)
                if kind is not None:
                    out.append(_Side(rel, top, blob, kind))
        return old, new

    def _taxonomy_sides(self, rev: str | None, listed: Sequence[tuple[str, str]] | None = None,
                        ) -> Callable[[], list[_Side]]:
        """The taxonomy files at a revision. For a commit, git lists them (with their blob
        ids) while the caller goes on; call the result to collect them. ``listed``: what
        git listed already (a fetch's)."""
        globs = self.config.paths["taxonomy"]
        under = taxonomy_folders(self.config, self.prefix)
        pending: Callable[[], Sequence[tuple[str, str | None]]]
        if listed is not None or rev is None:
            found = listed if listed is not None else [(top, None) for top in self.git.list_files(rev, under)]

            def now() -> Sequence[tuple[str, str | None]]:
                return found
            pending = now
        else:
            pending = self.git.tree_blobs(rev, under)

        def sides() -> list[_Side]:
            out = []
            for top, blob in pending():
                rel = self.rel(top)
                if rel is not None and matches_any(rel, globs) and self.kind_of(rel) is DocKind.TAXONOMY:
                    out.append(_Side(rel, top, blob, DocKind.TAXONOMY))
            return out
        return sides

    def _taxonomy(self, rev: str | None, loaded: Sequence[Snapshot],
                  sides: Sequence[_Side] | None = None) -> dict[str, Snapshot]:
        """The ranked taxonomy files (actions, severities) at a revision, by vocabulary
        (changed ones are already loaded)."""
        by_rel = {s.rel: s for s in loaded if s.kind == "taxonomy"}
        for side in sides if sides is not None else self._taxonomy_sides(rev)():
            if side.rel in by_rel:
                continue
            d = self.draft(rev, side)
            if d is None or (d.guessed_id is not None and d.guessed_id not in _RANKED):
                continue  # only the ranks are needed: skip parsing markets, surfaces, ...
            snap = self.snapshot(rev, side)
            if snap is not None and snap.kind == "taxonomy":
                by_rel[side.rel] = snap
        return {s.id: s for s in by_rel.values() if s.kind == "taxonomy"}

    def id_at(self, rev: str | None, rel: str) -> str | None:
        """The id of the document at path ``rel`` (relative to the root) at ``rev``; None
        when no guidance document is there."""
        kind = self.kind_of(rel)
        if kind is None:
            return None
        snap = self.snapshot(rev, _Side(rel, self._top(rel), None, kind))
        return snap.id if snap is not None else None

    def find_documents(self, rev: str | None, doc_id: str) -> list[str]:
        """Paths (relative to the root) of the documents with id ``doc_id`` at ``rev``."""
        candidates = [doc_id + suffix for suffix in MARKDOWN_SUFFIXES]
        candidates += [r for top in self.git.grep(rev, [doc_id], self.pathspec())
                       if (r := self.rel(top)) is not None]
        found = []
        for rel in dict.fromkeys(candidates):
            kind = self.kind_of(rel)
            if kind is None:
                continue
            snap = self.snapshot(rev, _Side(rel, self._top(rel), None, kind))
            if snap is not None and snap.id == doc_id:
                found.append(rel)
        return found

    # --- the diff ----------------------------------------------------------------

    def diff(self, base: str, head: str | None, *, paths: Sequence[str] = (),
             base_sha: str | None = None, head_sha: str | None = None) -> ChangeSet:
        bsha: str
        hsha: str | None
        fetched, self._fetched = self._fetched, None
        if fetched is not None and fetched.request == (base, head, tuple(paths)) and base_sha is head_sha is None:
            bsha, hsha, changes, blobs = fetched.base_sha, fetched.head_sha, fetched.changes, fetched.blobs
            base_listing = self._taxonomy_sides(bsha, fetched.base_taxonomy)
        else:
            if base_sha is None and head_sha is None and head:
                bsha, hsha = self.git.resolve_pair(base, head)
            else:
                bsha = base_sha or self.git.resolve(base)
                hsha = head_sha if head_sha is not None else (self.git.resolve(head) if head else None)
            base_listing = self._taxonomy_sides(bsha)  # git lists them while it also diffs
            changes = self.git.changes(bsha, hsha, self.pathspec(paths))
            blobs = {}
        self._drafts.clear()
        old_sides, new_sides = self._sides(changes)
        base_tax_sides = base_listing()
        # the changed files and the base's taxonomy in one read (less what a fetch has read)
        wanted = (s.blob for s in (*old_sides, *new_sides, *base_tax_sides) if s.blob and s.blob not in blobs)
        self._blobs = {**blobs, **self.git.read_blobs(wanted)}
        renames = {n: o for c in changes if c.status == "R"
                   and (o := self.rel(c.old_path)) is not None and (n := self.rel(c.new_path)) is not None}
        revs = (bsha, hsha)
        side_pairs = _match(old_sides, new_sides, renames, self._guess(revs))
        # no taxonomy file changed (in the whole diff, not one limited by --path): the
        # head's is the base's, so listing and reading it again is skipped
        same = not paths and not any(s.kind is DocKind.TAXONOMY for s in (*old_sides, *new_sides))

        def load(share: Sequence[tuple[_Side | None, _Side | None]]) -> tuple[list[_Pair], _Facts]:
            pairs = [p for sp in share if (p := self._load(sp, revs)) != (None, None)]
            return pairs, _facts(pairs)

        def context(facts: list[_Facts]) -> _Shared:
            at_head, at_base = set().union(*(f[0] for f in facts)), set().union(*(f[1] for f in facts))
            base_tax = self._taxonomy(bsha, [s for f in facts for s in f[4]], base_tax_sides)
            head_tax = base_tax if same else self._taxonomy(hsha, [s for f in facts for s in f[5]])
            return (_ranks(base_tax, head_tax), self._references(hsha, at_base - at_head),
                    _merge_homes(f[2] for f in facts), _merge_homes(f[3] for f in facts))

        def compare(pairs: list[_Pair], shared: _Shared) -> list[DocumentChange]:
            ranks, references, rules_at_head, rules_at_base = shared
            ctx = Context(ranks=ranks, references=references, rules_at_head=rules_at_head,
                          rules_at_base=rules_at_base, case_refs=cache(lambda sop_id: self._case_refs(hsha, sop_id)))
            return [d for o, n in pairs if (d := document_change(o, n, ctx)) is not None]

        # each document loads and compares on its own: share them over the cores (a
        # taxonomy change re-ranks everything, so it stays in one process)
        jobs = jobs_for(len(side_pairs), per_job=_PER_JOB) if same else 1
        if jobs > 1:
            prepare((o.kind if o else None, n.kind if n else None) for o, n in side_pairs)
        docs = split(side_pairs, jobs, load, context, compare, in_child=self.git.forget_helpers)
        docs.sort(key=lambda d: (d.path, d.id))
        return ChangeSet(Revision(base, bsha), Revision(head or "working tree", hsha),
                         self.prefix, tuple(docs))

    def _guess(self, revs: tuple[str | None, str | None]) -> Callable[[_Side, int], str | None]:
        def guess(side: _Side, which: int) -> str | None:
            d = self.draft(revs[which], side)
            return d.guessed_id if d is not None else None
        return guess

    # --- references at head --------------------------------------------------------

    def _references(self, rev: str | None, gone: set[str]) -> dict[str, list[str]]:
        """Ids that disappear, mapped to the places at head that still name them."""
        if not gone:
            return {}
        found: dict[str, list[str]] = {}
        for top in self.git.grep(rev, gone, self.pathspec()):
            rel = self.rel(top)
            kind = self.kind_of(rel) if rel is not None else None
            if rel is None or kind is None:
                continue
            snap = self.snapshot(rev, _Side(rel, top, None, kind))
            if snap is None or snap.data is None:
                continue
            for ident, json_path in _string_refs(snap.data, gone):
                span = snap.source.span(json_path)
                found.setdefault(ident, []).append(f"{span} ({format_json_path(json_path)})")
        return found

    def _case_refs(self, rev: str | None, sop_id: str) -> Mapping[str, Sequence[str]]:
        refs: dict[str, list[str]] = {}
        for top in self.git.grep(rev, [sop_id], self.pathspec()):
            rel = self.rel(top)
            if rel is None or self.kind_of(rel) is not DocKind.CASES:
                continue
            snap = self.snapshot(rev, _Side(rel, top, None, DocKind.CASES))
            if snap is None or snap.data is None or snap.data.get("sop") != sop_id:
                continue
            for i, case in enumerate(_list(snap.data, "cases")):
                if not isinstance(case, dict):
                    continue
                where = str(snap.source.span(("cases", i)))
                expect = case.get("expect") or {}
                if isinstance(expect, dict):
                    named = expect.get("outcomes")
                    for outcome in [expect.get("outcome"), *(named if isinstance(named, list) else ())]:
                        if outcome:
                            refs.setdefault(f"outcome:{outcome}", []).append(where)
                for node, value in (case.get("answers") or {}).items():
                    for one in value if isinstance(value, list) else [value]:
                        refs.setdefault(f"answer:{node}={one}", []).append(where)
        return refs


def _ranks(base: Mapping[str, Snapshot], head: Mapping[str, Snapshot]) -> Ranks:
    actions: dict[str, int] = {}
    severities: dict[str, int] = {}
    for tax in (base, head):  # head wins
        for vocab, table in (("taxonomy:actions", actions), ("taxonomy:severities", severities)):
            snap = tax.get(vocab)
            if snap is None or snap.data is None:
                continue
            for item in _list(snap.data, "items"):
                if isinstance(item, dict) and isinstance(item.get("rank"), int):
                    table[str(item["id"])] = item["rank"]
    return Ranks(actions, severities)


def _match(olds: Sequence[_Side], news: Sequence[_Side], renames: Mapping[str, str],
           guess: Callable[[_Side, int], str | None]) -> list[tuple[_Side | None, _Side | None]]:
    """Pair files by the id they hold; what is left pairs by path (an id that changed),
    then by git's rename detection (a plain Markdown file, whose id is its path, that
    moved)."""
    by_id: dict[str, _Side] = {}
    for o in olds:
        key = guess(o, 0)
        if key is not None:
            by_id.setdefault(key, o)
    pairs: list[tuple[_Side | None, _Side | None]] = []
    paired: set[int] = set()
    left_new: list[_Side] = []
    for n in news:
        key = guess(n, 1)
        match = by_id.pop(key) if key is not None and key in by_id else None
        if match is None:
            left_new.append(n)
        else:
            pairs.append((match, n))
            paired.add(id(match))
    by_path = {o.rel: o for o in olds if id(o) not in paired}
    for n in left_new:
        rel = n.rel if n.rel in by_path else renames.get(n.rel, "")
        pairs.append((by_path.pop(rel) if rel in by_path else None, n))
    pairs += [(o, None) for o in by_path.values()]
    return pairs


_Pair = tuple[Snapshot | None, Snapshot | None]
# what the comparison of one document needs from all: ids at head, ids at base, rule id
# -> document id at head and at base, changed taxonomy files at base and at head
_Facts = tuple[set[str], set[str], dict[str, str], dict[str, str], list[Snapshot], list[Snapshot]]
# ... and what it gets: ranks, references to ids that disappear, rule homes at head and base
_Shared = tuple[Ranks, dict[str, list[str]], dict[str, str], dict[str, str]]


def _facts(pairs: Sequence[_Pair]) -> _Facts:
    news = [n for _o, n in pairs if n is not None]
    olds = [o for o, _n in pairs if o is not None]
    return (_ids(news), _ids(olds), _rule_homes(news), _rule_homes(olds),
            [o for o in olds if o.kind == "taxonomy"], [n for n in news if n.kind == "taxonomy"])


def _ids(snaps: Sequence[Snapshot]) -> set[str]:
    """The ids documents define: their own, their rules', their taxonomy items'."""
    out: set[str] = set()
    for s in snaps:
        out.add(s.id)
        out |= _rule_ids(s)
        if s.kind == "taxonomy":
            out |= _item_ids(s)
    return out


def _rule_ids(snap: Snapshot) -> set[str]:
    if snap.kind != "policy" or snap.data is None:
        return set()
    return {str(r["id"]) for r in _list(snap.data, "rules") if isinstance(r, dict) and "id" in r}


def _item_ids(snap: Snapshot) -> set[str]:
    if snap.data is None:
        return set()
    return {str(i["id"]) for i in _list(snap.data, "items") if isinstance(i, dict) and "id" in i}


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    """A list the document should hold under ``key``; empty when it holds something else (a
    document that does not fit its schema is compared as text, and says why)."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def _rule_homes(snaps: Sequence[Snapshot]) -> dict[str, str]:
    return _merge_homes([{r: s.id} for s in snaps for r in _rule_ids(s)])


def _merge_homes(homes: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Rule id -> the document holding it; a rule id two documents hold (an error check
    reports) goes to the smaller document id, so that the answer does not depend on
    the order the documents were read in, nor on how they were shared over processes."""
    out: dict[str, str] = {}
    for part in homes:
        for rule, doc in part.items():
            if rule not in out or doc < out[rule]:
                out[rule] = doc
    return out


def _string_refs(data: Any, wanted: set[str], path: tuple[str | int, ...] = (),
                 ) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """String values equal to a wanted id, except where a key ``id`` defines one."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "id" and isinstance(v, str):
                continue
            yield from _string_refs(v, wanted, (*path, str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _string_refs(v, wanted, (*path, i))
    elif isinstance(data, str) and data in wanted:
        yield data, path

