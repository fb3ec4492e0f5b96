"""One file, checked on its own: load, schema, document rules, and a small index.

This is the part of ``check`` that scales with the corpus, so it is built to
run in worker processes and to be cached by content hash: it takes a path and
returns a ``FileResult`` of plain data. Corpus rules then work on the lean
data it keeps (prose elided) plus the index (anchors, links).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidekit.check.incremental import id_like, mentioned_tokens
from guidekit.check.registry import CheckRule, DocContext, DocIndex, Link, find_rule
from guidekit.check.schema import salvage, schema_findings
from guidekit.check.suppress import Directive, scan_directives
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.source import DocKind, Limits, Source, load_bytes, load_text, named_document, read_guidance

if TYPE_CHECKING:  # the models are built (and imported) only for files that are analysed
    from guidekit.model import Policy, Sop

__all__ = ["FAILED", "INVALID", "PARTIAL", "VALID", "Analyzer", "FileResult", "file_key", "lean_policy_data",
           "shared"]

# PARTIAL: schema errors, and the rest of the document (schema.salvage) is modelled and checked
FAILED, INVALID, PARTIAL, VALID = "failed", "invalid", "partial", "valid"
MODELLED = frozenset({PARTIAL, VALID})


@dataclass(frozen=True, slots=True)
class FileResult:
    rel: str
    kind: DocKind
    key: str  # content hash: the cache key
    status: str  # FAILED (not loaded), INVALID (schema errors), PARTIAL or VALID
    # VALID: the document's data with long prose elided; PARTIAL: the same of what
    # is left without its broken nodes; INVALID: the ids it declares (so references
    # to it still resolve); FAILED: what it still names, in the same shape (_still_named)
    data: Any
    yaml_line: int
    body_line: int
    findings: tuple[Finding, ...]
    index: DocIndex
    directives: tuple[Directive, ...]
    body: str | None = None  # the Markdown body, kept only when prose is kept
    # id-like words and file names it mentions: a set, or a sorted tuple where every
    # document's are held (cache.decode_result: a third of the memory)
    tokens: Collection[str] = frozenset()


def file_key(salt: str, rel: str, kind: DocKind, raw: bytes) -> str:
    """The cache key of one file: the run's salt, its path and kind, and the exact bytes analysed."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{salt}\0{rel}\0{kind.value}\0".encode())
    h.update(raw)
    return h.hexdigest()


def loader_finding(name: str, message: str, span: SourceSpan) -> Finding:
    rule = find_rule(name)
    assert rule is not None, name
    return Finding(rule.id, rule.name, rule.severity, message, span)


_PROSE = ("text", "note", "title")


def _strip(items: Any, keys: tuple[str, ...] = _PROSE) -> list[Any]:
    out = []
    for item in items or ():
        if isinstance(item, dict):
            item = {k: ("" if k in ("text", "title") else None) if k in keys else v for k, v in item.items()}
            item = {k: v for k, v in item.items() if v is not None}
        out.append(item)
    return out


def _lean_examples(examples: dict[str, Any]) -> dict[str, Any]:
    """A rule's examples as corpus rules see them: only those that name markets (references)
    or repeat an id within the rule (GK203); the others become ``None``, which keeps every
    kept example at its index (its location and default id) and which the model skips."""
    ids: dict[str, int] = {}
    for label in ("violating", "allowed"):  # the labels the model builds (policy._rule)
        items = examples.get(label)
        for i, e in enumerate(items if isinstance(items, list) else ()):
            if isinstance(e, dict):
                key = str(e.get("id") or f"{label[0]}{i + 1}")
                ids[key] = ids.get(key, 0) + 1
    out: dict[str, Any] = {}
    for label, items in examples.items():
        if not isinstance(items, list):
            out[label] = items
            continue
        kept: list[Any] = []
        for i, e in enumerate(items):
            if isinstance(e, dict):
                key = str(e.get("id") or f"{str(label)[:1]}{i + 1}")
                if not e.get("markets") and ids.get(key, 0) < 2:
                    e = None
            kept.append(e)
        out[label] = _strip(kept)
    return out


_SHORT = 32  # strings up to this length are shared (keys, ids, vocabulary values)


def shared(value: Any, strings: dict[str, str] | None = None) -> Any:
    """``value`` with its keys and short strings shared: equal, but one object per distinct
    string, so the parent, which holds what corpus rules read of every document, keeps one
    copy of each id and vocabulary value instead of one per use (results arrive as text:
    cache.decode_result). ``strings`` is the table of the strings seen so far (the run
    drops it once every result is in: a table entry costs about what a short string
    does, and most ids occur in one or two documents); without it, ``sys.intern``'s."""
    one: Callable[[str], str] = sys.intern if strings is None else _setdefault(strings)
    return _shared(value, one)


def _setdefault(strings: dict[str, str]) -> Callable[[str], str]:
    def one(s: str) -> str:
        return strings.setdefault(s, s)
    return one


def _shared(value: Any, one: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return one(value) if len(value) <= _SHORT else value
    if isinstance(value, dict):
        return {one(k) if isinstance(k, str) else k: _shared(v, one) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v, one) for v in value]
    return value


