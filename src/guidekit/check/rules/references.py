"""Every reference resolves: to documents, rules and taxonomy vocabularies."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING

from guidekit.check.registry import CheckRule, RuleContext, register
from guidekit.findings import Finding

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.corpus import Corpus
    from guidekit.model import Condition, Loc, Policy, Rule, Sop, Tier

_VOCAB_NOUN = {
    "actions": "action",
    "severities": "severity",
    "markets": "market",
    "surfaces": "surface",
    "categories": "category",
    "targets": "target",
    "contexts": "context",
    "subjects": "subject",
    "age_gates": "age gate",
    "ladders": "ladder",
    "units": "unit",
}

Ref = tuple[str, str, "Loc"]  # (what it names, the value, where)


def _listed(values: Iterable[str], loc: Loc, key: str, vocab: str) -> Iterator[Ref]:
    for i, v in enumerate(values):
        yield vocab, v, loc.at(key, i)


def policy_refs(p: Policy) -> Iterator[Ref]:
    yield from _listed(p.surfaces, p.loc, "surfaces", "surfaces")
    yield from _listed(p.markets, p.loc, "markets", "markets")
    yield from _listed(p.categories, p.loc, "categories", "categories")
    yield from _listed(p.supersedes, p.loc, "supersedes", "policies")
    yield from _listed(p.related, p.loc, "related", "documents")
    for r in p.rules:
        yield "actions", r.action, r.loc.at("action")
        if r.severity is not None:
            yield "severities", r.severity, r.loc.at("severity")
        yield from _listed(r.categories, r.loc, "categories", "categories")
        for e in r.examples:
            yield from _listed(e.markets, e.loc, "markets", "markets")
        yield from _rule_model_refs(r)
    for x in p.exceptions:
        if x.residual_action:
            yield "actions", x.residual_action, x.loc.at("residual_action")
        yield from _listed(x.never_for, x.loc, "never_for", "rules")
    for o in p.overrides:
        yield "markets", o.market, o.loc.at("market")
        if not o.inherits_action:
            yield "actions", o.action, o.loc.at("action")
        if o.severity:
            yield "severities", o.severity, o.loc.at("severity")


def _rule_model_refs(r: Rule) -> Iterator[Ref]:
    """The second edition's references: targets, contexts, tiers, consequences, parameters ..."""
    yield from _listed(r.markets, r.loc, "markets", "markets")
    yield from _listed(r.not_markets, r.loc, "not_markets", "markets")
    # a rule, each condition and each tier name targets, contexts and an action alike
    parts: list[Rule | Condition | Tier] = [r, *r.conditions, *r.tiers]
    for part in parts:
        yield from _listed(part.targets, part.loc, "targets", "targets")
        yield from _listed(part.contexts, part.loc, "requires_context", "contexts")
        if part is not r and part.action:
            yield "actions", part.action, part.loc.at("action")
    for q in r.enforcement:
        yield "actions", q.action, q.loc.at("action")
        if q.subject:
            yield "subjects", q.subject, q.loc.at("subject")
    for m in r.parameters:
        yield "units", m.unit, m.loc.at("unit")
        yield from _listed(m.markets, m.loc, "markets", "markets")
    if r.ladder:
        yield "ladders", r.ladder, r.loc.at("ladder")
    if r.age_gate:
        yield "age_gates", r.age_gate, r.loc.at("age_gate")
    for s in r.see:
        yield "rules", s.rule, s.loc.at("rule")


def sop_refs(s: Sop) -> Iterator[Ref]:
    yield from _listed(s.surfaces, s.loc, "surfaces", "surfaces")
    yield from _listed(s.markets, s.loc, "markets", "markets")
    yield from _listed(s.policies, s.loc, "policies", "policies")
    yield from _listed(s.related, s.loc, "related", "documents")
    for o in s.outcomes:
        yield from _listed(o.actions, o.loc, "actions", "actions")
        yield from _listed(o.rules, o.loc, "rules", "rules")
    for n in s.tree.nodes:
        if n.table is not None and n.table.tiers_of is not None:
            yield "rules", n.table.tiers_of, n.table.loc.at("tiers_of")


_TREE_NOUN = {"nodes": "node", "outcomes": "outcome", "escalations": "escalation", "facts": "fact"}


