"""Identity rules: ids are unique across the corpus and inside each document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from guidekit.check.registry import CheckRule, RuleContext, register
from guidekit.findings import Finding

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.model import Loc, Policy, Sop


@register
class DuplicateId(CheckRule):
    """Two documents (policies or SOPs) share an id.

    Ids are how every other document, every diff and every handbook link refers
    to a policy; they must be unique and never reused.
    """

    id = "GK201"
    name = "duplicate-id"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: dict[str, Loc] = {}
        docs: list[Policy | Sop] = [*ctx.corpus.all_policies, *ctx.corpus.all_sops]
        for doc in docs:
            first = seen.setdefault(doc.id, doc.loc)
            if first is not doc.loc:
                yield self.finding(
                    doc.loc.at("id").span(),
                    f"id {doc.id!r} is already used by {first.source.rel}",
                    json_path=("id",),
                    notes=(f"first defined at {first.at('id').span()}",),
                )


@register
class DuplicateRuleId(CheckRule):
    """Two policy rules share a rule id, in one policy or across policies.

    SOP outcomes, overrides and exports name rules by id, so a rule id must
    point at exactly one rule.
    """

    id = "GK202"
    name = "duplicate-rule-id"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: dict[str, Loc] = {}
        for policy in ctx.corpus.all_policies:
            for rule in policy.rules:
                first = seen.setdefault(rule.id, rule.loc)
                if first is not rule.loc:
                    yield self.finding(
                        rule.loc.at("id").span(),
                        f"rule id {rule.id!r} is already used in {first.source.rel}",
                        json_path=(*rule.loc.path, "id"),
                        notes=(f"first defined at {first.at('id').span()}",),
                    )


def _dupes(items: Iterable[tuple[str, Loc]], what: str, rule: CheckRule) -> Iterator[Finding]:
    seen: set[str] = set()
    for key, loc in items:
        if key in seen:
            yield rule.finding(
                loc.at("id").span(), f"{what} id {key!r} appears twice", json_path=(*loc.path, "id")
            )
        seen.add(key)


@register
class DuplicateLocalId(CheckRule):
    """Ids inside one document repeat: examples of a rule, exceptions, steps,
    tree nodes, outcomes, escalations, cases, or items of a taxonomy vocabulary."""

    id = "GK203"
    name = "duplicate-local-id"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        c = ctx.corpus
        for p in c.all_policies:
            for r in p.rules:
                yield from _dupes(((e.id, e.loc) for e in r.examples), "example", self)
            yield from _dupes(((e.id, e.loc) for e in p.exceptions), "exception", self)
        for s in c.all_sops:
            yield from _dupes(((x.id, x.loc) for x in s.steps), "step", self)
            yield from _dupes(((x.id, x.loc) for x in s.tree.nodes), "node", self)
            yield from _dupes(((x.id, x.loc) for x in s.outcomes), "outcome", self)
            yield from _dupes(((x.id, x.loc) for x in s.escalations), "escalation", self)
            yield from _dupes(((x.id, x.loc) for x in c.cases_for(s)), "case", self)
        seen_vocab: dict[str, set[str]] = {}
        for _src, vocab, items in c.taxonomy_sources:
            ids = seen_vocab.setdefault(vocab, set())
            for item in items:
                if item.id in ids:
                    yield self.finding(
                        item.loc.at("id").span(),
                        f"{vocab} id {item.id!r} is defined twice",
                        json_path=(*item.loc.path, "id"),
                    )
                ids.add(item.id)
