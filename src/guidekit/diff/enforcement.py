"""The second edition's fields compared as a policy person reads them.

Who a rule protects, what a reviewer needs before acting, every consequence,
graded tiers, thresholds, ladders and age gates: each change is stricter
(more content or people actioned, or actioned harder), looser, or breaking
(an appeal path withdrawn). Order comes from the taxonomy's action ranks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from guidekit.diff.fields import FieldDiff, Ranks
from guidekit.diff.model import Impact
from guidekit.model.enforcement import Condition, Consequence, Parameter, Tier, duration_days
from guidekit.model.policy import Override, PolicyException, Rule

__all__ = ["age_gate_fields", "exception_fields", "ladder_fields", "override_fields", "rule_model_fields"]

_CAPS = {"<", "<="}  # the rule allows values up to the limit: a lower limit allows less
_MINIMUMS = {">", ">="}


K = TypeVar("K")
T = TypeVar("T")


def _pairs(old: Sequence[T], new: Sequence[T], key: Callable[[T], K]) -> Iterator[tuple[K, T | None, T | None]]:
    """Items matched by key: (key, old or None, new or None), new ones in their order first."""
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    for k in [*after, *(k for k in before if k not in after)]:
        yield k, before.get(k), after.get(k)


def _ids(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def contexts(f: FieldDiff, name: str, old: Sequence[str], new: Sequence[str],
             old_needed: bool, new_needed: bool) -> None:
    """A context requirement removed lets reviewers act sooner: stricter; added: looser.

    ``true`` (the first edition) is context needed but unspecified: naming the
    contexts it meant changes nothing a reviewer does."""
    so, sn = set(old), set(new)
    if so == sn and old_needed == new_needed:
        return
    if so and sn:
        if so - sn:
            f.add(name, list(old), list(new), Impact.STRICTER,
                  f"no longer required before acting: {_ids(so - sn)}")
        if sn - so:
            f.add(name, list(old), list(new), Impact.LOOSER, f"now required before acting: {_ids(sn - so)}")
        return
    old_v: Any = list(old) if so else old_needed
    new_v: Any = list(new) if sn else new_needed
    if old_needed and not new_needed:
        f.add(name, old_v, new_v, Impact.STRICTER,
              f"context no longer required before acting{': ' + _ids(so) if so else ''}")
    elif new_needed and not old_needed:
        f.add(name, old_v, new_v, Impact.LOOSER,
              f"context now required before acting{': ' + _ids(sn) if sn else ''}")
    else:  # true <-> a list: the same requirement, now named (or no longer)
        f.add(name, old_v, new_v, Impact.METADATA, "the contexts are named" if sn else "the contexts are unnamed")


def _targets(f: FieldDiff, name: str, old: Sequence[str], new: Sequence[str]) -> None:
    """More target classes protected is stricter; no list means every target."""
    so, sn = set(old), set(new)
    if so == sn:
        return
    if not so:
        f.add(name, [], list(new), Impact.LOOSER, f"now only {_ids(sn)} (was every target)")
    elif not sn:
        f.add(name, list(old), [], Impact.STRICTER, f"now every target (was {_ids(so)})")
    else:
        if sn - so:
            f.add(name, list(old), list(new), Impact.STRICTER, f"protects more targets: {_ids(sn - so)}")
        if so - sn:
            f.add(name, list(old), list(new), Impact.LOOSER, f"no longer protects: {_ids(so - sn)}")


def _longer(old: str | None, new: str | None) -> Impact | None:
    """Impact of a duration changing (None: no reading); no duration means open-ended."""
    do, dn = duration_days(old), duration_days(new)
    if old == new:
        return None
    if old is None:
        return Impact.LOOSER  # open-ended -> a fixed time
    if new is None:
        return Impact.STRICTER
    if do is None or dn is None or do == dn:
        return Impact.METADATA
    return Impact.STRICTER if dn > do else Impact.LOOSER


def _conditions(f: FieldDiff, old: Sequence[Condition], new: Sequence[Condition], ranks: Ranks) -> None:
    for key, o, n in _pairs(old, new, lambda c: tuple(sorted(c.targets))):
        name = f"conditions.{'+'.join(key)}"
        if o is None and n is not None:
            if n.contexts:
                f.add(name, None, list(n.contexts), Impact.LOOSER,
                      f"{_ids(key)}: now required before acting: {_ids(n.contexts)}")
            if n.action:
                f.add(f"{name}.action", None, n.action, Impact.METADATA, f"{_ids(key)}: {n.action}")
        elif n is None and o is not None:
            if o.contexts:
                f.add(name, list(o.contexts), None, Impact.STRICTER,
                      f"{_ids(key)}: no longer required before acting: {_ids(o.contexts)}")
        elif o is not None and n is not None:
            contexts(f, f"{name}.requires_context", o.contexts, n.contexts, bool(o.contexts), bool(n.contexts))
            if o.action and n.action:
                f.ranked(f"{name}.action", "action", ranks, o.action, n.action)
            else:
                f.meta(f"{name}.action", o.action, n.action)
            f.prose(f"{name}.note", o.note, n.note)


def _tiers(f: FieldDiff, old: Sequence[Tier], new: Sequence[Tier], ranks: Ranks) -> None:
    for key, o, n in _pairs(old, new, lambda t: t.id):
        name = f"tiers.{key}"
        if o is None and n is not None:
            rank = ranks.of("action", n.action)
            impact = Impact.STRICTER if rank is None or rank > ranks.lowest_action() else Impact.EDITORIAL
            f.add(name, None, n.action, impact, f"tier added: {n.action} when {n.when}")
        elif n is None and o is not None:
            f.add(name, o.action, None, Impact.LOOSER, f"tier removed: {o.action}")
        elif o is not None and n is not None:
            f.ranked(f"{name}.action", "action", ranks, o.action, n.action)
            f.prose(f"{name}.when", o.when, n.when)
            _targets(f, f"{name}.targets", o.targets, n.targets)
            contexts(f, f"{name}.requires_context", o.contexts, n.contexts, bool(o.contexts), bool(n.contexts))


def _enforcement(f: FieldDiff, old: Sequence[Consequence], new: Sequence[Consequence], ranks: Ranks) -> None:
    """Consequences matched by action: one more is stricter, one fewer looser."""
    for key, o, n in _pairs(old, new, lambda c: c.action):
        name = f"enforcement.{key}"
        if o is None and n is not None:
            f.add(name, None, key, Impact.STRICTER, f"consequence added: {key}"
                  + (f" ({n.subject})" if n.subject else ""))
        elif n is None and o is not None:
            f.add(name, key, None, Impact.LOOSER, f"consequence removed: {key}")
        elif o is not None and n is not None:
            f.meta(f"{name}.subject", o.subject, n.subject)
            impact = _longer(o.duration, n.duration)
            if impact is not None:
                f.add(f"{name}.duration", o.duration, n.duration, impact,
                      f"{o.duration or 'open-ended'} → {n.duration or 'open-ended'}")
            f.prose(f"{name}.until", o.until, n.until)
            om = o.referral is not None and o.referral.mandatory
            nm = n.referral is not None and n.referral.mandatory
            if om != nm:
                f.add(f"{name}.referral", _ref(o), _ref(n), Impact.STRICTER if nm else Impact.LOOSER,
                      "referral now mandatory" if nm else "referral no longer mandatory")
            elif _ref(o) != _ref(n):
                f.meta(f"{name}.referral", _ref(o), _ref(n))


def _ref(c: Consequence) -> dict[str, Any] | None:
    return None if c.referral is None else {"to": c.referral.to, "mandatory": c.referral.mandatory}


def _value_impact(comparison: str, old: float, new: float) -> tuple[Impact, str]:
    note = f"{comparison} {_num(old)} → {comparison} {_num(new)}"
    if comparison in _CAPS:
        tighter = new < old
        return (Impact.STRICTER if tighter else Impact.LOOSER), f"{note}: the cap is {'lower' if tighter else 'higher'}"
    if comparison in _MINIMUMS:
        tighter = new > old
        return (Impact.STRICTER if tighter else Impact.LOOSER), \
            f"{note}: the minimum is {'higher' if tighter else 'lower'}"
    # an exact value has no direction a diff can read: flag it for a person
    return Impact.STRICTER, f"{note}: an exact value changed (direction unknown)"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _parameters(f: FieldDiff, old: Sequence[Parameter], new: Sequence[Parameter]) -> None:
    for key, o, n in _pairs(old, new, lambda p: p.id):
        name = f"parameters.{key}"
        if o is None and n is not None:
            f.add(name, None, f"{n.comparison} {_num(n.value)} {n.unit}", Impact.STRICTER, "threshold added")
        elif n is None and o is not None:
            f.add(name, f"{o.comparison} {_num(o.value)} {o.unit}", None, Impact.LOOSER, "threshold removed")
        elif o is not None and n is not None:
            if o.unit != n.unit:
                f.add(f"{name}.unit", o.unit, n.unit, Impact.STRICTER,
                      f"unit {o.unit} → {n.unit}: the values cannot be compared")
            elif o.comparison != n.comparison:
                f.add(f"{name}.comparison", o.comparison, n.comparison, Impact.STRICTER,
                      "the comparison changed (direction unknown)")
            elif o.value != n.value:
                impact, note = _value_impact(n.comparison, o.value, n.value)
                f.add(f"{name}.value", o.value, n.value, impact, f"{note} {n.unit}")
            f.scope(f"{name}.markets", o.markets, n.markets)
            f.prose(f"{name}.note", o.note, n.note)


def _reference(f: FieldDiff, name: str, old: str | None, new: str | None) -> None:
    """A rule that starts counting towards a ladder (or enforcing an age gate) is stricter."""
    if old == new:
        return
    if old is None:
        f.add(name, old, new, Impact.STRICTER, f"now {new}")
    elif new is None:
        f.add(name, old, new, Impact.LOOSER, f"no longer {old}")
    else:
        f.meta(name, old, new)


def rule_model_fields(f: FieldDiff, old: Rule, new: Rule, ranks: Ranks) -> None:
    """Every second-edition field of a rule (each is empty in a first-edition rule)."""
    f.meta("kind", old.kind, new.kind)
    f.scope("markets", old.markets, new.markets)
    f.ids("not_markets", old.not_markets, new.not_markets, grow=Impact.LOOSER, shrink=Impact.STRICTER)
    _targets(f, "targets", old.targets, new.targets)
    contexts(f, "requires_context", old.contexts, new.contexts, old.requires_context, new.requires_context)
    _conditions(f, old.conditions, new.conditions, ranks)
    _tiers(f, old.tiers, new.tiers, ranks)
    f.meta("tier_order", old.tier_order, new.tier_order)
    _enforcement(f, old.enforcement, new.enforcement, ranks)
    _parameters(f, old.parameters, new.parameters)
    _reference(f, "ladder", old.ladder, new.ladder)
    _reference(f, "age_gate", old.age_gate, new.age_gate)
    f.prose("notice.text", old.notice.text if old.notice else None, new.notice.text if new.notice else None)
    f.meta("notice.channel", old.notice.channel if old.notice else None,
           new.notice.channel if new.notice else None)
    _appeal(f, old, new)
    f.meta("see", [(s.rule, s.relation) for s in old.see], [(s.rule, s.relation) for s in new.see])
    f.ids("evidence", old.evidence, new.evidence, grow=Impact.STRICTER, shrink=Impact.LOOSER)


def _appeal(f: FieldDiff, old: Rule, new: Rule) -> None:
    o, n = old.appeal, new.appeal
    if o is not None and n is None:
        f.add("appeal", o.channel, None, Impact.BREAKING, f"appeal withdrawn (was {o.channel})")
    elif o is None and n is not None:
        f.add("appeal", None, n.channel, Impact.METADATA, "appeal path added")
    elif o is not None and n is not None:
        f.meta("appeal.channel", o.channel, n.channel)
        impact = _longer(o.deadline, n.deadline)
        if impact is not None:
            flip = {Impact.STRICTER: Impact.LOOSER, Impact.LOOSER: Impact.STRICTER}
            f.add("appeal.deadline", o.deadline, n.deadline, flip.get(impact, impact),
                  f"{o.deadline or 'no deadline'} → {n.deadline or 'no deadline'}")


def override_fields(f: FieldDiff, old: Override | None, new: Override | None) -> None:
    """The richer override fields: escalation, text, minimum age."""
    o_age = old.min_age if old else None
    n_age = new.min_age if new else None
    if o_age != n_age:
        if o_age is None or n_age is None:
            impact = Impact.STRICTER if n_age is not None else Impact.LOOSER
        else:
            impact = Impact.STRICTER if n_age > o_age else Impact.LOOSER
        f.add("min_age", o_age, n_age, impact, f"minimum age {o_age or 'unset'} → {n_age or 'unset'}")
    if old is not None and new is not None:
        f.meta("escalate_to", old.escalate_to, new.escalate_to)
        f.prose("text", old.text, new.text)


def exception_fields(f: FieldDiff, old: PolicyException, new: PolicyException, ranks: Ranks) -> None:
    """A stricter residual action, or a rule the exception never covers, tightens."""
    if old.residual_action != new.residual_action:
        if old.residual_action and new.residual_action:
            f.ranked("residual_action", "action", ranks, old.residual_action, new.residual_action)
        else:
            f.add("residual_action", old.residual_action, new.residual_action,
                  Impact.STRICTER if new.residual_action else Impact.LOOSER)
    f.ids("never_for", old.never_for, new.never_for, grow=Impact.STRICTER, shrink=Impact.LOOSER)


def ladder_fields(f: FieldDiff, old: Mapping[str, Any], new: Mapping[str, Any], ranks: Ranks) -> None:
    """A ladder step reached sooner, a longer window or a harsher step is stricter."""
    impact = _longer(old.get("window"), new.get("window"))
    if impact is not None:
        f.add("window", old.get("window"), new.get("window"), impact,
              f"violations counted over {old.get('window') or 'all time'} → {new.get('window') or 'all time'}")
    osteps = list(old.get("steps") or ())
    nsteps = list(new.get("steps") or ())
    for i in range(max(len(osteps), len(nsteps))):
        o = osteps[i] if i < len(osteps) else None
        n = nsteps[i] if i < len(nsteps) else None
        name = f"steps.{i + 1}"
        if o is None and n is not None:
            f.add(name, None, n, Impact.STRICTER, f"step added: {n.get('action')} at {n.get('at')}")
        elif n is None and o is not None:
            f.add(name, o, None, Impact.LOOSER, f"step removed: {o.get('action')} at {o.get('at')}")
        elif o is not None and n is not None:
            if o.get("at") != n.get("at"):
                lower = int(n.get("at") or 0) < int(o.get("at") or 0)
                f.add(f"{name}.at", o.get("at"), n.get("at"), Impact.STRICTER if lower else Impact.LOOSER,
                      f"reached at {o.get('at')} → {n.get('at')}")
            f.ranked(f"{name}.action", "action", ranks, o.get("action"), n.get("action"))
            d = _longer(o.get("duration"), n.get("duration"))
            if d is not None:
                f.add(f"{name}.duration", o.get("duration"), n.get("duration"), d)
    f.ids("propagation", list(old.get("propagation") or ()), list(new.get("propagation") or ()),
          grow=Impact.STRICTER, shrink=Impact.LOOSER)
    for key in ("title", "counts"):
        f.prose(key, old.get(key), new.get(key))


def age_gate_fields(f: FieldDiff, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """An age raised (anywhere) is stricter, lowered looser."""
    def age(o: Any, n: Any, name: str) -> None:
        if o == n:
            return
        base_o, base_n = int(old.get("min_age") or 0), int(new.get("min_age") or 0)
        ov, nv = (int(o) if o is not None else base_o), (int(n) if n is not None else base_n)
        if ov == nv:
            f.meta(name, o, n)
        else:
            f.add(name, o, n, Impact.STRICTER if nv > ov else Impact.LOOSER, f"minimum age {ov} → {nv}")

    age(old.get("min_age"), new.get("min_age"), "min_age")
    om, nm = dict(old.get("markets") or {}), dict(new.get("markets") or {})
    for m in sorted(set(om) | set(nm)):
        age(om.get(m), nm.get(m), f"markets.{m}")
    f.meta("feature", old.get("feature"), new.get("feature"))
    f.prose("title", old.get("title"), new.get("title"))
