"""Walk an SOP's decision tree with a case's answers and resolve the outcome for a market.

Pure: takes model objects, returns data. A walk always ends, either at an
outcome or at the node where it could not go on (no answer given, an answer
the node does not offer, a link to a missing node, or a loop). A table node
looks its cell up from facts (the case's context, or a question that sets a
fact on the way). A question answered with several values (``multiple``)
forks the walk: ``walks`` follows every branch to its own end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from guidekit.model import Loc, Node, Outcome, Policy, Rule, Sop
from guidekit.sop.graph import TreeGraph

__all__ = ["AppliedOverride", "Hop", "Resolved", "Stop", "Walk", "resolve", "walk", "walks"]


class Stop(StrEnum):
    """Why a walk ended."""

    OUTCOME = "outcome"
    MISSING_ANSWER = "missing-answer"
    UNKNOWN_ANSWER = "unknown-answer"
    UNKNOWN_NODE = "unknown-node"
    UNKNOWN_OUTCOME = "unknown-outcome"
    CYCLE = "cycle"


@dataclass(frozen=True, slots=True)
class Hop:
    """One question answered on the way: the node and the answer value taken."""

    node: str
    answer: str

    def __str__(self) -> str:
        return f"{self.node}={self.answer}"


@dataclass(frozen=True, slots=True)
class Walk:
    hops: tuple[Hop, ...]
    stop: Stop
    at: str  # the outcome reached, or the node (or missing id) where the walk stopped
    outcome: Outcome | None
    detail: str  # why it stopped, for people

    @property
    def reached(self) -> bool:
        return self.stop is Stop.OUTCOME

    def path_text(self) -> str:
        hops = " -> ".join(str(h) for h in self.hops) or "(no answer taken)"
        return f"{hops} => {self.at}" if self.reached else f"{hops}, stopped at {self.at}"


Answers = Mapping[str, str | tuple[str, ...]]
_Branch = tuple[tuple[Hop, ...], str, frozenset[str], dict[str, str]]  # hops, next node, seen, facts


def walk(sop: Sop, answers: Answers, graph: TreeGraph | None = None,
         facts: Mapping[str, str] | None = None) -> Walk:
    """Follow ``answers`` (node id -> answer value) from the tree's start: the first branch."""
    return walks(sop, answers, graph, facts)[0]


def walks(sop: Sop, answers: Answers, graph: TreeGraph | None = None,
          facts: Mapping[str, str] | None = None) -> tuple[Walk, ...]:
    """Every branch of the walk: one, unless a ``multiple`` question got several answers.

    ``facts`` (fact id -> value) feed table nodes; a question that sets a fact
    adds its answer to them on the way.
    """
    g = graph or TreeGraph.of(sop)
    done: list[Walk] = []
    todo: list[Walk | _Branch] = [((), sop.tree.start, frozenset(), dict(facts or {}))]
    while todo:
        item = todo.pop(0)
        if isinstance(item, Walk):
            done.append(item)
            continue
        end = _step(sop, g, answers, *item)
        if isinstance(end, Walk):
            done.append(end)
        else:
            todo[0:0] = end  # depth first, in answer order
    return tuple(done)


def _step(sop: Sop, g: TreeGraph, answers: Answers, hops: tuple[Hop, ...], node_id: str,
          seen: frozenset[str], facts: dict[str, str]) -> Walk | list[Walk | _Branch]:
    """Walk one branch until it ends (a Walk) or forks (the branches to follow)."""
    while True:
        node = g.nodes.get(node_id)
        if node is None:
            where = "the tree's start" if not hops else f"answer {hops[-1]}"
            return Walk(hops, Stop.UNKNOWN_NODE, node_id, None,
                        f"{where} leads to node {node_id!r}, which the SOP does not define")
        if node_id in seen:
            return Walk(hops, Stop.CYCLE, node_id, None,
                        f"the path comes back to node {node_id!r}: the tree loops")
        seen = seen | {node_id}
        given = answers.get(node_id)
        if given is None and node.table is not None:
            return _lookup(sop, node, hops, facts)
        offered = ", ".join(a.value for a in node.answers)
        if given is None:
            return Walk(hops, Stop.MISSING_ANSWER, node_id, None,
                        f"the case gives no answer for node {node_id!r} (one of: {offered})")
        values = (given,) if isinstance(given, str) else given
        if len(values) > 1 and not node.multiple:
            return Walk(hops, Stop.UNKNOWN_ANSWER, node_id, None,
                        f"node {node_id!r} takes one answer; the case gives {len(values)} "
                        f"({', '.join(values)})")
        for value in values:
            if node.answer(value) is None:
                return Walk(hops, Stop.UNKNOWN_ANSWER, node_id, None,
                            f"node {node_id!r} has no answer {value!r} (one of: {offered})")
        if len(values) > 1:  # every answer that applies: one branch each
            return [_take(sop, node, v, hops, dict(facts), seen) for v in values]
        end = _take(sop, node, values[0], hops, facts, seen)
        if isinstance(end, Walk):
            return end
        hops, node_id, seen, facts = end


