"""All documents of a guidance repository, indexed by id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidekit.loading.config import Config
from guidekit.loading.source import DocKind, Source, named_document
from guidekit.model import (
    Case,
    Policy,
    Rule,
    Sop,
    Taxonomy,
    build_cases,
    build_page,
    build_policy,
    build_sop,
    build_taxonomy_items,
)

__all__ = ["Corpus", "RuleIndex", "build_corpus"]


class RuleIndex(Mapping[str, tuple[Policy, Rule]]):
    """Rule id -> (the first policy that defines it, the rule).

    Indexed on first use (most corpus rules never ask: check's parent holds every
    policy of a large corpus, and several rules a policy), and holds only the policy
    of each id: the pair is made when asked for."""

    __slots__ = ("_owner_", "_policies")

    def __init__(self, policies: list[Policy] | None = None) -> None:
        self._policies = policies if policies is not None else []
        self._owner_: dict[str, Policy] | None = None

    @property
    def _owner(self) -> dict[str, Policy]:
        if self._owner_ is None:
            self._owner_ = {}
            for p in self._policies:
                for r in p.rules:
                    self._owner_.setdefault(r.id, p)
        return self._owner_

    def __getitem__(self, rule_id: str) -> tuple[Policy, Rule]:
        p = self._owner[rule_id]
        r = p.rule(rule_id)  # the policy's first rule of that id: the one added first
        assert r is not None
        return p, r

    def get(self, rule_id: str, default: Any = None) -> Any:
        return self[rule_id] if rule_id in self._owner else default

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._owner

    def __iter__(self) -> Iterator[str]:
        return iter(self._owner)

    def __len__(self) -> int:
        return len(self._owner)


@dataclass
class Corpus:
    config: Config
    sources: list[Source]
    policies: dict[str, Policy] = field(default_factory=dict)
    pages: dict[str, Policy] = field(default_factory=dict)  # plain Markdown: documents without rules
    sops: dict[str, Sop] = field(default_factory=dict)
    taxonomy: Taxonomy = field(default_factory=Taxonomy.empty)
    rules: Mapping[str, tuple[Policy, Rule]] = field(default_factory=RuleIndex)
    # every model in load order, duplicates included (rules report those)
    all_policies: list[Policy] = field(default_factory=list)
    all_sops: list[Sop] = field(default_factory=list)
    case_files: list[tuple[Source, str, tuple[Case, ...]]] = field(default_factory=list)
    taxonomy_sources: list[tuple[Source, str, list[Any]]] = field(default_factory=list)
    # ids declared by documents that failed their schema, or named by files that do not load
    # (check.analyze._still_named): references to them resolve, the file's own finding is the one
    declared_ids: set[str] = field(default_factory=set)
    declared_rule_ids: set[str] = field(default_factory=set)

    @property
    def root(self) -> Path:
        return self.config.root

    def cases_for(self, sop: Sop) -> list[Case]:
        out = list(sop.cases)
        for _src, sop_id, cases in self.case_files:
            if sop_id == sop.id:
                out.extend(cases)
        return out

    def doc_ids(self) -> set[str]:
        return set(self.policies) | set(self.sops) | set(self.pages) | self.declared_ids

    def rule_ids(self) -> set[str]:
        return set(self.rules) | self.declared_rule_ids

    def action_rank(self, action_id: str) -> int | None:
        a = self.taxonomy.actions.get(action_id)
        return a.rank if a is not None else None


def _declare_invalid(corpus: Corpus, src: Source) -> None:
    data = src.data
    if not isinstance(data, dict):  # a file whose YAML does not parse names its document only
        named = named_document(src) if src.kind in (DocKind.POLICY, DocKind.SOP) else None
        if named is not None:
            corpus.declared_ids.add(named)
        return
    if isinstance(data.get("id"), str):
        corpus.declared_ids.add(data["id"])
    for r in data.get("rules") or ():
        if isinstance(r, dict) and isinstance(r.get("id"), str):
            corpus.declared_rule_ids.add(r["id"])


def build_corpus(
    config: Config,
    sources: Iterable[Source],
    is_valid: Callable[[Source], bool],
    memo: dict[Source, Any] | None = None,
) -> Corpus:
    """Index the sources; models are built only from schema-valid documents.

    ``memo`` keeps the model built from each source object, so that a long-lived
    caller (``guidekit serve``) that reloads only changed files builds only their models.
    """
    corpus = Corpus(config=config, sources=list(sources))
    corpus.rules = RuleIndex(corpus.all_policies)  # indexed when first asked
    tax = corpus.taxonomy

    def once(src: Source, make: Callable[[Source], Any]) -> Any:
        if memo is None:
            return make(src)
        if src not in memo:
            memo[src] = make(src)
        return memo[src]

    for src in corpus.sources:
        if not src.ok or not is_valid(src):
            _declare_invalid(corpus, src)
            continue
        if src.kind is DocKind.POLICY:
            p = once(src, build_policy)
            corpus.all_policies.append(p)
            corpus.policies.setdefault(p.id, p)
        elif src.kind is DocKind.PAGE:
            page = once(src, build_page)
            corpus.pages.setdefault(page.id, page)
        elif src.kind is DocKind.SOP:
            s = once(src, build_sop)
            corpus.all_sops.append(s)
            corpus.sops.setdefault(s.id, s)
        elif src.kind is DocKind.CASES:
            sop_id, cases = once(src, build_cases)
            corpus.case_files.append((src, sop_id, cases))
        elif src.kind is DocKind.TAXONOMY:
            vocab, items = once(src, build_taxonomy_items)
            corpus.taxonomy_sources.append((src, vocab, items))
            tax.present.add(vocab)
            bucket: dict[str, Any] = getattr(tax, vocab)
            for item in items:
                bucket.setdefault(item.id, item)
    return corpus
