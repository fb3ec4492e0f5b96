"""The second edition's constraints: tiers in order, referrals with a path, a
severity where the configuration wants one, and a taxonomy whose new
vocabularies hold together (target parents, ladder and age-gate references)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from guidekit.check.registry import CheckRule, DocContext, DocumentRule, RuleContext, register
from guidekit.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.model import Loc


@register
class TiersNotRising(CheckRule):
    """A rule declares ``tier_order: rising`` but a tier's action is milder than the one before.

    Tiers listed from the mildest to the strictest let reviewers read them as a
    scale; a tier out of order is usually a typo in an action id or a tier put
    in the wrong place. The order comes from the action ranks of the taxonomy.
    """

    id = "GK240"
    name = "tiers-not-rising"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        actions = ctx.corpus.taxonomy.actions
        for p in ctx.corpus.all_policies:
            for r in p.rules:
                if r.tier_order != "rising":
                    continue
                prev = None
                for t in r.tiers:
                    a = actions.get(t.action)
                    if a is None:
                        continue  # GK210 reports it
                    if prev is not None and a.rank < prev[1]:
                        yield self.finding(
                            t.loc.at("action").span(),
                            f"rule {r.id}: tier {t.id} ({t.action}, rank {a.rank}) is milder than "
                            f"tier {prev[0]} before it (rank {prev[1]}), but the tiers are declared rising",
                            json_path=(*t.loc.path, "action"),
                            fix="list the tiers from the mildest to the strictest action")
                    prev = (t.id, a.rank)


@register
class ReferralWithoutEscalation(CheckRule):
    """A consequence carries a mandatory referral, but the rule names no escalation path.

    A mandatory referral (to a child-safety clearinghouse, a regulator, law
    enforcement) is made by a specialist team; reviewers need ``escalate_to``
    to know where to send the case.
    """

    id = "GK241"
    name = "referral-without-escalation"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for p in ctx.corpus.all_policies:
            for r in p.rules:
                if r.escalate_to:
                    continue
                for q in r.enforcement:
                    if q.referral is not None and q.referral.mandatory:
                        yield self.finding(
                            q.loc.at("referral").span(),
                            f"rule {r.id}: mandatory referral to {q.referral.to!r} but the rule has "
                            "no escalate_to",
                            json_path=(*q.loc.path, "referral"),
                            fix="add escalate_to: the team that makes the referral")


@register
class MissingSeverity(DocumentRule):
    """A policy rule has no severity.

    Severity orders the queue and weighs strikes. Where the sources give none
    (many public policies do not), switch this rule off in guidekit.yaml
    (``rules: {GK302: {enabled: false}}``) rather than invent one.
    """

    id = "GK302"
    severity = Severity.ERROR
    name = "missing-severity"

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        from guidekit.model import Policy

        if not isinstance(ctx.doc, Policy):
            return
        for r in ctx.doc.rules:
            if r.severity is None:
                yield self.finding(r.loc.at("id").span(), f"rule {r.id} has no severity",
                                   json_path=(*r.loc.path, "id"),
                                   fix="add severity: (or switch GK302 off where sources give none)")


@register
class TaxonomyReference(CheckRule):
    """A taxonomy item of the second edition names something the taxonomy lacks, or
    target classes nest in a loop.

    Checked: a target's ``parent``, a ladder step's action and ``propagation``
    subjects, the markets of an age gate.
    """

    id = "GK214"
    name = "taxonomy-reference"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import AgeGate, Ladder, Target

        tax = ctx.corpus.taxonomy
        subjects = set(tax.subjects) | {"content", "account", "monetization", "ad"}
        for _src, _vocab, items in ctx.corpus.taxonomy_sources:
            for it in items:
                if isinstance(it, Target) and it.parent is not None:
                    if it.parent not in tax.targets:
                        yield self._unknown(it.loc.at("parent"), "target", it.parent)
                    elif tax.covers(it.parent, {it.id}):
                        yield self.finding(it.loc.at("parent").span(),
                                           f"target {it.id!r} is nested under itself through {it.parent!r}",
                                           json_path=(*it.loc.path, "parent"))
                elif isinstance(it, Ladder):
                    for i, step in enumerate(it.steps):
                        if tax.actions and step.action not in tax.actions:
                            yield self._unknown(it.loc.at("steps", i, "action"), "action", step.action)
                    for i, s in enumerate(it.propagation):
                        if s not in subjects:
                            yield self._unknown(it.loc.at("propagation", i), "subject", s)
                    last = 0
                    for i, step in enumerate(it.steps):
                        if step.at <= last:
                            yield self.finding(it.loc.at("steps", i, "at").span(),
                                               f"ladder {it.id!r}: step {i + 1} is reached at {step.at}, "
                                               f"not after the step before it ({last})",
                                               json_path=(*it.loc.path, "steps", i, "at"))
                        last = step.at
                elif isinstance(it, AgeGate) and tax.markets:
                    for m in it.markets:
                        if m not in tax.markets:
                            yield self._unknown(it.loc.at("markets", m), "market", m, key=True)

    def _unknown(self, loc: Loc, noun: str, value: str, *, key: bool = False) -> Finding:
        return self.finding(loc.span(key=key), f"unknown {noun} {value!r}", json_path=loc.path)
