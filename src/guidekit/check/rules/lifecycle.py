"""Lifecycle rules: supersession, status and dates hang together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from guidekit.check.registry import CheckRule, RuleContext, register, written
from guidekit.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.model import Policy, Sop


@register
class SupersedesCycle(CheckRule):
    """Policies supersede each other in a loop (A supersedes B supersedes A).

    Replacement must form a chain with one current end; a loop leaves no policy
    that is in force.
    """

    id = "GK220"
    name = "supersedes-cycle"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        graph = {p.id: p.supersedes for p in ctx.corpus.policies.values()}
        reported: set[frozenset[str]] = set()
        for start in sorted(graph):
            path = [start]
            stack = [(start, iter(graph[start]))]
            on_path = {start}
            while stack:
                _node, children = stack[-1]
                nxt = next(children, None)
                if nxt is None:
                    stack.pop()
                    on_path.discard(path.pop())
                    continue
                if nxt == start:
                    cycle = frozenset(path)
                    if cycle not in reported:
                        reported.add(cycle)
                        p = ctx.corpus.policies[start]
                        i = p.supersedes.index(path[1] if len(path) > 1 else start)
                        yield self.finding(
                            p.loc.at("supersedes", i).span(),
                            "supersedes forms a cycle: " + " -> ".join([*path, start]),
                            json_path=("supersedes", i),
                        )
                    continue
                if nxt in graph and nxt not in on_path:
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append((nxt, iter(graph[nxt])))


@register
class ActiveUsesDeprecated(CheckRule):
    """An active SOP applies a deprecated policy.

    Reviewers in the queue would be sent to guidance that is no longer in
    force; point the SOP at the policy that superseded it.
    """

    id = "GK221"
    name = "active-uses-deprecated"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import Status

        c = ctx.corpus
        successors: dict[str, str] = {}
        for p in c.policies.values():
            for old in p.supersedes:
                successors.setdefault(old, p.id)
        for s in c.all_sops:
            if s.status is not Status.ACTIVE or not written(s, "status"):
                continue
            for i, pid in enumerate(s.policies):
                used = c.policies.get(pid)
                if used is not None and used.status is Status.DEPRECATED and written(used, "status"):
                    succ = successors.get(pid)
                    yield self.finding(
                        s.loc.at("policies", i).span(),
                        f"active SOP applies deprecated policy {pid}",
                        json_path=("policies", i),
                        fix=f"use {succ} instead" if succ else None,
                    )


@register
class SupersededStillActive(CheckRule):
    """A policy is superseded by an active policy but is not itself deprecated.

    Two policies in force for the same ground give reviewers two answers.
    """

    id = "GK222"
    name = "superseded-not-deprecated"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import Status

        c = ctx.corpus
        for p in c.all_policies:
            if p.status is not Status.ACTIVE or not written(p, "status"):
                continue
            for old_id in p.supersedes:
                old = c.policies.get(old_id)
                if old is not None and old.status is not Status.DEPRECATED and written(old, "status"):
                    yield self.finding(
                        old.loc.at("status").span(),
                        f"{old.id} is superseded by active {p.id} but its status is {old.status.value}",
                        json_path=("status",),
                        fix="set status: deprecated",
                    )


def _date_findings(rule: CheckRule, doc: Policy | Sop) -> Iterator[Finding]:
    if doc.effective and doc.review_by and doc.review_by <= doc.effective:
        yield rule.finding(
            doc.loc.at("review_by").span(),
            f"review_by {doc.review_by} is not after effective {doc.effective}",
            json_path=("review_by",),
        )


@register
class DateOrder(CheckRule):
    """Dates contradict each other: ``review_by`` on or before ``effective``, or a
    policy that supersedes another taking effect before it."""

    id = "GK230"
    name = "date-order"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        c = ctx.corpus
        for p in c.all_policies:
            yield from _date_findings(self, p)
            for i, old_id in enumerate(p.supersedes):
                old = c.policies.get(old_id)
                if old is not None and p.effective and old.effective and p.effective < old.effective:
                    yield self.finding(
                        p.loc.at("supersedes", i).span(),
                        f"{p.id} takes effect {p.effective}, before {old_id} which it supersedes ({old.effective})",
                        json_path=("supersedes", i),
                    )
        for s in c.all_sops:
            yield from _date_findings(self, s)
