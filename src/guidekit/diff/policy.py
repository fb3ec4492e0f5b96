"""Policies compared by meaning: rules by id, examples, exceptions, regional overrides."""

from __future__ import annotations

from collections.abc import Sequence

from guidekit.diff.enforcement import exception_fields, override_fields, rule_model_fields
from guidekit.diff.fields import Context, FieldDiff, Ranks, at, field_spans, scope_impact
from guidekit.diff.model import ChangeKind, Impact, ItemChange, headline
from guidekit.diff.redline import normalize, similarity
from guidekit.model.common import Status
from guidekit.model.policy import Example, Override, Policy, PolicyException, Rule

__all__ = ["compare_policy", "policy_fields", "rule_added", "rule_removed"]

_ENFORCED = {Status.ACTIVE}
_RENAME_SIMILARITY = 0.7


def status_impact(old: Status, new: Status) -> Impact:
    """A policy starts or stops being enforced when it becomes or stops being active."""
    if (old in _ENFORCED) == (new in _ENFORCED):
        return Impact.METADATA
    return Impact.STRICTER if new in _ENFORCED else Impact.LOOSER


def policy_fields(old: Policy, new: Policy, ctx: Context) -> FieldDiff:
    f = FieldDiff(field_spans(new.loc))
    if old.id != new.id:
        where = ctx.still_named(old.id)
        f.add("id", old.id, new.id, Impact.BREAKING if where else Impact.METADATA,
              f"the old id is still named at {', '.join(where[:3])}" if where else None)
    f.prose("title", old.title, new.title)
    f.prose("summary", old.summary, new.summary)
    if old.status != new.status:
        f.add("status", old.status.value, new.status.value, status_impact(old.status, new.status))
    f.scope("surfaces", old.surfaces, new.surfaces)
    f.scope("markets", old.markets, new.markets)
    for name in ("kind", "version", "effective", "review_by", "owners", "categories", "tags",
                 "codes", "supersedes", "related"):
        f.meta(name, getattr(old, name), getattr(new, name))
    return f


def _rule_fields(old: Rule, new: Rule, ranks: Ranks) -> FieldDiff:
    f = FieldDiff(field_spans(new.loc))
    f.prose("title", old.title, new.title)
    f.prose("text", old.text, new.text)
    f.ranked("action", "action", ranks, old.action, new.action)
    f.ranked("severity", "severity", ranks, old.severity, new.severity)
    for name in ("escalate_to", "categories"):
        f.meta(name, getattr(old, name), getattr(new, name))
    rule_model_fields(f, old, new, ranks)
    _examples(f, old.examples, new.examples)
    return f


def _examples(f: FieldDiff, old: Sequence[Example], new: Sequence[Example]) -> None:
    """An allowed example removed, or a violating one added, draws the line tighter."""
    before = {(e.label, e.id): e for e in old}
    after = {(e.label, e.id): e for e in new}
    widen = {"violating": Impact.STRICTER, "allowed": Impact.LOOSER}
    narrow = {"violating": Impact.LOOSER, "allowed": Impact.STRICTER}
    # an example whose id changed but whose words did not is the same example
    for key in [k for k in after if k not in before]:
        twin = next((k for k, e in before.items() if k not in after and k[0] == key[0]
                     and normalize(e.text) == normalize(after[key].text)), None)
        if twin is not None:
            f.meta(f"examples.{key[0]}.{key[1]}.id", twin[1], key[1])
            before[key] = before.pop(twin)
    for key in [*before, *(k for k in after if k not in before)]:
        label, ex_id = key
        name = f"examples.{label}.{ex_id}"
        o, n = before.get(key), after.get(key)
        if o is None and n is not None:
            f.add(name, None, n.text, widen[label], f"{label} example added")
        elif n is None and o is not None:
            f.add(name, o.text, None, narrow[label], f"{label} example removed")
        elif o is not None and n is not None:
            f.prose(f"{name}.text", o.text, n.text)
            f.prose(f"{name}.note", o.note, n.note)
            for impact, note in _example_markets(o.markets, n.markets, label):
                f.add(f"{name}.markets", list(o.markets), list(n.markets), impact, note)
            f.meta(f"{name}.graphic", o.graphic, n.graphic)


def _example_markets(old: Sequence[str], new: Sequence[str],
                     label: str) -> list[tuple[Impact, str]]:
    out = scope_impact(old, new)
    if label == "allowed":  # an allowed example in more markets allows more
        flip = {Impact.STRICTER: Impact.LOOSER, Impact.LOOSER: Impact.STRICTER}
        out = [(flip[i], note) for i, note in out]
    return out


