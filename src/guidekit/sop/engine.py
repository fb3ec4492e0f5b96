"""Walk an SOP's decision tree with a case's answers and resolve the outcome for a market.

Pure: takes model objects, returns data. A walk always ends, either at an
outcome or at the node where it could not go on (no answer given, an answer
the node does not offer, a link to a missing node, or a loop).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from guidekit.model import Loc, Outcome, Policy, Rule, Sop
from guidekit.sop.graph import TreeGraph

__all__ = ["AppliedOverride", "Hop", "Resolved", "Stop", "Walk", "resolve", "walk"]


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


def walk(sop: Sop, answers: Mapping[str, str], graph: TreeGraph | None = None) -> Walk:
    """Follow ``answers`` (node id -> answer value) from the tree's start."""
    g = graph or TreeGraph.of(sop)
    hops: list[Hop] = []
    node_id = sop.tree.start
    seen: set[str] = set()
    while True:
        node = g.nodes.get(node_id)
        if node is None:
            where = "the tree's start" if not hops else f"answer {hops[-1]}"
            return Walk(tuple(hops), Stop.UNKNOWN_NODE, node_id, None,
                        f"{where} leads to node {node_id!r}, which the SOP does not define")
        if node_id in seen:
            return Walk(tuple(hops), Stop.CYCLE, node_id, None,
                        f"the path comes back to node {node_id!r}: the tree loops")
        seen.add(node_id)
        offered = ", ".join(a.value for a in node.answers)
        value = answers.get(node_id)
        if value is None:
            return Walk(tuple(hops), Stop.MISSING_ANSWER, node_id, None,
                        f"the case gives no answer for node {node_id!r} (one of: {offered})")
        answer = node.answer(value)
        if answer is None:
            return Walk(tuple(hops), Stop.UNKNOWN_ANSWER, node_id, None,
                        f"node {node_id!r} has no answer {value!r} (one of: {offered})")
        hops.append(Hop(node_id, value))
        if answer.outcome is not None:
            outcome = sop.outcome(answer.outcome)
            if outcome is None:
                return Walk(tuple(hops), Stop.UNKNOWN_OUTCOME, node_id, None,
                            f"answer {hops[-1]} leads to outcome {answer.outcome!r}, "
                            "which the SOP does not define")
            return Walk(tuple(hops), Stop.OUTCOME, outcome.id, outcome, f"reached {outcome.id!r}")
        assert answer.next is not None  # the schema requires next or outcome
        node_id = answer.next


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
