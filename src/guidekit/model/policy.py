"""Policies: rules with their examples, exceptions and regional overrides.

The records are named tuples: a diff builds them as a short command, where
creating a dataclass costs more than a millisecond each (see guidekit.findings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from guidekit.loading.source import Source
from guidekit.model.common import Loc, Status, as_date, as_strings

__all__ = ["Example", "Override", "Policy", "PolicyException", "Rule", "build_policy"]


class Example(NamedTuple):
    id: str
    label: str  # "violating" | "allowed"
    text: str
    note: str | None
    markets: tuple[str, ...]
    graphic: bool
    loc: Loc


class Rule(NamedTuple):
    id: str
    title: str
    text: str
    action: str
    severity: str
    requires_context: bool
    escalate_to: str | None
    categories: tuple[str, ...]
    examples: tuple[Example, ...]
    loc: Loc

    @property
    def violating(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.label == "violating")

    @property
    def allowed(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.label == "allowed")


class PolicyException(NamedTuple):
    id: str
    title: str
    text: str
    rules: tuple[str, ...]
    loc: Loc


class Override(NamedTuple):
    market: str
    rule: str
    action: str
    severity: str | None
    note: str | None
    loc: Loc


class Policy(NamedTuple):
    id: str
    title: str
    summary: str | None
    kind: str
    status: Status
    version: int
    effective: dt.date
    review_by: dt.date | None
    owners: tuple[str, ...]
    surfaces: tuple[str, ...]
    markets: tuple[str, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    codes: dict[str, str]
    rules: tuple[Rule, ...]
    exceptions: tuple[PolicyException, ...]
    overrides: tuple[Override, ...]
    supersedes: tuple[str, ...]
    related: tuple[str, ...]
    body: str
    body_line: int
    loc: Loc

    @property
    def source(self) -> Source:
        return self.loc.source

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def overrides_for(self, market: str) -> dict[str, Override]:
        return {o.rule: o for o in self.overrides if o.market == market}


def _example(d: dict[str, Any], label: str, i: int, loc: Loc) -> Example:
    return Example(
        id=str(d.get("id") or f"{label[0]}{i + 1}"),
        label=label,
        text=str(d["text"]),
        note=d.get("note"),
        markets=as_strings(d.get("markets")),
        graphic=bool(d.get("graphic", False)),
        loc=loc,
    )


def _rule(d: dict[str, Any], loc: Loc) -> Rule:
    examples: list[Example] = []
    for label in ("violating", "allowed"):
        for i, e in enumerate((d.get("examples") or {}).get(label) or ()):
            examples.append(_example(e, label, i, loc.at("examples", label, i)))
    return Rule(
        id=d["id"],
        title=d["title"],
        text=d["text"],
        action=d["action"],
        severity=d["severity"],
        requires_context=bool(d.get("requires_context", False)),
        escalate_to=d.get("escalate_to"),
        categories=as_strings(d.get("categories")),
        examples=tuple(examples),
        loc=loc,
    )


def build_policy(src: Source) -> Policy:
    d = src.data
    root = Loc(src, ())
    return Policy(
        id=d["id"],
        title=d["title"],
        summary=d.get("summary"),
        kind=d["kind"],
        status=Status(d["status"]),
        version=int(d["version"]),
        effective=as_date(d["effective"]) or dt.date.min,
        review_by=as_date(d.get("review_by")),
        owners=as_strings(d.get("owners")),
        surfaces=as_strings(d.get("surfaces")),
        markets=as_strings(d.get("markets")),
        categories=as_strings(d.get("categories")),
        tags=as_strings(d.get("tags")),
        codes=dict(d.get("codes") or {}),
        rules=tuple(_rule(r, root.at("rules", i)) for i, r in enumerate(d["rules"])),
        exceptions=tuple(
            PolicyException(e["id"], e["title"], e["text"], as_strings(e.get("rules")), root.at("exceptions", i))
            for i, e in enumerate(d.get("exceptions") or ())
        ),
        overrides=tuple(
            Override(
                o["market"], o["rule"], o["action"], o.get("severity"), o.get("note"),
                root.at("regional_overrides", i),
            )
            for i, o in enumerate(d.get("regional_overrides") or ())
        ),
        supersedes=as_strings(d.get("supersedes")),
        related=as_strings(d.get("related")),
        body=src.body or "",
        body_line=src.body_line,
        loc=root,
    )