def rule_added(rule: Rule, ranks: Ranks, *, enforced: bool = True) -> ItemChange:
    rank = ranks.of("action", rule.action)
    if not enforced:
        impact, note = Impact.METADATA, "the policy is not active"
    elif rank is None:
        impact, note = Impact.BREAKING, f"action {rule.action!r} is not in the taxonomy"
    elif rank > ranks.lowest_action():
        impact, note = Impact.STRICTER, f"new rule: {rule.action}"
    else:
        impact, note = Impact.EDITORIAL, f"new rule without enforcement: {rule.action}"
    return ItemChange("rule", rule.id, ChangeKind.ADDED, impact, rule.title, note=note,
                      span=at(rule.loc))


def rule_removed(rule: Rule, ctx: Context, *, enforced: bool = True) -> ItemChange:
    where = ctx.still_named(rule.id)
    if where:
        impact, note = Impact.BREAKING, f"still named at {', '.join(where[:3])}"
    elif enforced:
        impact, note = Impact.LOOSER, f"no longer enforced: {rule.action}"
    else:
        impact, note = Impact.METADATA, "the policy was not active"
    return ItemChange("rule", rule.id, ChangeKind.REMOVED, impact, rule.title, note=note,
                      span=at(rule.loc))


def _rules(old: Policy, new: Policy, ctx: Context) -> tuple[list[ItemChange], dict[str, str]]:
    """Rule changes, and the rule ids that were renamed (old -> new)."""
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    enforced = new.status in _ENFORCED or old.status in _ENFORCED
    gone = [r for r in old.rules if r.id not in after]
    fresh = [r for r in new.rules if r.id not in before]
    renamed: dict[str, Rule] = {}  # new id -> old rule
    for r in fresh:
        match = next((g for g in gone if g.id not in {x.id for x in renamed.values()}
                      and (g.title == r.title or similarity(g.text, r.text) >= _RENAME_SIMILARITY)),
                     None)
        if match is not None and r.id not in ctx.rules_at_base:
            renamed[r.id] = match
    renamed_old = {r.id for r in renamed.values()}
    out: list[ItemChange] = []
    for r in new.rules:
        prev = before.get(r.id) or renamed.get(r.id)
        if prev is None:
            elsewhere = ctx.rules_at_base.get(r.id)
            if elsewhere is not None and elsewhere != new.id:
                out.append(ItemChange("rule", r.id, ChangeKind.MOVED, Impact.METADATA, r.title,
                                      note=f"moved here from {elsewhere}", span=at(r.loc)))
            else:
                out.append(rule_added(r, ctx.ranks, enforced=enforced))
            continue
        f = _rule_fields(prev, r, ctx.ranks)
        old_id = None
        if prev.id != r.id:
            old_id = prev.id
            where = ctx.still_named(prev.id)
            f.add("id", prev.id, r.id, Impact.BREAKING if where else Impact.METADATA,
                  f"the old id is still named at {', '.join(where[:3])}" if where else "renamed")
        if f.changes:
            out.append(ItemChange("rule", r.id, ChangeKind.MODIFIED,
                                  headline(c.impact for c in f.changes), r.title, old_id,
                                  tuple(f.changes), span=at(r.loc)))
    for r in gone:
        if r.id in renamed_old:
            continue
        elsewhere = ctx.rules_at_head.get(r.id)
        if elsewhere is not None and elsewhere != new.id:
            out.append(ItemChange("rule", r.id, ChangeKind.MOVED, Impact.METADATA, r.title,
                                  note=f"moved to {elsewhere}", span=at(new.loc)))
        else:
            out.append(rule_removed(r, ctx, enforced=enforced))
    return out, {r.id: new_id for new_id, r in renamed.items()}


