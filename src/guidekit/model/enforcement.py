"""What a rule decides beyond its primary action: who it protects, the context a
reviewer needs, graded tiers, every consequence, numeric thresholds, the notice
and the appeal (the second edition of the model, issue #18).

Every field is optional in the schema; a rule written for the first edition
builds with empty tuples and ``None`` here.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from guidekit.model.common import Loc, as_strings

__all__ = [
    "Appeal",
    "Condition",
    "Consequence",
    "Notice",
    "Parameter",
    "Referral",
    "SeeAlso",
    "Tier",
    "build_conditions",
    "build_consequences",
    "build_parameters",
    "build_see",
    "build_tiers",
    "context_ids",
    "duration_days",
]


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Condition(NamedTuple):
    """For these target classes, the contexts a reviewer needs before acting."""

    targets: tuple[str, ...]
    contexts: tuple[str, ...]
    action: str | None
    note: str | None
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Tier(NamedTuple):
    """One grade of outcome for the same kind of content."""

    id: str
    title: str | None
    when: str
    action: str
    targets: tuple[str, ...]
    contexts: tuple[str, ...]
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Referral(NamedTuple):
    to: str
    mandatory: bool


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Consequence(NamedTuple):
    """One consequence of a violation: an action on a subject, for a time."""

    action: str
    subject: str | None
    duration: str | None  # ISO 8601 duration, e.g. P30D
    until: str | None  # or a condition that ends it
    referral: Referral | None
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Parameter(NamedTuple):
    """A numeric threshold: what the rule allows is ``<value> <comparison> value``."""

    id: str
    comparison: str  # < <= > >= =
    value: float
    unit: str
    markets: tuple[str, ...]
    note: str | None
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Notice(NamedTuple):
    text: str
    channel: str | None
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class Appeal(NamedTuple):
    channel: str
    deadline: str | None  # ISO 8601 duration
    loc: Loc


# named tuple, measured hot: part of the policy model, built per rule of every policy loaded
class SeeAlso(NamedTuple):
    rule: str
    relation: str  # defers_to | overlaps
    loc: Loc


def context_ids(value: Any) -> tuple[tuple[str, ...], bool]:
    """``requires_context`` as (named context ids, context needed at all).

    The first edition's boolean reads as "context needed, unspecified"."""
    if isinstance(value, list | tuple):
        ids = as_strings(value)
        return ids, bool(ids)
    return (), bool(value)


def build_conditions(items: Any, loc: Loc) -> tuple[Condition, ...]:
    return tuple(
        Condition(as_strings(c.get("targets")), context_ids(c.get("requires_context"))[0],
                  c.get("action"), c.get("note"), loc.at(i))
        for i, c in enumerate(items or ()))


def build_tiers(items: Any, loc: Loc) -> tuple[Tier, ...]:
    return tuple(
        Tier(str(t.get("id") or f"t{i + 1}"), t.get("title"), str(t.get("when") or ""), t["action"],
             as_strings(t.get("targets")), context_ids(t.get("requires_context"))[0], loc.at(i))
        for i, t in enumerate(items or ()))


def build_consequences(items: Any, loc: Loc) -> tuple[Consequence, ...]:
    out = []
    for i, c in enumerate(items or ()):
        ref = c.get("referral")
        referral = Referral(str(ref["to"]), bool(ref.get("mandatory", False))) if ref else None
        out.append(Consequence(c["action"], c.get("subject"), c.get("duration"), c.get("until"),
                               referral, loc.at(i)))
    return tuple(out)


def build_parameters(items: Any, loc: Loc) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(str(p["id"]), str(p.get("comparison") or "="), float(p["value"]), str(p["unit"]),
                  as_strings(p.get("markets")), p.get("note"), loc.at(i))
        for i, p in enumerate(items or ()))


def build_see(items: Any, loc: Loc) -> tuple[SeeAlso, ...]:
    return tuple(SeeAlso(str(s["rule"]), str(s.get("relation") or "overlaps"), loc.at(i))
                 for i, s in enumerate(items or ()))


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def duration_days(value: str | None) -> float | None:
    """An ISO 8601 duration in days (months as 30, years as 365); None when unreadable."""
    if not value:
        return None
    m = _DURATION.match(value)
    if m is None or not any(m.groups()):
        return None
    y, mo, w, d, h, mi = (int(g) if g else 0 for g in m.groups())
    return y * 365 + mo * 30 + w * 7 + d + h / 24 + mi / 1440
