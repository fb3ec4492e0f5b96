"""SOPs: steps, a decision tree, outcomes, escalations and labelled cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from guidekit.loading.source import Source
from guidekit.model.common import Loc, Status, as_date, as_strings

__all__ = [
    "Answer",
    "Case",
    "DecisionTree",
    "Escalation",
    "Expect",
    "Fact",
    "Node",
    "Outcome",
    "Sop",
    "Step",
    "Table",
    "build_cases",
    "build_sop",
]


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    text: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact decisions depend on (target class, reporter), declared once per SOP."""

    id: str
    title: str
    values: tuple[str, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Answer:
    value: str
    label: str
    next: str | None
    outcome: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Table:
    """A lookup instead of a question: the outcome of each (row fact, column fact) pair.

    ``tiers_of`` names the policy rule whose tiers the columns are (e.g. tier x
    target class): ``check`` holds each cell to that tier's action.
    """

    rows: str  # the fact whose value picks the row
    columns: str  # the fact whose value picks the column
    tiers_of: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Node:
    """A question (answers a reviewer picks) or a table (cells looked up from facts).

    A table's cells are its answers: value ``row/column``, each leading to an
    outcome, so every tree analysis treats a cell like an answer.
    """

    id: str
    question: str
    help: str | None
    answers: tuple[Answer, ...]
    loc: Loc
    fact: str | None = None  # the declared fact this question sets
    multiple: bool = False  # several answers may apply: the walk follows each
    table: Table | None = None

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
    pending: bool = False  # the decision waits (hold until the target reports)
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    to: str
    when: str
    sla: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Expect:
    outcomes: tuple[str, ...]  # every outcome the case reaches, in any order (``outcome`` is one)
    actions: tuple[str, ...] | None
    rules: tuple[str, ...] | None
    not_rules: tuple[str, ...]
    plural: bool = False  # written as ``outcomes:``

    @property
    def outcome(self) -> str:
        return self.outcomes[0]


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
    context: dict[str, Any] = field(default_factory=dict)  # target, reporter, age, history ...
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # several answers to one node


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
    facts: tuple[Fact, ...] = ()

    def answers_for(self, case: Case) -> dict[str, str | tuple[str, ...]]:
        """A case's answers, with those its context gives for questions that set a fact.

        A node the case answers with a list (a question where several answers
        apply) maps to a tuple of values."""
        from_context = {n.id: str(case.context[n.fact]) for n in self.tree.nodes
                        if n.fact is not None and n.fact in case.context}
        return {**from_context, **case.answers, **case.choices}

    def facts_for(self, case: Case) -> dict[str, str]:
        """The facts a case's context gives (as text), for table lookups."""
        return {str(k): _fact_text(v) for k, v in case.context.items()}

    @property
    def source(self) -> Source:
        return self.loc.source

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)


def _fact_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _case(d: dict[str, Any], sop_id: str, loc: Loc) -> Case:
    e = d["expect"]
    given = d.get("answers") or {}
    return Case(
        id=d["id"],
        sop=sop_id,
        title=d.get("title"),
        content=d.get("content"),
        market=d.get("market"),
        surface=d.get("surface"),
        answers={str(k): str(v) for k, v in given.items() if not isinstance(v, list)},
        choices={str(k): as_strings(v) for k, v in given.items() if isinstance(v, list)},
        context=dict(d.get("context") or {}),
        expect=Expect(
            outcomes=as_strings(e["outcomes"]) if "outcomes" in e else (str(e["outcome"]),),
            plural="outcomes" in e,
            actions=as_strings(e["actions"]) if "actions" in e else None,
            rules=as_strings(e["rules"]) if "rules" in e else None,
            not_rules=as_strings(e.get("not_rules")),
        ),
        loc=loc,
    )


def _node(n: dict[str, Any], loc: Loc) -> Node:
    t = n.get("table")
    if t is None:
        answers = tuple(
            Answer(value=str(a["value"]), label=str(a.get("label") or a["value"]), next=a.get("next"),
                   outcome=a.get("outcome"), loc=loc.at("answers", j))
            for j, a in enumerate(n["answers"]))
        return Node(n["id"], n["question"], n.get("help"), answers, loc, n.get("fact"),
                    bool(n.get("multiple", False)))
    tloc = loc.at("table")
    table = Table(str(t["rows"]), str(t["columns"]), t.get("tiers_of"), tloc)
    cells = tuple(
        Answer(value=f"{row}/{col}", label=f"{table.rows} {row}, {table.columns} {col}", next=None,
               outcome=str(outcome), loc=tloc.at("cells", row, col))
        for row, line in (t.get("cells") or {}).items() for col, outcome in (line or {}).items())
    return Node(n["id"], n["question"], n.get("help"), cells, loc, table=table)


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
        effective=as_date(d.get("effective")),
        review_by=as_date(d.get("review_by")),
        owners=as_strings(d.get("owners")),
        queue=d["queue"],
        audience=as_strings(d.get("audience")),
        surfaces=as_strings(d.get("surfaces")),
        markets=as_strings(d.get("markets")),
        policies=as_strings(d.get("policies")),
        content_warning=str(wellbeing.get("content_warning", "none")),
        wellbeing_note=wellbeing.get("note"),
        steps=tuple(Step(s["id"], s["text"], root.at("steps", i)) for i, s in enumerate(d["steps"])),
        tree=DecisionTree(
            start=tree["start"],
            nodes=tuple(_node(n, tloc.at("nodes", i)) for i, n in enumerate(tree["nodes"])),
            loc=tloc,
        ),
        outcomes=tuple(
            Outcome(
                o["id"], o["title"], as_strings(o["actions"]), as_strings(o.get("rules")), o.get("escalation"),
                o.get("note"), root.at("outcomes", i), bool(o.get("pending", False)), o.get("until"),
            )
            for i, o in enumerate(d["outcomes"])
        ),
        escalations=tuple(
            Escalation(e["id"], e["to"], e["when"], e.get("sla"), root.at("escalations", i))
            for i, e in enumerate(d.get("escalations") or ())
        ),
        cases=tuple(_case(c, d["id"], root.at("cases", i)) for i, c in enumerate(d.get("cases") or ())),
        related=as_strings(d.get("related")),
        loc=root,
        facts=tuple(Fact(str(f["id"]), str(f["title"]), as_strings(f.get("values")), root.at("facts", i))
                    for i, f in enumerate(d.get("facts") or ())),
    )


def build_cases(src: Source) -> tuple[str, tuple[Case, ...]]:
    """A separate case file: the SOP id it names and its cases."""
    d = src.data
    root = Loc(src, ())
    return d["sop"], tuple(_case(c, d["sop"], root.at("cases", i)) for i, c in enumerate(d["cases"]))
