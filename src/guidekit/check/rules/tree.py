"""Decision-tree analysis: every node reachable, no loops, every path ends at an outcome.

Related checks live elsewhere and are not repeated here: an answer with
neither ``next`` nor ``outcome`` is a schema error (the SOP schema requires
one), links to undefined nodes/outcomes are GK213, and outcomes naming
unknown rules or actions are GK210.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from guidekit.check.registry import CheckRule, RuleContext, register
from guidekit.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.model import Answer, Rule, Sop, Tier
    from guidekit.sop.graph import TreeGraph


def _graphs(ctx: RuleContext, *, started: bool = False) -> Iterator[tuple[Sop, TreeGraph]]:
    """Each SOP with its graph; with ``started`` only trees whose start exists (else GK213)."""
    from guidekit.sop.graph import TreeGraph

    for sop in ctx.corpus.all_sops:
        g = TreeGraph.of(sop)
        if not started or sop.tree.start in g.nodes:
            yield sop, g


@register
class UnreachableNode(CheckRule):
    """A decision-tree node that no path from the tree's ``start`` reaches.

    Reviewers never see the question, so whatever it decides is dead
    guidance; either link it from an answer or delete it.
    """

    id = "GK401"
    name = "unreachable-node"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for sop, g in _graphs(ctx, started=True):
            reached = set(g.reachable())
            for node in g.nodes.values():
                if node.id not in reached:
                    yield self.finding(node.loc.at("id").span(),
                                       f"node {node.id!r} cannot be reached from start "
                                       f"{sop.tree.start!r}", json_path=(*node.loc.path, "id"))


@register
class TreeCycle(CheckRule):
    """Answers link decision-tree nodes in a loop.

    A reviewer following the loop asks the same questions again and never
    reaches an outcome; ``guidekit test`` stops such a walk. Reported once per
    loop, at the answer that leads back into it.
    """

    id = "GK402"
    name = "tree-cycle"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for _sop, g in _graphs(ctx):
            for group in g.cycles():
                members = set(group)
                # the first answer (in document order) that points back to an earlier member
                order = {n: i for i, n in enumerate(group)}
                back = next(((n, a) for n in group for a, nxt in g.next_nodes(n)
                             if nxt in members and order[nxt] <= order[n]), None)
                if back is None:  # pragma: no cover - a loop always has a back edge
                    continue
                node_id, answer = back
                loop = " -> ".join([*group, group[0]]) if len(group) > 1 else f"{node_id} -> {node_id}"
                yield self.finding(answer.loc.at("next").span(),
                                   f"answer {answer.value!r} of node {node_id!r} leads back to "
                                   f"{answer.next!r}: the tree loops ({loop})",
                                   json_path=(*answer.loc.path, "next"))


@register
class DeadEndNode(CheckRule):
    """A reachable decision-tree node from which no sequence of answers ends at an outcome.

    Every path from it loops or runs into links to undefined nodes, so a
    reviewer who gets there cannot finish the procedure.
    """

    id = "GK403"
    name = "no-outcome-reachable"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for _sop, g in _graphs(ctx):
            finishing = g.leads_to_any_outcome()
            for node_id in g.reachable():
                if node_id not in finishing:
                    node = g.nodes[node_id]
                    yield self.finding(node.loc.at("id").span(),
                                       f"no answer path from node {node_id!r} ends at an outcome",
                                       json_path=(*node.loc.path, "id"))


@register
class UnreachableOutcome(CheckRule):
    """An SOP outcome that no answer on a reachable node leads to.

    Its actions and rules are never applied by the procedure; link it from an
    answer or delete it.
    """

    id = "GK404"
    name = "unreachable-outcome"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for sop, g in _graphs(ctx, started=True):
            reached = g.reachable_outcomes()
            seen: set[str] = set()
            for o in sop.outcomes:
                if o.id in reached or o.id in seen:
                    continue
                seen.add(o.id)
                linked = any(a.outcome == o.id for n in g.nodes.values() for a in n.answers)
                why = "only unreachable nodes lead to it" if linked else "no answer leads to it"
                yield self.finding(o.loc.at("id").span(), f"outcome {o.id!r} is never reached: {why}",
                                   json_path=(*o.loc.path, "id"))


@register
class DuplicateAnswer(CheckRule):
    """A decision-tree node offers the same answer value twice.

    Cases and reviewers choose answers by value, so only the first one can
    ever be taken.
    """

    id = "GK405"
    name = "duplicate-answer"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for sop in ctx.corpus.all_sops:
            for node in sop.tree.nodes:
                seen: set[str] = set()
                for a in node.answers:
                    if a.value in seen:
                        yield self.finding(a.loc.at("value").span(),
                                           f"node {node.id!r} already has an answer {a.value!r}; "
                                           "this one can never be taken",
                                           json_path=(*a.loc.path, "value"))
                    seen.add(a.value)


def _longest_path(g: TreeGraph, start: str) -> list[str]:
    """The longest chain of questions from ``start`` (links back into a loop are not
    followed: loops are GK402). Iterative, so a tree of any depth is fine."""
    best: dict[str, tuple[int, str | None]] = {}  # node -> (questions from it, next on the chain)
    on_stack: set[str] = set()
    stack: list[tuple[str, bool]] = [(start, False)]
    while stack:
        node, done = stack.pop()
        if done:
            on_stack.discard(node)
            options = [(best[n][0], n) for _a, n in g.next_nodes(node) if n in best]
            length, nxt = max(options, default=(0, None))
            best[node] = (length + 1, nxt)
            continue
        if node in best or node in on_stack or node not in g.nodes:
            continue
        on_stack.add(node)
        stack.append((node, True))
        stack.extend((n, False) for _a, n in g.next_nodes(node) if n not in best and n not in on_stack)
    chain: list[str] = []
    at: str | None = start if start in best else None
    while at is not None and at not in chain:
        chain.append(at)
        at = best[at][1]
    return chain


@register
class DeepTree(CheckRule):
    """A decision tree asks more questions on one path than ``max_depth`` (default 30).

    Reviewers walk the tree one question at a time during a shift; a path this
    long is hard to follow and easy to get wrong. Split the procedure, or group
    questions into steps. The handbook still shows and walks the whole tree.
    """

    id = "GK406"
    name = "deep-tree"
    severity = Severity.WARNING
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "max_depth": {"type": "integer", "minimum": 1,
                      "description": "Most questions a reviewer answers on one path."},
    }
    options: ClassVar[dict[str, Any]] = {"max_depth": 30}

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        limit = int(ctx.options.get("max_depth", 30))
        for sop, g in _graphs(ctx, started=True):
            chain = _longest_path(g, sop.tree.start)
            if len(chain) > limit:
                node = g.nodes[chain[limit]]
                yield self.finding(node.loc.at("id").span(),
                                   f"a path through {sop.id}'s decision tree asks {len(chain)} "
                                   f"questions, more than max_depth ({limit}); this is question "
                                   f"{limit + 1}", json_path=(*node.loc.path, "id"))


@register
class TableCell(CheckRule):
    """A table node's cell that the SOP's facts or the policy's tiers do not back.

    A row or column value must be one of the values its fact declares. With
    ``tiers_of: RULE`` the columns are that rule's tiers: each column must name
    one of its tiers, and each cell's outcome must record the rule and take the
    tier's action, so the table says what the policy says (a cell that removes
    what the tier only labels is a wrong lookup, not a choice). A question
    answered with several values must allow it (``multiple: true``); a case
    that gives several answers to any other question fails in ``guidekit test``.
    """

    id = "GK407"
    name = "table-cell"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        corpus = ctx.corpus
        for sop in corpus.all_sops:
            facts = {f.id: f for f in sop.facts}
            for node in sop.tree.nodes:
                table = node.table
                if table is None:
                    continue
                owner = corpus.rules.get(table.tiers_of) if table.tiers_of else None
                tiers = {t.id: t for t in owner[1].tiers} if owner else None
                for cell in node.answers:
                    row, col = cell.value.split("/", 1)
                    for axis, value, loc in ((table.rows, row, table.loc.at("cells", row)),
                                             (table.columns, col, cell.loc)):
                        fact = facts.get(axis)
                        if fact is not None and fact.values and value not in fact.values:
                            yield self.finding(loc.span(key=True),
                                               f"table node {node.id!r}: {value!r} is not a value of fact "
                                               f"{axis!r} (one of: {', '.join(fact.values)})",
                                               json_path=loc.path)
                    if owner is not None and tiers is not None:
                        yield from self._tier_cell(sop, node.id, owner[1], tiers, col, cell)

    def _tier_cell(self, sop: Sop, node_id: str, rule: Rule, tiers: dict[str, Tier], col: str,
                   cell: Answer) -> Iterator[Finding]:
        tier = tiers.get(col)
        if tier is None:
            yield self.finding(cell.loc.span(key=True),
                               f"table node {node_id!r}: column {col!r} is not a tier of {rule.id} "
                               f"(tiers: {', '.join(tiers) or 'none'})", json_path=cell.loc.path)
            return
        outcome = sop.outcome(cell.outcome or "")
        if outcome is None:
            return  # an unknown outcome is GK213
        if rule.id not in outcome.rules:
            yield self.finding(cell.loc.span(), f"table node {node_id!r}: cell {cell.value!r} leads to "
                               f"outcome {outcome.id!r}, which does not record {rule.id}",
                               json_path=cell.loc.path)
        if tier.action not in outcome.actions:
            yield self.finding(cell.loc.span(), f"table node {node_id!r}: cell {cell.value!r} leads to "
                               f"outcome {outcome.id!r} ({', '.join(outcome.actions)}), but tier "
                               f"{col!r} of {rule.id} takes {tier.action!r}", json_path=cell.loc.path)
