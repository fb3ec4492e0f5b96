"""The taxonomy: actions, severities, markets, surfaces and categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guidekit.loading.source import Source
from guidekit.model.common import Loc, as_strings

__all__ = ["Action", "Category", "Market", "SeverityLevel", "Surface", "Taxonomy", "TaxonomyItem",
           "build_taxonomy_items"]


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
            items.append(Market(it["id"], it["title"], as_strings(it.get("locales")), bool(it.get("eu", False)),
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
