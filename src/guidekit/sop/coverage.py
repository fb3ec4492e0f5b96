"""Coverage of an SOP by its cases: nodes, answers, table cells, outcomes and policy rules exercised.

A table node's cells are counted apart from the questions' answers: a cell no
case looks up is uncovered, like an answer no case gives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guidekit.model import Loc, Sop
from guidekit.sop.engine import Resolved, Walk
from guidekit.sop.graph import TreeGraph

__all__ = ["DEFAULT_METRICS", "METRICS", "Coverage", "Metric", "Missed", "measure", "total"]

METRICS = ("nodes", "answers", "cells", "outcomes", "rules")
DEFAULT_METRICS = ("nodes", "answers", "cells", "outcomes")


@dataclass(frozen=True, slots=True)
class Missed:
    """Something no case reaches, and where it is written."""

    what: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    covered: int
    total: int
    missed: tuple[Missed, ...] = ()

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.covered / self.total

    def __add__(self, other: Metric) -> Metric:
        return Metric(self.name, self.covered + other.covered, self.total + other.total,
                      self.missed + other.missed)


@dataclass(frozen=True, slots=True)
class Coverage:
    nodes: Metric
    answers: Metric
    cells: Metric
    outcomes: Metric
    rules: Metric

    def metric(self, name: str) -> Metric:
        m: Metric = getattr(self, name)
        return m

    def all(self) -> tuple[Metric, ...]:
        return tuple(self.metric(n) for n in METRICS)


def _metric(name: str, items: Sequence[tuple[str, str, Loc]], hit: set[str]) -> Metric:
    missed = tuple(Missed(label, loc) for key, label, loc in items if key not in hit)
    return Metric(name, len(items) - len(missed), len(items), missed)


def measure(
    sop: Sop,
    graph: TreeGraph,
    walks: Iterable[tuple[Walk, Resolved | None]],
    policy_rules: Sequence[tuple[str, Loc]],
) -> Coverage:
    """Coverage of ``sop`` by the given walks; ``policy_rules`` are the rules of its policies."""
    nodes_hit: set[str] = set()
    answers_hit: set[str] = set()
    outcomes_hit: set[str] = set()
    rules_hit: set[str] = set()
    for w, resolved in walks:
        for h in w.hops:
            nodes_hit.add(h.node)
            answers_hit.add(f"{h.node}={h.answer}")
        if w.outcome is not None:
            outcomes_hit.add(w.outcome.id)
        if resolved is not None:
            rules_hit.update(resolved.rules)
    nodes = [(n.id, f"node {n.id}", n.loc) for n in graph.nodes.values()]
    answers = [(f"{n.id}={a.value}", f"answer {n.id}={a.value}", a.loc)
               for n in graph.nodes.values() if n.table is None for a in n.answers]
    cells = [(f"{n.id}={a.value}", f"cell {n.id}[{a.label}]", a.loc)
             for n in graph.nodes.values() if n.table is not None for a in n.answers]
    seen_outcomes: dict[str, Loc] = {}
    for o in sop.outcomes:
        seen_outcomes.setdefault(o.id, o.loc)
    outcomes = [(oid, f"outcome {oid}", loc) for oid, loc in seen_outcomes.items()]
    rules = [(rid, f"rule {rid}", loc) for rid, loc in policy_rules]
    return Coverage(
        _metric("nodes", _unique(nodes), nodes_hit),
        _metric("answers", _unique(answers), answers_hit),
        _metric("cells", _unique(cells), answers_hit),
        _metric("outcomes", outcomes, outcomes_hit),
        _metric("rules", _unique(rules), rules_hit),
    )


def _unique(items: list[tuple[str, str, Loc]]) -> list[tuple[str, str, Loc]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item[0] not in seen:
            seen.add(item[0])
            out.append(item)
    return out


def total(coverages: Iterable[Coverage]) -> Coverage:
    acc = Coverage(*(Metric(n, 0, 0) for n in METRICS))
    for c in coverages:
        acc = Coverage(*(a + b for a, b in zip(acc.all(), c.all(), strict=True)))
    return acc
