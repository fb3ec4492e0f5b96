"""SOPs, case files and taxonomy files compared item by item."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from guidekit.diff.enforcement import age_gate_fields, ladder_fields
from guidekit.diff.fields import Context, FieldDiff, Ranks, at, field_spans
from guidekit.diff.model import ChangeKind, Impact, ItemChange, headline
from guidekit.diff.policy import status_impact
from guidekit.loading.source import Source
from guidekit.model.common import Loc

if TYPE_CHECKING:
    from guidekit.model.sop import Answer, Node, Sop

__all__ = ["compare_items", "compare_sop"]

T = TypeVar("T")


def _keyed(
    kind: str,
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    fields: Callable[[T, T, FieldDiff], None],
    loc: Callable[[T], Loc],
    title: Callable[[T], str],
    added: Callable[[T], tuple[Impact, str | None]],
    removed: Callable[[T], tuple[Impact, str | None]],
) -> list[ItemChange]:
    """Match two lists of items by key and describe what changed."""
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    out = []
    for x in new:
        k = key(x)
        o = before.get(k)
        if o is None:
            impact, note = added(x)
            out.append(ItemChange(kind, k, ChangeKind.ADDED, impact, title(x), note=note,
                                  span=at(loc(x))))
            continue
        f = FieldDiff(field_spans(loc(x)))
        fields(o, x, f)
        if f.changes:
            out.append(ItemChange(kind, k, ChangeKind.MODIFIED,
                                  headline(c.impact for c in f.changes), title(x),
                                  fields=tuple(f.changes), span=at(loc(x))))
    for x in old:
        if key(x) not in after:
            impact, note = removed(x)
            out.append(ItemChange(kind, key(x), ChangeKind.REMOVED, impact, title(x), note=note,
                                  span=at(loc(x))))
    return out


def _reach(sop: Sop, ranks: Ranks) -> Callable[[Answer], int | None]:
    """The strictest action an answer can lead to, through the rest of the tree."""
    outcomes = {o.id: o for o in sop.outcomes}
    nodes = {n.id: n for n in sop.tree.nodes}
    memo: dict[str, int | None] = {}

    def node_rank(node_id: str, seen: frozenset[str]) -> int | None:
        if node_id in memo:
            return memo[node_id]
        node = nodes.get(node_id)
        if node is None or node_id in seen:
            return None
        ranks_ = [r for a in node.answers if (r := answer_rank(a, seen | {node_id})) is not None]
        memo[node_id] = max(ranks_) if ranks_ else None
        return memo[node_id]

    def answer_rank(a: Answer, seen: frozenset[str] = frozenset()) -> int | None:
        if a.outcome is not None:
            o = outcomes.get(a.outcome)
            return ranks.strictest(o.actions) if o is not None else None
        return node_rank(a.next, seen) if a.next is not None else None

    return answer_rank


def _named(where: Iterable[str]) -> tuple[Impact, str | None]:
    places = list(where)
    if places:
        return Impact.BREAKING, f"still named at {', '.join(places[:3])}"
    return Impact.METADATA, None


def _sop_refs(sop: Sop, extra: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Outcome, node, escalation and answer ids that the SOP at head names."""
    refs: dict[str, list[str]] = {}

    def add(ident: str, loc: Loc) -> None:
        refs.setdefault(ident, []).append(str(at(loc)))

    for n in sop.tree.nodes:
        for a in n.answers:
            if a.next:
                add(f"node:{a.next}", a.loc)
            if a.outcome:
                add(f"outcome:{a.outcome}", a.loc)
    add(f"node:{sop.tree.start}", sop.tree.loc)
    for o in sop.outcomes:
        if o.escalation:
            add(f"escalation:{o.escalation}", o.loc)
    for c in sop.cases:
        for expected in c.expect.outcomes:
            add(f"outcome:{expected}", c.loc)
        for node_id, value in c.answers.items():
            add(f"answer:{node_id}={value}", c.loc)
        for node_id, values in c.choices.items():
            for value in values:
                add(f"answer:{node_id}={value}", c.loc)
    for k, v in extra.items():
        refs.setdefault(k, []).extend(v)
    return refs


