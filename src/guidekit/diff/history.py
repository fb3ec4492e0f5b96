"""changelog and history: the semantic diff applied commit by commit.

Both walk `git log` and diff each commit against its first parent, limited to
the files that commit touched, so their cost follows the history they cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from guidekit.diff.engine import DiffSession
from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, Impact, LocaleTranslations, Revision, headline
from guidekit.diff.summary import summarize
from guidekit.errors import GuidekitError
from guidekit.git import Commit

__all__ = ["Changelog", "ChangelogEntry", "CommitChange", "History", "TranslationLog", "build_changelog",
           "document_history"]


@dataclass(frozen=True, slots=True)
class CommitChange:
    """What one commit did to one document."""

    sha: str
    author: str
    date: str  # ISO 8601, the author date
    subject: str
    change: ChangeKind
    impact: Impact
    summary: str
    path: str
    old_path: str | None
    document: DocumentChange

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """One document's net change over a range, with the commits that made it."""

    document: DocumentChange
    summary: str
    commits: tuple[CommitChange, ...]

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def impact(self) -> Impact:
        return self.document.impact


@dataclass(frozen=True, slots=True)
class TranslationLog:
    """One locale's translations made or revised over a range (guidekit.i18n.changes), with
    the commits that changed its catalog, newest first."""

    translations: LocaleTranslations
    commits: tuple[Commit, ...]


@dataclass(frozen=True, slots=True)
class Changelog:
    since: Revision
    until: Revision
    root: str
    entries: tuple[ChangelogEntry, ...]
    translations: tuple[TranslationLog, ...] = ()  # per configured locale, when translations are configured


@dataclass(frozen=True, slots=True)
class History:
    id: str
    rev: Revision
    root: str
    entries: tuple[CommitChange, ...]  # newest first


def _rel_paths(session: DiffSession, commit: Commit) -> list[str]:
    out = []
    for c in commit.changes:
        for top in (c.old_path, c.new_path):
            rel = session.rel(top)
            if rel is not None and rel not in out:
                out.append(rel)
    return out


def _commit_diff(session: DiffSession, commit: Commit, paths: Iterable[str]) -> ChangeSet:
    base = commit.parent or session.git.empty_tree()
    return session.diff(commit.parent[:12] if commit.parent else "(empty)", commit.sha,
                        paths=list(paths), base_sha=base, head_sha=commit.sha)


def _entry(commit: Commit, doc: DocumentChange) -> CommitChange:
    return CommitChange(commit.sha, commit.author, commit.date.isoformat(), commit.summary, doc.change,
                        doc.impact, summarize(doc), doc.path, doc.old_path, doc)


def build_changelog(root: Path, since: str, until: str = "HEAD") -> Changelog:
    """Release notes from ``since`` to ``until``: each document's net change, most
    important first, with every commit that touched it."""
    with DiffSession(root) as session:
        since_sha, until_sha = session.git.resolve(since), session.git.resolve(until)
        net = session.diff(since, until, base_sha=since_sha, head_sha=until_sha)
        by_id: dict[str, list[CommitChange]] = {}
        for commit in session.git.log(f"{since_sha}..{until_sha}", session.pathspec()):
            paths = _rel_paths(session, commit)
            if not paths:
                continue
            for doc in _commit_diff(session, commit, paths):
                entry = _entry(commit, doc)
                by_id.setdefault(doc.id, []).append(entry)
                for f in doc.fields:  # a document whose id changed keeps its commits
                    if f.field == "id" and isinstance(f.old, str):
                        by_id.setdefault(f.old, []).append(entry)
    entries = [ChangelogEntry(d, summarize(d), tuple(by_id.get(d.id, ()))) for d in net]
    entries.sort(key=lambda e: (-e.impact.rank, e.id))
    return Changelog(net.base, net.head, net.root, tuple(entries))


def document_history(root: Path, doc_id: str, rev: str = "HEAD") -> History:
    """Every commit up to ``rev`` that changed the document ``doc_id`` (its id, or its
    path relative to the root), newest first, followed across moves and renames by id
    rather than by path."""
    with DiffSession(root) as session:
        rev_sha = session.git.resolve(rev)
        if doc_id.lower().endswith((".md", ".markdown", ".yaml", ".yml")):
            doc_id = session.id_at(rev_sha, doc_id.removeprefix("./")) or doc_id
        tracked = _paths_of(session, rev_sha, doc_id)
        ids = {doc_id}
        entries: list[CommitChange] = []
        for commit in session.git.log(rev_sha, session.pathspec()):
            statuses = {c.status for c in commit.changes}
            # the tracked paths, both sides of their renames, and files added or removed
            # in the same commit (this document under another name, unseen by git)
            wanted: list[str] = []
            for c in commit.changes:
                sides = [session.rel(c.old_path), session.rel(c.new_path)]
                hit = any(p in tracked for p in sides if p is not None)
                if hit or c.status in "AD" or (c.status == "R" and not tracked):
                    wanted += [p for p in sides if p is not None and p not in wanted]
            if not any(p in tracked for p in wanted) and (tracked or "D" not in statuses):
                continue
            doc = next((d for d in _commit_diff(session, commit, wanted) if _is(d, ids)), None)
            if doc is None:
                continue
            entries.append(_entry(commit, doc))
            ids |= {f.old for f in doc.fields if f.field == "id" and isinstance(f.old, str)}
            tracked.discard(doc.path)
            if doc.change is ChangeKind.MOVED and doc.old_path:
                tracked.add(doc.old_path)
            elif doc.change in (ChangeKind.MODIFIED, ChangeKind.REMOVED):
                tracked.add(doc.path)
            if doc.change is ChangeKind.ADDED and not tracked:
                break
        if not entries:
            raise GuidekitError(f"no commit up to {rev} changed a document with id {doc_id!r}",
                                hint="ids are case-sensitive; plain Markdown files use their path "
                                "without the extension, e.g. 'policies/ads/alcohol'")
        return History(doc_id, Revision(rev, rev_sha), session.prefix, tuple(entries))


def _is(doc: DocumentChange, ids: set[str]) -> bool:
    return doc.id in ids or any(f.field == "id" and f.old in ids for f in doc.fields)


def _paths_of(session: DiffSession, rev: str, doc_id: str) -> set[str]:
    """Where the document lives at ``rev`` (empty when it is gone by then)."""
    return set(session.find_documents(rev, doc_id))


def impact_of(entries: Iterable[CommitChange]) -> Impact:
    return headline([e.impact for e in entries])