def _take(sop: Sop, node: Node, value: str, hops: tuple[Hop, ...], facts: dict[str, str],
          seen: frozenset[str]) -> Walk | _Branch:
    """Take an answer the node offers: the outcome reached, or the branch to follow on."""
    answer = node.answer(value)
    assert answer is not None  # checked by the caller
    hops = (*hops, Hop(node.id, value))
    if node.fact is not None:
        facts[node.fact] = value
    if answer.outcome is not None:
        outcome = sop.outcome(answer.outcome)
        if outcome is None:
            return Walk(hops, Stop.UNKNOWN_OUTCOME, node.id, None,
                        f"answer {hops[-1]} leads to outcome {answer.outcome!r}, "
                        "which the SOP does not define")
        return Walk(hops, Stop.OUTCOME, outcome.id, outcome, f"reached {outcome.id!r}")
    assert answer.next is not None  # the schema requires next or outcome
    return hops, answer.next, seen, facts


def _lookup(sop: Sop, node: Node, hops: tuple[Hop, ...], facts: dict[str, str]) -> Walk:
    """A table node: the cell of the facts' row and column, and the outcome it names."""
    table = node.table
    assert table is not None
    missing = [f for f in (table.rows, table.columns) if f not in facts]
    if missing:
        return Walk(hops, Stop.MISSING_ANSWER, node.id, None,
                    f"table node {node.id!r} looks up fact {missing[0]!r}, which neither the case's "
                    "context nor an earlier answer gives")
    row, col = facts[table.rows], facts[table.columns]
    if node.answer(f"{row}/{col}") is None:
        return Walk(hops, Stop.UNKNOWN_ANSWER, node.id, None,
                    f"table node {node.id!r} has no cell for {table.rows} {row!r}, "
                    f"{table.columns} {col!r}")
    end = _take(sop, node, f"{row}/{col}", hops, facts, frozenset())
    assert isinstance(end, Walk)  # a cell always names an outcome
    return end


@dataclass(frozen=True, slots=True)
class AppliedOverride:
    """A regional override that changed (or would change) an outcome's actions."""

    rule: str
    market: str
    base_action: str
    action: str
    replaced: bool  # False when the outcome does not take the rule's base action
    note: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Resolved:
    """An outcome as enforced in one market: actions after regional overrides."""

    outcome: Outcome
    market: str | None
    actions: tuple[str, ...]
    rules: tuple[str, ...]
    overrides: tuple[AppliedOverride, ...]


def resolve(
    outcome: Outcome, rules: Mapping[str, tuple[Policy, Rule]], market: str | None
) -> Resolved:
    """Apply the regional overrides of the outcome's rules for ``market``.

    An override replaces its rule's base action in the outcome's actions. When
    the outcome does not take that base action (it chose another action on
    purpose) the actions stay as written and the override is recorded with
    ``replaced=False``. Rule ids the corpus does not know are kept as written;
    ``check`` reports them.
    """
    actions = list(outcome.actions)
    applied: list[AppliedOverride] = []
    if market is not None:
        for rule_id in outcome.rules:
            owner = rules.get(rule_id)
            if owner is None:
                continue
            policy, rule = owner
            override = policy.overrides_for(market).get(rule_id)
            if override is None:
                continue
            replaced = rule.action in actions
            if replaced:
                actions = [override.action if a == rule.action else a for a in actions]
            applied.append(AppliedOverride(rule_id, market, rule.action, override.action,
                                           replaced, override.note, override.loc))
    return Resolved(outcome, market, tuple(dict.fromkeys(actions)), outcome.rules, tuple(applied))