def compare_sop(old: Sop, new: Sop, ctx: Context) -> tuple[FieldDiff, list[ItemChange]]:
    ranks = ctx.ranks
    refs = _sop_refs(new, ctx.case_refs(new.id))
    f = FieldDiff(field_spans(new.loc))
    f.prose("title", old.title, new.title)
    f.prose("summary", old.summary, new.summary)
    if old.status != new.status:
        f.add("status", old.status.value, new.status.value, status_impact(old.status, new.status))
    for name in ("version", "effective", "review_by", "owners", "queue", "audience", "surfaces",
                 "markets", "policies", "related", "content_warning", "wellbeing_note"):
        f.meta(name, getattr(old, name), getattr(new, name))
    if old.tree.start != new.tree.start:
        f.meta("decision_tree.start", old.tree.start, new.tree.start)
    old_reach, new_reach = _reach(old, ranks), _reach(new, ranks)

    def outcome_fields(o: Any, n: Any, fd: FieldDiff) -> None:
        fd.prose("title", o.title, n.title)
        ro, rn = ranks.strictest(o.actions), ranks.strictest(n.actions)
        if set(o.actions) != set(n.actions):
            impact = (Impact.METADATA if ro == rn or ro is None or rn is None
                      else Impact.STRICTER if rn > ro else Impact.LOOSER)
            fd.add("actions", list(o.actions), list(n.actions), impact,
                   f"strictest action rank {ro} → {rn}")
        fd.meta("rules", o.rules, n.rules)
        fd.meta("escalation", o.escalation, n.escalation)
        fd.prose("note", o.note, n.note)

    def node_fields(o: Node, n: Node, fd: FieldDiff) -> None:
        fd.prose("question", o.question, n.question)
        fd.prose("help", o.help, n.help)
        fd.meta("multiple", o.multiple, n.multiple)
        fd.meta("table", _table_keys(o), _table_keys(n))
        before = {a.value: a for a in o.answers}
        for a in n.answers:
            b = before.pop(a.value, None)
            name = f"answers.{a.value}"
            if b is None:
                fd.add(name, None, a.next or a.outcome, Impact.METADATA, "answer added")
                continue
            fd.prose(f"{name}.label", b.label, a.label)
            if (b.next, b.outcome) != (a.next, a.outcome):
                ro, rn = old_reach(b), new_reach(a)
                impact = (Impact.METADATA if ro == rn or ro is None or rn is None
                          else Impact.STRICTER if rn > ro else Impact.LOOSER)
                fd.add(name, b.outcome or f"→ {b.next}", a.outcome or f"→ {a.next}", impact,
                       f"strictest reachable action rank {ro} → {rn}")
        for value, b in before.items():
            impact, note = _named(refs.get(f"answer:{n.id}={value}", ()))
            fd.add(f"answers.{value}", b.next or b.outcome, None, impact, note or "answer removed")

    items = _keyed("outcome", old.outcomes, new.outcomes, lambda o: o.id, outcome_fields,
                   lambda o: o.loc, lambda o: o.title, lambda o: (Impact.METADATA, None),
                   lambda o: _named(refs.get(f"outcome:{o.id}", ())))
    items += _keyed("node", old.tree.nodes, new.tree.nodes, lambda n: n.id, node_fields,
                    lambda n: n.loc, lambda n: n.question, lambda n: (Impact.METADATA, None),
                    lambda n: _named(refs.get(f"node:{n.id}", ())))
    items += _keyed("step", old.steps, new.steps, lambda s: s.id,
                    lambda o, n, fd: fd.prose("text", o.text, n.text), lambda s: s.loc,
                    lambda s: s.text[:60], lambda s: (Impact.EDITORIAL, None),
                    lambda s: (Impact.EDITORIAL, None))

    def escalation_fields(o: Any, n: Any, fd: FieldDiff) -> None:
        fd.meta("to", o.to, n.to)
        fd.prose("when", o.when, n.when)
        fd.meta("sla", o.sla, n.sla)

    items += _keyed("escalation", old.escalations, new.escalations, lambda e: e.id,
                    escalation_fields, lambda e: e.loc, lambda e: e.to,
                    lambda e: (Impact.METADATA, None),
                    lambda e: _named(refs.get(f"escalation:{e.id}", ())))
    items += _keyed("case", old.cases, new.cases, lambda c: c.id, _case_fields, lambda c: c.loc,
                    lambda c: c.title or c.id, lambda c: (Impact.METADATA, None),
                    lambda c: (Impact.METADATA, None))
    return f, items


def _table_keys(node: Node) -> str | None:
    t = node.table
    return None if t is None else f"{t.rows} x {t.columns}" + (f" (tiers of {t.tiers_of})" if t.tiers_of else "")


def _case_fields(o: Any, n: Any, fd: FieldDiff) -> None:
    for name in ("title", "content", "market", "surface", "context", "answers", "choices", "expect"):
        fd.meta(name, _plain(getattr(o, name)), _plain(getattr(n, name)))


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    return value


def compare_items(kind: str, old: Source, new: Source, key: str, ctx: Context,
                  ) -> tuple[FieldDiff, list[ItemChange]]:
    """Case files and taxonomy files: top-level fields, then items matched by id.

    A taxonomy item that goes while documents at head still use it is breaking;
    a new rank changes how later diffs order actions and is reported as metadata.
    """
    od, nd = old.data, new.data
    f = FieldDiff(field_spans(Loc(new, ())))
    for name in sorted(set(od) | set(nd)):
        if name != key:
            if isinstance(od.get(name), str) and isinstance(nd.get(name), str):
                f.prose(name, od[name], nd[name])
            else:
                f.meta(name, od.get(name), nd.get(name))
    olist = [(i, x) for i, x in enumerate(od.get(key) or ())]
    nlist = [(i, x) for i, x in enumerate(nd.get(key) or ())]

    vocab = nd.get("taxonomy") if kind == "taxonomy" else None

    def fields(o: tuple[int, Any], n: tuple[int, Any], fd: FieldDiff) -> None:
        if vocab == "ladders":  # read as enforcement, not as metadata
            ladder_fields(fd, o[1], n[1], ctx.ranks)
            return
        if vocab == "age_gates":
            age_gate_fields(fd, o[1], n[1])
            return
        for name in sorted(set(o[1]) | set(n[1])):
            fd.meta(name, o[1].get(name), n[1].get(name))

    def removed(x: tuple[int, Any]) -> tuple[Impact, str | None]:
        if kind == "taxonomy":
            return _named(ctx.still_named(str(x[1]["id"])))
        return Impact.METADATA, None

    items = _keyed(
        "case" if kind == "cases" else "item", olist, nlist, lambda x: str(x[1]["id"]), fields,
        lambda x: Loc(new if x in nlist else old, (key, x[0])),
        lambda x: str(x[1].get("title") or x[1]["id"]), lambda x: (Impact.METADATA, None),
        removed)
    return f, items
