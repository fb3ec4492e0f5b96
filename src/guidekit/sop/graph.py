"""The decision tree as a graph: which nodes and outcomes can be reached from where.

Shared by the case runner (to name the node where a walk left the route to the
expected outcome) and by the tree rules of ``check`` (unreachable nodes,
cycles, dead ends). Edges to ids the SOP does not define are ignored here;
``check`` reports them as unknown references.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from guidekit.model import Answer, Node, Sop

__all__ = ["TreeGraph"]


@dataclass(frozen=True, slots=True)
class TreeGraph:
    """Nodes by id (first definition wins) and the answers leaving each node."""

    sop: Sop
    nodes: dict[str, Node]
    outcomes: frozenset[str]

    @classmethod
    def of(cls, sop: Sop) -> TreeGraph:
        nodes: dict[str, Node] = {}
        for n in sop.tree.nodes:
            nodes.setdefault(n.id, n)
        return cls(sop, nodes, frozenset(o.id for o in sop.outcomes))

    def next_nodes(self, node_id: str) -> Iterator[tuple[Answer, str]]:
        node = self.nodes.get(node_id)
        if node is None:
            return
        for a in node.answers:
            if a.next is not None and a.next in self.nodes:
                yield a, a.next

    def reachable(self, start: str | None = None) -> list[str]:
        """Node ids reachable from ``start`` (default: the tree's start), in walk order."""
        first = self.sop.tree.start if start is None else start
        if first not in self.nodes:
            return []
        seen = {first}
        order = [first]
        i = 0
        while i < len(order):
            for _a, nxt in self.next_nodes(order[i]):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
            i += 1
        return order

    def reachable_outcomes(self, start: str | None = None) -> set[str]:
        out: set[str] = set()
        for node_id in self.reachable(start):
            for a in self.nodes[node_id].answers:
                if a.outcome is not None and a.outcome in self.outcomes:
                    out.add(a.outcome)
        return out

    def leads_to(self, target_outcome: str) -> set[str]:
        """Node ids from which some answer path ends at ``target_outcome``."""
        return self._backwards(lambda a: a.outcome == target_outcome)

    def leads_to_any_outcome(self) -> set[str]:
        """Node ids from which some answer path ends at a defined outcome."""
        return self._backwards(lambda a: a.outcome is not None and a.outcome in self.outcomes)

    def _backwards(self, ends: Callable[[Answer], bool]) -> set[str]:
        good = {n.id for n in self.nodes.values() if any(ends(a) for a in n.answers)}
        preds: dict[str, set[str]] = {}
        for node_id in self.nodes:
            for _a, nxt in self.next_nodes(node_id):
                preds.setdefault(nxt, set()).add(node_id)
        todo = list(good)
        while todo:
            for p in preds.get(todo.pop(), ()):
                if p not in good:
                    good.add(p)
                    todo.append(p)
        return good

    def cycles(self) -> list[list[str]]:
        """Strongly connected groups of nodes that loop (Tarjan), in document order."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        groups: list[list[str]] = []
        counter = 0
        for root in self.nodes:
            if root in index:
                continue
            # iterative Tarjan: (node, iterator over successors)
            work: list[tuple[str, Iterator[tuple[Answer, str]]]] = []
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            work.append((root, self.next_nodes(root)))
            while work:
                node_id, succ = work[-1]
                advanced = False
                for _a, nxt in succ:
                    if nxt not in index:
                        index[nxt] = low[nxt] = counter
                        counter += 1
                        stack.append(nxt)
                        on_stack.add(nxt)
                        work.append((nxt, self.next_nodes(nxt)))
                        advanced = True
                        break
                    if nxt in on_stack:
                        low[node_id] = min(low[node_id], index[nxt])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node_id])
                if low[node_id] == index[node_id]:
                    group: list[str] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        group.append(w)
                        if w == node_id:
                            break
                    loops = len(group) > 1 or any(n == node_id for _a, n in self.next_nodes(node_id))
                    if loops:
                        groups.append(group)
        order = {n: i for i, n in enumerate(self.nodes)}
        for g in groups:
            g.sort(key=order.__getitem__)
        groups.sort(key=lambda g: order[g[0]])
        return groups