def tree_refs(s: Sop) -> Iterator[Ref]:
    """The SOP's references to its own decision-tree nodes, outcomes, escalations and facts."""
    yield "nodes", s.tree.start, s.tree.loc.at("start")
    for n in s.tree.nodes:
        if n.fact is not None:
            yield "facts", n.fact, n.loc.at("fact")
        if n.table is not None:
            yield "facts", n.table.rows, n.table.loc.at("rows")
            yield "facts", n.table.columns, n.table.loc.at("columns")
        for a in n.answers:
            if a.next is not None:
                yield "nodes", a.next, a.loc.at("next")
            if a.outcome is not None:
                yield "outcomes", a.outcome, a.loc.at("outcome")
    for o in s.outcomes:
        if o.escalation is not None:
            yield "escalations", o.escalation, o.loc.at("escalation")


def _suggest(value: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _known(corpus: Corpus, what: str) -> set[str]:
    from guidekit.model.taxonomy import BUILTIN_UNITS

    if what == "documents":
        return corpus.doc_ids()
    if what == "policies":
        return (set(corpus.policies) | corpus.declared_ids) - set(corpus.sops)
    if what == "rules":
        return corpus.rule_ids()
    if what == "units":
        return set(corpus.taxonomy.units) | set(BUILTIN_UNITS)
    if what == "subjects":  # the first edition's action scopes are subjects too
        return set(corpus.taxonomy.subjects) | {"content", "account", "monetization", "ad"}
    return set(getattr(corpus.taxonomy, what))


@register
class UnresolvedReference(CheckRule):
    """A reference names something that does not exist.

    Checked: policy surfaces, markets, categories, rule actions and severities,
    regional overrides, ``supersedes`` and ``related``; rule markets, targets,
    contexts, tier, condition and consequence actions, consequence subjects,
    parameter units (built-in or a ``units`` vocabulary), ladders, age gates
    and ``see`` rules; exception residual actions and ``never_for`` rules; an
    example's ``exception`` (one of its policy's that covers its rule); SOP
    policies, outcome actions and rule ids, and a table node's ``tiers_of``
    rule. A vocabulary with no taxonomy file at all is reported
    once instead of at every use. While a file's YAML or front matter does
    not parse, the document it still names (its ``id:`` line) and the ids
    written in it count as defined: its parse error (GK001) is the finding.
    """

    id = "GK210"
    name = "unresolved-reference"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        c = ctx.corpus
        # walked, not collected: a list of every reference of a large corpus is its biggest object
        refs = chain(chain.from_iterable(map(policy_refs, c.all_policies)),
                     chain.from_iterable(map(sop_refs, c.all_sops)))
        unreadable = sum(1 for s in c.sources if not s.ok)
        missing_vocab: set[str] = set()
        known_cache: dict[str, set[str]] = {}
        for what, value, loc in refs:
            known = known_cache.get(what)
            if known is None:
                known = known_cache[what] = _known(c, what)
            if value in known:
                continue
            if what in _VOCAB_NOUN and what not in c.taxonomy.present and what not in ("units", "subjects"):
                if what not in missing_vocab:
                    missing_vocab.add(what)
                    yield self.finding(
                        loc.span(),
                        f"no taxonomy file defines {what}, so {value!r} cannot be checked",
                        json_path=loc.path,
                        fix=f"add a taxonomy file with 'taxonomy: {what}'",
                    )
                continue
            noun = _VOCAB_NOUN.get(what) or {"rules": "rule", "policies": "policy"}.get(what, "document")
            # a document loaded only as context for a re-check of others (check.engine) names
            # what is outside that context, and its findings are dropped: no suggestion to seek
            context = not getattr(loc.source, "positions", True)
            hint = None if context else _suggest(value, known)
            notes = [hint] if hint else []
            if unreadable and what in ("documents", "policies", "rules"):
                notes.append(f"{unreadable} file(s) could not be read; it may be defined in one of them")
            yield self.finding(loc.span(), f"unknown {noun} {value!r}", json_path=loc.path, notes=tuple(notes))
        for p in c.all_policies:
            yield from self._example_exceptions(p)

    def _example_exceptions(self, p: Policy) -> Iterator[Finding]:
        """An example's ``exception`` names one of its policy's exceptions that covers its rule."""
        ids = [e.id for e in p.exceptions]
        for r in p.rules:
            for ex in r.examples:
                if ex.exception is None:
                    continue
                loc = ex.loc.at("exception")
                x = next((e for e in p.exceptions if e.id == ex.exception), None)
                if x is None:
                    hint = _suggest(ex.exception, ids)
                    yield self.finding(loc.span(), f"unknown exception {ex.exception!r} of {p.id}",
                                       json_path=loc.path, notes=(hint,) if hint else ())
                elif r not in p.covered_rules(x):
                    yield self.finding(loc.span(), f"exception {x.id!r} does not cover {r.id}, so the "
                                       "example cannot fall under it", json_path=loc.path)


@register
class OverrideRuleElsewhere(CheckRule):
    """A regional override or exception names a rule that is not in its own policy.

    Overrides and exceptions change the policy they sit in; naming another
    policy's rule has no effect.
    """

    id = "GK211"
    name = "foreign-rule"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for p in ctx.corpus.all_policies:
            own = {r.id for r in p.rules}
            for o in p.overrides:
                if o.rule not in own:
                    yield self.finding(
                        o.loc.at("rule").span(),
                        f"override names rule {o.rule!r}, which is not a rule of {p.id}",
                        json_path=(*o.loc.path, "rule"),
                    )
            for e in p.exceptions:
                for i, rid in enumerate(e.rules):
                    if rid not in own:
                        yield self.finding(
                            e.loc.at("rules", i).span(),
                            f"exception names rule {rid!r}, which is not a rule of {p.id}",
                            json_path=(*e.loc.path, "rules", i),
                        )


@register
class OutcomeRuleOutsideSop(CheckRule):
    """An SOP outcome names a rule whose policy the SOP does not list in ``policies``.

    The SOP's policy list says which guidance reviewers in the queue must
    know; an outcome that enforces another policy's rule means the list is
    incomplete.
    """

    id = "GK212"
    name = "rule-outside-sop-policies"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        c = ctx.corpus
        for s in c.all_sops:
            listed = set(s.policies)
            for o in s.outcomes:
                for i, rid in enumerate(o.rules):
                    owner = c.rules.get(rid)
                    if owner is not None and owner[0].id not in listed:
                        yield self.finding(
                            o.loc.at("rules", i).span(),
                            f"rule {rid!r} belongs to {owner[0].id}, which {s.id} does not list in policies",
                            json_path=(*o.loc.path, "rules", i),
                            fix=f"add {owner[0].id} to policies",
                        )


@register
class TreeReference(CheckRule):
    """A decision tree or case refers to a node, answer, outcome or escalation that the SOP
    does not define.

    Covers the tree's ``start``, each answer's ``next``/``outcome``, each
    question's ``fact`` and each table's ``rows``/``columns`` facts (declared
    in ``facts``), each table cell's outcome, outcome ``escalation``, and
    for cases the node ids and answer values they give and the outcome they
    expect, and case files naming an unknown SOP.
    """

    id = "GK213"
    name = "tree-reference"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import Loc

        c = ctx.corpus
        for s in c.all_sops:
            nodes = {n.id: n for n in s.tree.nodes}
            outcomes = {o.id for o in s.outcomes}
            escalations = {e.id for e in s.escalations}
            known: dict[str, Iterable[str]] = {"nodes": nodes, "outcomes": outcomes,
                                               "escalations": escalations, "facts": {f.id for f in s.facts}}
            for what, value, loc in tree_refs(s):
                if value not in known[what]:
                    yield self._missing(loc, _TREE_NOUN[what], value, known[what])
            for case in c.cases_for(s):
                for node_id, value in case.answers.items():
                    node = nodes.get(node_id)
                    if node is None:
                        yield self._missing(case.loc.at("answers", node_id), "node", node_id, nodes, key=True)
                    elif node.answer(value) is None:
                        yield self._missing(
                            case.loc.at("answers", node_id), f"answer of {node_id}", value,
                            [a.value for a in node.answers],
                        )
                for node_id, values in case.choices.items():
                    node = nodes.get(node_id)
                    if node is None:
                        yield self._missing(case.loc.at("answers", node_id), "node", node_id, nodes, key=True)
                        continue
                    for i, value in enumerate(values):
                        if node.answer(value) is None:
                            yield self._missing(case.loc.at("answers", node_id, i), f"answer of {node_id}",
                                                value, [a.value for a in node.answers])
                exp = case.expect
                for i, expected in enumerate(exp.outcomes):
                    if expected not in outcomes:
                        where = case.loc.at("expect", "outcomes", i) if exp.plural else case.loc.at("expect", "outcome")
                        yield self._missing(where, "outcome", expected, outcomes)
        for src, sop_id, _cases in c.case_files:
            if sop_id not in c.sops:
                loc = Loc(src, ("sop",))
                yield self._missing(loc, "SOP", sop_id, c.sops)

    def _missing(
        self, loc: Loc, noun: str, value: str, known: Iterable[str], *, key: bool = False
    ) -> Finding:
        hint = _suggest(value, known)
        return self.finding(
            loc.span(key=key),
            f"unknown {noun} {value!r}",
            json_path=loc.path,
            notes=(hint,) if hint else (),
        )
