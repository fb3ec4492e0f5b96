"""Every id the repository declares and every place that names one, per file.

The language server answers hover, definition, references, completion,
rename and symbols from this index. It is built from the check session's
per-file data (no second loader) and the reference lists the reference rules
use (``check.rules.references``), so the editor and ``check`` agree on what
names what.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from guidekit.check.rules.references import Ref, policy_refs, sop_refs, tree_refs
from guidekit.check.session import CheckSession
from guidekit.findings import JsonPath
from guidekit.loading.source import DocKind, Source, load_text
from guidekit.model import Policy, Sop, build_cases, build_policy, build_sop, build_taxonomy_items

__all__ = ["FileIndex", "Reference", "Symbol", "WorkspaceIndex", "load_document"]

# kinds of id; taxonomy vocabularies use their own names (actions, markets, ...)
POLICY, RULE, SOP, NODE, OUTCOME, ESCALATION, EXCEPTION = (
    "policies", "rules", "sops", "nodes", "outcomes", "escalations", "exceptions")
# ids that are only meaningful inside their SOP file
LOCAL = frozenset({NODE, OUTCOME, ESCALATION})


# named tuple, measured hot: one per id declared in the workspace index (every document)
class Symbol(NamedTuple):
    """An id declared in a file: what it is, where (JSON path of its ``id`` value)."""

    what: str
    id: str
    rel: str
    path: JsonPath
    title: str
    detail: str = ""  # a line or two shown on hover


# named tuple, measured hot: one per id named in the workspace index (every document)
class Reference(NamedTuple):
    """A place that names an id."""

    what: str  # as in Symbol, or "documents" (a policy or an SOP)
    value: str
    rel: str
    path: JsonPath


# named tuple, measured hot: one per file of the workspace index
class FileIndex(NamedTuple):
    symbols: tuple[Symbol, ...] = ()
    refs: tuple[Reference, ...] = ()


def load_document(session: CheckSession, rel: str) -> Source | None:
    """The whole document the session checks for ``rel`` (the editor's text if open)."""
    kind = session.kind(rel)
    text = session.text(rel)
    if kind is None or text is None:
        return None
    src = Source(path=session.root / rel, rel=rel, kind=kind, text=text)
    return load_text(src, session.config.limits)


def _refs(rel: str, refs: Iterator[Ref]) -> Iterator[Reference]:
    for what, value, loc in refs:
        yield Reference(what, value, rel, loc.path)


def _policy(p: Policy, rel: str) -> FileIndex:
    symbols = [Symbol(POLICY, p.id, rel, ("id",), p.title, f"{p.kind} policy, {p.status.value}")]
    for r in p.rules:
        symbols.append(Symbol(RULE, r.id, rel, (*r.loc.path, "id"), r.title,
                              f"action `{r.action}`, severity `{r.severity}`"))
    refs = list(_refs(rel, policy_refs(p)))
    for e in p.exceptions:
        symbols.append(Symbol(EXCEPTION, e.id, rel, (*e.loc.path, "id"), e.title))
        refs += [Reference(RULE, rid, rel, (*e.loc.path, "rules", i)) for i, rid in enumerate(e.rules)]
    refs += [Reference(RULE, o.rule, rel, (*o.loc.path, "rule")) for o in p.overrides]
    return FileIndex(tuple(symbols), tuple(refs))


def _sop(s: Sop, rel: str) -> FileIndex:
    symbols = [Symbol(SOP, s.id, rel, ("id",), s.title, f"SOP for queue `{s.queue}`")]
    symbols += [Symbol(NODE, n.id, rel, (*n.loc.path, "id"), n.question) for n in s.tree.nodes]
    symbols += [Symbol(OUTCOME, o.id, rel, (*o.loc.path, "id"), o.title,
                       "actions " + ", ".join(f"`{a}`" for a in o.actions)) for o in s.outcomes]
    symbols += [Symbol(ESCALATION, e.id, rel, (*e.loc.path, "id"), e.to) for e in s.escalations]
    refs = [*_refs(rel, sop_refs(s)), *_refs(rel, tree_refs(s))]
    return FileIndex(tuple(symbols), tuple(refs))


def _taxonomy(src: Source) -> FileIndex:
    vocab, items = build_taxonomy_items(src)
    symbols = []
    for item in items:
        title = str(getattr(item, "title", item.id))
        symbols.append(Symbol(vocab, item.id, src.rel, (*item.loc.path, "id"), title))
    return FileIndex(tuple(symbols))


def _cases(src: Source) -> FileIndex:
    sop_id, cases = build_cases(src)
    refs = [Reference(SOP, sop_id, src.rel, ("sop",))]
    for c in cases:
        if c.market:
            refs.append(Reference("markets", c.market, src.rel, (*c.loc.path, "market")))
        if c.surface:
            refs.append(Reference("surfaces", c.surface, src.rel, (*c.loc.path, "surface")))
        for key in ("rules", "not_rules"):
            for i, rid in enumerate(getattr(c.expect, key) or ()):
                refs.append(Reference(RULE, rid, src.rel, (*c.loc.path, "expect", key, i)))
    return FileIndex((), tuple(refs))


def index_source(src: Source, valid: bool) -> FileIndex:
    """The ids a loaded source declares and names (a schema-invalid one: its ids only)."""
    if not src.ok:
        return FileIndex()
    if not valid:
        return _declared_only(src)
    try:
        if src.kind is DocKind.POLICY:
            return _policy(build_policy(src), src.rel)
        if src.kind is DocKind.SOP:
            return _sop(build_sop(src), src.rel)
        if src.kind is DocKind.TAXONOMY:
            return _taxonomy(src)
        if src.kind is DocKind.CASES:
            return _cases(src)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _declared_only(src)
    return FileIndex()


def _declared_only(src: Source) -> FileIndex:
    data: Any = src.data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return FileIndex()
    what = SOP if src.kind is DocKind.SOP else POLICY
    symbols = [Symbol(what, data["id"], src.rel, ("id",), str(data.get("title") or data["id"]))]
    for i, r in enumerate(data.get("rules") or ()):
        if isinstance(r, dict) and isinstance(r.get("id"), str):
            symbols.append(Symbol(RULE, r["id"], src.rel, ("rules", i, "id"), str(r.get("title") or r["id"])))
    return FileIndex(tuple(symbols))


class WorkspaceIndex:
    """The ``FileIndex`` of every file of a check session, refreshed per file."""

    def __init__(self, session: CheckSession) -> None:
        self.session = session
        self.files: dict[str, FileIndex] = {}
        for rel in session.files:
            self.refresh(rel)

    def refresh(self, rel: str) -> None:
        result = self.session.result(rel)
        if result is None:
            self.files.pop(rel, None)
            return
        src = Source(path=self.session.root / rel, rel=rel, kind=result.kind, data=result.data,
                     yaml_line=result.yaml_line, body_line=result.body_line)
        self.files[rel] = index_source(src, result.status == "valid")

    def symbols(self, what: str | None = None, ident: str | None = None,
                rel: str | None = None) -> list[Symbol]:
        out = []
        for file_rel, fi in self.files.items():
            if rel is not None and file_rel != rel:
                continue
            for s in fi.symbols:
                if (what is None or s.what == what or (what == "documents" and s.what in (POLICY, SOP))) \
                        and (ident is None or s.id == ident):
                    out.append(s)
        return sorted(out, key=lambda s: (s.rel, s.path))

    def references(self, what: str, ident: str, rel: str | None = None) -> list[Reference]:
        """Every place that names ``ident`` as a ``what`` (local ids: within ``rel`` only)."""
        kinds = {what}
        if what in (POLICY, SOP):
            kinds.add("documents")
        out: list[Reference] = []
        for file_rel, fi in self.files.items():
            if what in LOCAL and file_rel != rel:
                continue
            out.extend(r for r in fi.refs if r.value == ident and r.what in kinds)
        return sorted(out, key=lambda r: (r.rel, r.path))

    def ids(self, what: str) -> dict[str, Symbol]:
        out: dict[str, Symbol] = {}
        for s in self.symbols():
            if s.what == what or (what == "documents" and s.what in (POLICY, SOP)):
                out.setdefault(s.id, s)
        return out


