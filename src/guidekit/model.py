"""Typed guidance documents.

Builders take schema-valid data from a Source; each node keeps a ``Loc`` (its
source and JSON path) so that any finding, diff entry or rendered change can
point at the line that caused it without paying for positions up front.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from guidekit.findings import JsonPath, SourceSpan
from guidekit.loading.source import Source

__all__ = [
    "Action",
    "Answer",
    "Case",
    "Category",
    "DecisionTree",
    "Document",
    "Escalation",
    "Example",
    "Expect",
    "Loc",
    "Market",
    "Node",
    "Outcome",
    "Override",
    "Policy",
    "PolicyException",
    "Rule",
    "SeverityLevel",
    "Sop",
    "Status",
    "Step",
    "Surface",
    "Taxonomy",
    "build_cases",
    "build_policy",
    "build_sop",
    "build_taxonomy_items",
]


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True)
class Loc:
    source: Source
    path: JsonPath

    def span(self, *, key: bool = False) -> SourceSpan:
        return self.source.span(self.path, key=key)

    def at(self, *more: str | int) -> Loc:
        return Loc(self.source, self.path + more)


# --- policies ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    label: str  # "violating" | "allowed"
    text: str
    note: str | None
    markets: tuple[str, ...]
    graphic: bool
    loc: Loc


@dataclass(frozen=True, slots=True)
class Rule:
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


@dataclass(frozen=True, slots=True)
class PolicyException:
    id: str
    title: str
    text: str
    rules: tuple[str, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Override:
    market: str
    rule: str
    action: str
    severity: str | None
    note: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Policy:
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


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _t(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def _example(d: dict[str, Any], label: str, i: int, loc: Loc) -> Example:
    return Example(
        id=str(d.get("id") or f"{label[0]}{i + 1}"),
        label=label,
        text=str(d["text"]),
        note=d.get("note"),
        markets=_t(d.get("markets")),
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
        categories=_t(d.get("categories")),
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
        effective=_date(d["effective"]) or dt.date.min,
        review_by=_date(d.get("review_by")),
        owners=_t(d.get("owners")),
        surfaces=_t(d.get("surfaces")),
        markets=_t(d.get("markets")),
        categories=_t(d.get("categories")),
        tags=_t(d.get("tags")),
        codes=dict(d.get("codes") or {}),
        rules=tuple(_rule(r, root.at("rules", i)) for i, r in enumerate(d["rules"])),
        exceptions=tuple(
            PolicyException(e["id"], e["title"], e["text"], _t(e.get("rules")), root.at("exceptions", i))
            for i, e in enumerate(d.get("exceptions") or ())
        ),
        overrides=tuple(
            Override(
                o["market"], o["rule"], o["action"], o.get("severity"), o.get("note"),
                root.at("regional_overrides", i),
            )
            for i, o in enumerate(d.get("regional_overrides") or ())
        ),
        supersedes=_t(d.get("supersedes")),
        related=_t(d.get("related")),
        body=src.body or "",
        body_line=src.body_line,
        loc=root,
    )


# --- SOPs -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    text: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Answer:
    value: str
    label: str
    next: str | None
    outcome: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    question: str
    help: str | None
    answers: tuple[Answer, ...]
    loc: Loc

    def answer(self, value: str) -> Answer | None:
        return next((a for a in self.answers if a.value == value), None)


@dataclass(frozen=True, slots=True)
class DecisionTree:
    start: str
    nodes: tuple[Node, ...]
    loc: Loc

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    title: str
    actions: tuple[str, ...]
    rules: tuple[str, ...]
    escalation: str | None
    note: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    to: str
    when: str
    sla: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Expect:
    outcome: str
    actions: tuple[str, ...] | None
    rules: tuple[str, ...] | None
    not_rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    sop: str
    title: str | None
    content: str | None
    market: str | None
    surface: str | None
    answers: dict[str, str]
    expect: Expect
    loc: Loc


@dataclass(frozen=True, slots=True)
class Sop:
    id: str
    title: str
    summary: str | None
    status: Status
    version: int
    effective: dt.date | None
    review_by: dt.date | None
    owners: tuple[str, ...]
    queue: str
    audience: tuple[str, ...]
    surfaces: tuple[str, ...]
    markets: tuple[str, ...]
    policies: tuple[str, ...]
    content_warning: str
    wellbeing_note: str | None
    steps: tuple[Step, ...]
    tree: DecisionTree
    outcomes: tuple[Outcome, ...]
    escalations: tuple[Escalation, ...]
    cases: tuple[Case, ...]
    related: tuple[str, ...]
    loc: Loc

    @property
    def source(self) -> Source:
        return self.loc.source

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)


def _case(d: dict[str, Any], sop_id: str, loc: Loc) -> Case:
    e = d["expect"]
    return Case(
        id=d["id"],
        sop=sop_id,
        title=d.get("title"),
        content=d.get("content"),
        market=d.get("market"),
        surface=d.get("surface"),
        answers={str(k): str(v) for k, v in (d.get("answers") or {}).items()},
        expect=Expect(
            outcome=e["outcome"],
            actions=_t(e["actions"]) if "actions" in e else None,
            rules=_t(e["rules"]) if "rules" in e else None,
            not_rules=_t(e.get("not_rules")),
        ),
        loc=loc,
    )


def build_sop(src: Source) -> Sop:
    d = src.data
    root = Loc(src, ())
    tree = d["decision_tree"]
    tloc = root.at("decision_tree")
    wellbeing = d.get("wellbeing") or {}
    return Sop(
        id=d["id"],
        title=d["title"],
        summary=d.get("summary"),
        status=Status(d["status"]),
        version=int(d["version"]),
        effective=_date(d.get("effective")),
        review_by=_date(d.get("review_by")),
        owners=_t(d.get("owners")),
        queue=d["queue"],
        audience=_t(d.get("audience")),
        surfaces=_t(d.get("surfaces")),
        markets=_t(d.get("markets")),
        policies=_t(d.get("policies")),
        content_warning=str(wellbeing.get("content_warning", "none")),
        wellbeing_note=wellbeing.get("note"),
        steps=tuple(Step(s["id"], s["text"], root.at("steps", i)) for i, s in enumerate(d["steps"])),
        tree=DecisionTree(
            start=tree["start"],
            nodes=tuple(
                Node(
                    id=n["id"],
                    question=n["question"],
                    help=n.get("help"),
                    answers=tuple(
                        Answer(
                            value=str(a["value"]),
                            label=str(a.get("label") or a["value"]),
                            next=a.get("next"),
                            outcome=a.get("outcome"),
                            loc=tloc.at("nodes", i, "answers", j),
                        )
                        for j, a in enumerate(n["answers"])
                    ),
                    loc=tloc.at("nodes", i),
                )
                for i, n in enumerate(tree["nodes"])
            ),
            loc=tloc,
        ),
        outcomes=tuple(
            Outcome(
                o["id"], o["title"], _t(o["actions"]), _t(o.get("rules")), o.get("escalation"),
                o.get("note"), root.at("outcomes", i),
            )
            for i, o in enumerate(d["outcomes"])
        ),
        escalations=tuple(
            Escalation(e["id"], e["to"], e["when"], e.get("sla"), root.at("escalations", i))
            for i, e in enumerate(d.get("escalations") or ())
        ),
        cases=tuple(_case(c, d["id"], root.at("cases", i)) for i, c in enumerate(d.get("cases") or ())),
        related=_t(d.get("related")),
        loc=root,
    )


def build_cases(src: Source) -> tuple[str, tuple[Case, ...]]:
    """A separate case file: the SOP id it names and its cases."""
    d = src.data
    root = Loc(src, ())
    return d["sop"], tuple(_case(c, d["sop"], root.at("cases", i)) for i, c in enumerate(d["cases"]))


# --- taxonomy ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    title: str
    description: str | None
    rank: int
    scope: str
    dsa: dict[str, str]
    loc: Loc


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    id: str
    title: str
    rank: int
    strike_weight: int | None
    requires_escalation: bool
    loc: Loc


@dataclass(frozen=True, slots=True)
class Market:
    id: str
    title: str
    locales: tuple[str, ...]
    eu: bool
    regulator: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Surface:
    id: str
    title: str
    description: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    title: str
    description: str | None
    dsa_category: str
    graphic: bool
    do_not_download: bool
    referral: str | None
    loc: Loc


TaxonomyItem = Action | SeverityLevel | Market | Surface | Category


def build_taxonomy_items(src: Source) -> tuple[str, list[TaxonomyItem]]:
    d = src.data
    vocab = d["taxonomy"]
    items: list[TaxonomyItem] = []
    for i, it in enumerate(d["items"]):
        loc = Loc(src, ("items", i))
        if vocab == "actions":
            items.append(Action(it["id"], it["title"], it.get("description"), int(it["rank"]),
                                it["scope"], dict(it.get("dsa") or {}), loc))
        elif vocab == "severities":
            items.append(SeverityLevel(it["id"], it["title"], int(it["rank"]), it.get("strike_weight"),
                                       bool(it.get("requires_escalation", False)), loc))
        elif vocab == "markets":
            items.append(Market(it["id"], it["title"], _t(it.get("locales")), bool(it.get("eu", False)),
                                it.get("regulator"), loc))
        elif vocab == "surfaces":
            items.append(Surface(it["id"], it["title"], it.get("description"), loc))
        else:
            items.append(Category(it["id"], it["title"], it.get("description"), it["dsa_category"],
                                  bool(it.get("graphic", False)), bool(it.get("do_not_download", False)),
                                  it.get("referral"), loc))
    return vocab, items


@dataclass
class Taxonomy:
    actions: dict[str, Action]
    severities: dict[str, SeverityLevel]
    markets: dict[str, Market]
    surfaces: dict[str, Surface]
    categories: dict[str, Category]
    present: set[str]  # vocabularies that have at least one file

    @classmethod
    def empty(cls) -> Taxonomy:
        return cls({}, {}, {}, {}, {}, set())

    def vocab(self, name: str) -> dict[str, Any]:
        return dict(getattr(self, name))


Document = Policy | Sop