def _exceptions(old: Sequence[PolicyException], new: Sequence[PolicyException],
                renamed: dict[str, str], ranks: Ranks) -> list[ItemChange]:
    """An exception carves content out of the rules: adding one loosens, removing tightens."""
    # a renamed rule id counts as the same rule on both sides; a reference left on the
    # old id is reported once, as breaking, on the rule itself
    old = [e._replace(rules=tuple(renamed.get(r, r) for r in e.rules)) for e in old]
    new = [e._replace(rules=tuple(renamed.get(r, r) for r in e.rules)) for e in new]
    before = {e.id: e for e in old}
    after = {e.id: e for e in new}
    out = []
    for e in new:
        o = before.get(e.id)
        if o is None:
            out.append(ItemChange("exception", e.id, ChangeKind.ADDED, Impact.LOOSER, e.title,
                                  note="new exception", span=at(e.loc)))
            continue
        f = FieldDiff(field_spans(e.loc))
        f.prose("title", o.title, e.title)
        f.prose("text", o.text, e.text)
        if set(o.rules) != set(e.rules):
            if not e.rules or not o.rules:
                impact = Impact.LOOSER if not e.rules else Impact.STRICTER
                f.add("rules", list(o.rules), list(e.rules), impact,
                      "now covers every rule" if not e.rules else "no longer covers every rule")
            else:
                f.ids("rules", o.rules, e.rules, grow=Impact.LOOSER, shrink=Impact.STRICTER)
        exception_fields(f, o, e, ranks)
        if f.changes:
            out.append(ItemChange("exception", e.id, ChangeKind.MODIFIED,
                                  headline(c.impact for c in f.changes), e.title,
                                  fields=tuple(f.changes), span=at(e.loc)))
    out += [ItemChange("exception", e.id, ChangeKind.REMOVED, Impact.STRICTER, e.title,
                       note="exception withdrawn", span=at(e.loc))
            for e in old if e.id not in after]
    return out


def _overrides(old: Policy, new: Policy, ranks: Ranks, renamed: dict[str, str]) -> list[ItemChange]:
    """A regional override swaps a rule's action in one market; its impact is the step
    from the rule's own action to the override's (or back, when it goes)."""
    before = {(o.market, renamed.get(o.rule, o.rule)): o for o in old.overrides}
    after = {(o.market, renamed.get(o.rule, o.rule)): o for o in new.overrides}

    back = {v: k for k, v in renamed.items()}

    def base_action(p: Policy, rule_id: str) -> tuple[str | None, str | None]:
        r = p.rule(rule_id) or (p.rule(back[rule_id]) if p is old and rule_id in back else None)
        return (r.action, r.severity) if r is not None else (None, None)

    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        o, n = before.get(key), after.get(key)
        market, rule_id = key
        ident = f"{market}:{rule_id}"
        title = f"{rule_id} in {market}"
        cur: Override = n if n is not None else o  # type: ignore[assignment]
        f = FieldDiff(field_spans(cur.loc))
        if o is None and n is not None:
            action, severity = base_action(new, rule_id)
            if action is None:
                f.add("rule", None, rule_id, Impact.METADATA, f"{rule_id} is not a rule of this policy")
            else:
                f.ranked("action", "action", ranks, action, n.action)
            if n.severity is not None:
                f.ranked("severity", "severity", ranks, severity, n.severity)
            override_fields(f, None, n)
            kind = ChangeKind.ADDED
        elif n is None and o is not None:
            action, severity = base_action(new, rule_id)
            if action is not None:
                f.ranked("action", "action", ranks, o.action, action)
                if o.severity is not None:
                    f.ranked("severity", "severity", ranks, o.severity, severity)
            override_fields(f, o, None)
            kind = ChangeKind.REMOVED
        else:
            assert o is not None and n is not None
            f.ranked("action", "action", ranks, o.action, n.action)
            if o.severity != n.severity:  # an inherited severity changes with its rule
                f.ranked("severity", "severity", ranks, o.severity or base_action(old, rule_id)[1],
                         n.severity or base_action(new, rule_id)[1])
            f.prose("note", o.note, n.note)
            override_fields(f, o, n)
            kind = ChangeKind.MODIFIED
            if not f.changes:
                continue
        impact = headline(c.impact for c in f.changes)
        if kind is not ChangeKind.MODIFIED and not f.changes:
            impact = Impact.METADATA
        out.append(ItemChange("override", ident, kind, impact, title, fields=tuple(f.changes),
                              note=f"regional override {kind.value}", span=at(cur.loc)))
    return out


def compare_policy(old: Policy, new: Policy, ctx: Context) -> tuple[FieldDiff, list[ItemChange],
                                                                      list[ItemChange]]:
    """Document fields, rule changes and other item changes between two versions."""
    rules, renamed = _rules(old, new, ctx)
    items = _exceptions(old.exceptions, new.exceptions, renamed, ctx.ranks) + _overrides(old, new, ctx.ranks, renamed)
    return policy_fields(old, new, ctx), rules, items