def lean_policy_data(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-valid policy without its prose: what corpus rules need, a tenth of the size."""
    lean = {k: v for k, v in data.items() if k not in ("body", "summary")}
    rules = []
    for r in data.get("rules") or ():
        if not isinstance(r, dict):  # None: a rule dropped for a schema error (schema.salvage)
            rules.append(r)
            continue
        r = {**r, "text": "", "title": ""} if "title" in r else {**r, "text": ""}
        ex = r.get("examples")
        if isinstance(ex, dict):
            r["examples"] = _lean_examples(ex)
        rules.append(r)
    lean["rules"] = rules
    if "exceptions" in data:
        lean["exceptions"] = _strip(data["exceptions"])
    if "regional_overrides" in data:
        lean["regional_overrides"] = _strip(data["regional_overrides"])
    return lean


def _declared(data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            out["id"] = data["id"]
        rules = [{"id": r["id"]} for r in data.get("rules") or ()
                 if isinstance(r, dict) and isinstance(r.get("id"), str)]
        if rules:
            out["rules"] = rules
    return out


def _still_named(src: Source, tokens: Collection[str]) -> dict[str, Any] | None:
    """What a file that does not load still names, in the shape of ``_declared``: the
    document of its ``id:`` line (loading.source.named_document) and, as its rules, the ids
    written in it. References to them are not judged while it is broken (its load finding
    is the one to fix), and come back once it loads."""
    doc = named_document(src) if src.kind in (DocKind.POLICY, DocKind.SOP) else None
    if doc is None:
        return None
    rules = [{"id": w} for w in id_like(tokens) if w != doc]
    return {"id": doc, "rules": rules} if rules else {"id": doc}


RuleSetup = tuple[type[CheckRule], Callable[[str], tuple[bool, Any, dict[str, Any]]]]


class Analyzer:
    """Checks single files with the given document rules (each with its settings lookup)."""

    def __init__(self, limits: Limits, document_rules: list[RuleSetup], *, verbose: bool = False,
                 lean: bool = True, salt: str = ""):
        self.limits = limits
        self.salt = salt
        self.document_rules = document_rules
        self.verbose = verbose
        self.lean = lean

    def __call__(self, path: Path, rel: str, kind: DocKind) -> FileResult:
        """Read the file once: its cache key and its analysis come from the same bytes."""
        raw = read_guidance(path, self.limits.max_file_bytes)
        key = file_key(self.salt, rel, kind, raw) if isinstance(raw, bytes) else ""
        return self.analyze(load_bytes(path, rel, kind, raw, self.limits), key)

    def analyze_text(self, path: Path, rel: str, kind: DocKind, text: str) -> FileResult:
        """A version of a file that is not on disk (e.g. from git)."""
        return self.analyze(load_text(Source(path=path, rel=rel, kind=kind, text=text), self.limits), "")

    def analyze(self, src: Source, key: str) -> FileResult:
        rel, kind = src.rel, src.kind
        findings = [
            loader_finding(p.rule, p.message, SourceSpan(rel, p.line + 1, p.col + 1))
            for p in src.problems
        ]
        directives = scan_directives(src.text) if src.text else ()
        tokens = mentioned_tokens(src.text.encode("utf-8", "surrogatepass"))
        if not src.ok:
            return FileResult(rel, kind, key, FAILED, _still_named(src, tokens), src.yaml_line, src.body_line,
                              tuple(findings), DocIndex(), directives, tokens=tokens)
        schema = list(schema_findings(src, verbose=self.verbose))
        findings.extend(schema)
        declared = _declared(src.data)
        # with schema errors, the rest of the document is still checked when it can be modelled
        modelled = not schema or salvage(src)
        from guidekit.model import build_policy, build_sop

        doc: Policy | Sop | None = None
        try:
            if modelled and kind is DocKind.POLICY:
                doc = build_policy(src)
            elif modelled and kind is DocKind.SOP:
                doc = build_sop(src)
        except (KeyError, TypeError, ValueError):  # what is left is still not enough for a model
            modelled = False
        ctx = DocContext(src, doc)
        findings.extend(self._document_findings(ctx))
        md = ctx.markdown
        index = DocIndex(
            anchors=md.anchors() | _rule_anchors(src) if md is not None else _rule_anchors(src),
            links=tuple(Link(lk.target, lk.line, lk.col, lk.end_col) for lk in md.links)
            if md is not None else (),
        )
        if not modelled:
            status, data = INVALID, declared
        else:
            status = PARTIAL if schema else VALID
            data = src.data
            if self.lean and kind is DocKind.POLICY:
                data = lean_policy_data(src.data)
        return FileResult(rel, kind, key, status, data, src.yaml_line, src.body_line,
                          tuple(findings), index, directives, None if self.lean else src.body, tokens)

    def _document_findings(self, ctx: DocContext) -> Iterator[Finding]:
        for rule_cls, at in self.document_rules:
            enabled, severity, options = at(ctx.source.rel)
            if not enabled:
                continue
            rule = rule_cls(severity, options)
            ctx.options = rule.effective_options
            yield from rule.check_document(ctx)


def _rule_anchors(src: Source) -> frozenset[str]:
    # handbooks give every rule an anchor named after its id
    rules = src.data.get("rules") if isinstance(src.data, dict) else None
    return frozenset(str(r["id"]).lower() for r in rules or ()
                     if isinstance(r, dict) and isinstance(r.get("id"), str))
