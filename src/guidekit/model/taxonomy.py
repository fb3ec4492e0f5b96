"""The taxonomy: actions, severities, markets, surfaces and categories; and the
second edition's optional vocabularies: targets, contexts, subjects, account
types, age gates, ladders and units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guidekit.loading.source import Source
from guidekit.model.common import Loc, as_strings

__all__ = [
    "BUILTIN_UNITS",
    "EXTRA_VOCABULARIES",
    "AccountType",
    "Action",
    "AgeGate",
    "Category",
    "ContextKind",
    "Ladder",
    "LadderStep",
    "Market",
    "SeverityLevel",
    "Subject",
    "Surface",
    "Target",
    "Taxonomy",
    "TaxonomyItem",
    "Unit",
    "build_taxonomy_items",
]

# units a parameter may use without a `units` vocabulary
BUILTIN_UNITS = ("percent", "days", "hours", "weeks", "months", "years", "count", "followers", "age",
                 "amount", "views", "strikes")


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    title: str
    description: str | None
    rank: int
    scope: str
    dsa: dict[str, str]
    loc: Loc
    unsafe: bool | None = None  # classifier exports: None derives it from the DSA mapping


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


@dataclass(frozen=True, slots=True)
class Target:
    """A class of person a rule protects; ``parent`` nests classes (private_minor under minor)."""

    id: str
    title: str
    parent: str | None
    description: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class ContextKind:
    """A piece of context a decision needs, and who supplies it."""

    id: str
    title: str
    supplied_by: str  # reporter | reviewer | specialist | system
    description: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class Subject:
    """What an action applies to: content, feature, monetisation, account, app ..."""

    id: str
    title: str
    description: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class AccountType:
    id: str
    title: str
    description: str | None
    loc: Loc


@dataclass(frozen=True, slots=True)
class AgeGate:
    """The minimum age for a feature, and where markets differ."""

    id: str
    title: str
    feature: str | None
    min_age: int
    markets: dict[str, int]
    loc: Loc

    def age_in(self, market: str | None) -> int:
        return self.markets.get(market, self.min_age) if market else self.min_age


@dataclass(frozen=True, slots=True)
class LadderStep:
    at: int  # violations (or strikes) counted within the window
    action: str
    duration: str | None


@dataclass(frozen=True, slots=True)
class Ladder:
    """A repeat-violation ladder: what counts, over which window, and the steps."""

    id: str
    title: str
    counts: str | None
    window: str | None  # ISO 8601 duration
    steps: tuple[LadderStep, ...]
    propagation: tuple[str, ...]  # subjects the last steps reach (related accounts ...)
    loc: Loc


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    title: str
    loc: Loc


TaxonomyItem = (Action | SeverityLevel | Market | Surface | Category | Target | ContextKind | Subject
                | AccountType | AgeGate | Ladder | Unit)


def _extra_item(vocab: str, it: dict[str, Any], loc: Loc) -> TaxonomyItem:
    desc = it.get("description")
    if vocab == "targets":
        return Target(it["id"], it["title"], it.get("parent"), desc, loc)
    if vocab == "contexts":
        return ContextKind(it["id"], it["title"], str(it.get("supplied_by") or "reviewer"), desc, loc)
    if vocab == "subjects":
        return Subject(it["id"], it["title"], desc, loc)
    if vocab == "account_types":
        return AccountType(it["id"], it["title"], desc, loc)
    if vocab == "age_gates":
        return AgeGate(it["id"], it["title"], it.get("feature"), int(it["min_age"]),
                       {str(k): int(v) for k, v in (it.get("markets") or {}).items()}, loc)
    if vocab == "ladders":
        steps = tuple(LadderStep(int(s["at"]), str(s["action"]), s.get("duration"))
                      for s in it.get("steps") or ())
        return Ladder(it["id"], it["title"], it.get("counts"), it.get("window"), steps,
                      as_strings(it.get("propagation")), loc)
    return Unit(it["id"], it["title"], loc)


EXTRA_VOCABULARIES = ("targets", "contexts", "subjects", "account_types", "age_gates", "ladders", "units")


def build_taxonomy_items(src: Source) -> tuple[str, list[TaxonomyItem]]:
    d = src.data
    vocab = d["taxonomy"]
    items: list[TaxonomyItem] = []
    for i, it in enumerate(d["items"]):
        loc = Loc(src, ("items", i))
        if vocab == "actions":
            items.append(Action(it["id"], it["title"], it.get("description"), int(it["rank"]),
                                it["scope"], dict(it.get("dsa") or {}), loc, it.get("unsafe")))
        elif vocab == "severities":
            items.append(SeverityLevel(it["id"], it["title"], int(it["rank"]), it.get("strike_weight"),
                                       bool(it.get("requires_escalation", False)), loc))
        elif vocab == "markets":
            items.append(Market(it["id"], it["title"], as_strings(it.get("locales")), bool(it.get("eu", False)),
                                it.get("regulator"), loc))
        elif vocab == "surfaces":
            items.append(Surface(it["id"], it["title"], it.get("description"), loc))
        elif vocab in EXTRA_VOCABULARIES:
            items.append(_extra_item(vocab, it, loc))
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
    targets: dict[str, Target] = field(default_factory=dict)
    contexts: dict[str, ContextKind] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    account_types: dict[str, AccountType] = field(default_factory=dict)
    age_gates: dict[str, AgeGate] = field(default_factory=dict)
    ladders: dict[str, Ladder] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Taxonomy:
        return cls({}, {}, {}, {}, {}, set())

    def covers(self, target: str, others: tuple[str, ...] | set[str]) -> bool:
        """Whether ``target`` is one of ``others`` or nested under one of them."""
        seen: set[str] = set()
        cur: str | None = target
        while cur is not None and cur not in seen:
            if cur in others:
                return True
            seen.add(cur)
            t = self.targets.get(cur)
            cur = t.parent if t is not None else None
        return False

    def vocab(self, name: str) -> dict[str, Any]:
        return dict(getattr(self, name))
