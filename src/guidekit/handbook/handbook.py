"""Which documents a handbook holds, with its market's regional overrides applied.

A handbook is a view on one corpus: ``guidekit.yaml`` names its filters
(kinds, surfaces, markets, status, tags, categories), its SOPs and, for a
per-market handbook, the market whose overrides replace rule actions and whose
examples are the only ones shown. Everything here is pure: corpus in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from guidekit.corpus import Corpus
from guidekit.errors import GuidekitError
from guidekit.loading.config import Config
from guidekit.model import Example, Override, Policy, Rule, Sop, Taxonomy
from guidekit.sop.engine import resolve

if TYPE_CHECKING:
    from guidekit.i18n.content import Notice

__all__ = [
    "Handbook",
    "HandbookSpec",
    "PolicyView",
    "RuleView",
    "SopView",
    "handbook_specs",
    "is_graphic",
    "select_handbook",
]

_DEFAULT_STATUS = ("active",)


@dataclass(frozen=True, slots=True)
class HandbookSpec:
    """One entry of ``handbooks:`` in guidekit.yaml."""

    name: str
    title: str
    audience: str | None = None
    locale: str = "en"
    market: str | None = None
    kinds: tuple[str, ...] = ()
    surfaces: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    status: tuple[str, ...] = _DEFAULT_STATUS
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sops: tuple[str, ...] | None = None  # None: every SOP that passes the filters
    baseline: str | None = None

    @classmethod
    def from_config(cls, d: dict[str, Any]) -> HandbookSpec:
        f = d.get("filters") or {}

        def t(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in f.get(key) or ())

        return cls(
            name=str(d["name"]),
            title=str(d["title"]),
            audience=d.get("audience"),
            locale=str(d.get("locale") or "en"),
            market=d.get("market"),
            kinds=t("kinds"),
            surfaces=t("surfaces"),
            markets=t("markets"),
            status=t("status") or _DEFAULT_STATUS,
            tags=t("tags"),
            categories=t("categories"),
            sops=tuple(str(s) for s in d["sops"]) if "sops" in d else None,
            baseline=d.get("baseline"),
        )


def handbook_specs(config: Config, names: tuple[str, ...] = ()) -> list[HandbookSpec]:
    """The handbooks to build: those named, or all; one of everything when none is configured."""
    specs = [HandbookSpec.from_config(d) for d in config.handbooks]
    if not specs:
        specs = [HandbookSpec(name="handbook", title=f"{config.name} handbook")]
    if not names:
        return specs
    known = {s.name: s for s in specs}
    missing = [n for n in names if n not in known]
    if missing:
        raise GuidekitError(
            f"no handbook named {', '.join(map(repr, missing))} in guidekit.yaml",
            hint=f"handbooks: {', '.join(known)}",
        )
    return [known[n] for n in names]


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule as this handbook's reviewers apply it."""

    rule: Rule
    action: str
    severity: str | None
    override: Override | None  # the market's override, when one applies
    examples: tuple[Example, ...]  # those that apply in the market

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True, slots=True)
class PolicyView:
    policy: Policy
    rules: tuple[RuleView, ...]
    differences: tuple[Override, ...]  # the market's overrides, or all of them without a market

    @property
    def id(self) -> str:
        return self.policy.id


@dataclass(frozen=True, slots=True)
class SopView:
    sop: Sop
    # outcome id -> actions after the market's overrides of the rules it names
    outcome_actions: dict[str, tuple[str, ...]]

    @property
    def id(self) -> str:
        return self.sop.id


@dataclass(frozen=True, slots=True)
class Handbook:
    spec: HandbookSpec
    policies: tuple[PolicyView, ...]
    sops: tuple[SopView, ...]
    omitted: tuple[tuple[str, str], ...]  # (document id, why it is not in the handbook)
    notes: tuple[str, ...]  # problems worth telling the author (e.g. a named SOP is missing)
    # a translated handbook (guidekit.i18n.content): per document, per rule ("" for the rest),
    # what is shown in the source language and why
    translation: Mapping[str, Mapping[str, Notice]] = field(default_factory=dict)
    source_locale: str = "en"
    headings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # doc -> anchor -> title
    # per document ("taxonomy" for the taxonomy): a digest of its translations and notices
    translation_keys: Mapping[str, str] = field(default_factory=dict)

    def policy(self, policy_id: str) -> PolicyView | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def sop(self, sop_id: str) -> SopView | None:
        return next((s for s in self.sops if s.id == sop_id), None)


def is_graphic(tax: Taxonomy, policy: Policy, rule: Rule, example: Example) -> bool:
    """Hidden until revealed: marked graphic, or in a graphic category (the rule's, else the
    policy's) and not marked ``graphic: false``."""
    if example.graphic is not None:  # the example's own word wins over its category
        return example.graphic
    cats = rule.categories or policy.categories
    return any((c := tax.categories.get(cat)) is not None and c.graphic for cat in cats)


def _meets(wanted: tuple[str, ...], have: tuple[str, ...], *, empty_means_all: bool) -> bool:
    if not wanted:
        return True
    if not have:
        return empty_means_all
    return bool(set(wanted) & set(have))


def _policy_excluded(spec: HandbookSpec, p: Policy) -> str | None:
    if spec.kinds and p.kind not in spec.kinds:
        return f"kind {p.kind} is not in {', '.join(spec.kinds)}"
    if p.status.value not in spec.status:
        return f"status {p.status.value} is not in {', '.join(spec.status)}"
    if not _meets(spec.surfaces, p.surfaces, empty_means_all=True):
        return f"surfaces {', '.join(p.surfaces)} are not in {', '.join(spec.surfaces)}"
    if not _meets(spec.markets, p.markets, empty_means_all=True):
        return f"markets {', '.join(p.markets)} are not in {', '.join(spec.markets)}"
    if spec.market and p.markets and spec.market not in p.markets:
        return f"does not apply in {spec.market}"
    if not _meets(spec.tags, p.tags, empty_means_all=False):
        return f"has none of the tags {', '.join(spec.tags)}"
    cats = {*p.categories, *(c for r in p.rules for c in r.categories)}
    if spec.categories and not cats & set(spec.categories):
        return f"has none of the categories {', '.join(spec.categories)}"
    return None


def _view_policy(spec: HandbookSpec, p: Policy) -> PolicyView:
    market = spec.market
    overrides = p.overrides_for(market) if market else {}
    rules = []
    for r in p.rules:
        if market and not r.applies_in(market):
            continue  # a rule of other markets only: this market's reviewers never apply it
        o = overrides.get(r.id)
        examples = tuple(e for e in r.examples if not market or not e.markets or market in e.markets)
        rules.append(RuleView(
            rule=r,
            action=o.action if o else r.action,
            severity=(o.severity or r.severity) if o else r.severity,
            override=o,
            examples=examples,
        ))
    differences = tuple(o for o in p.overrides if not market or o.market == market)
    return PolicyView(p, tuple(rules), differences)


def _sop_excluded(spec: HandbookSpec, s: Sop) -> str | None:
    if s.status.value not in spec.status:
        return f"status {s.status.value} is not in {', '.join(spec.status)}"
    if spec.market and s.markets and spec.market not in s.markets:
        return f"does not apply in {spec.market}"
    if spec.sops is None and not _meets(spec.surfaces, s.surfaces, empty_means_all=True):
        return f"surfaces {', '.join(s.surfaces)} are not in {', '.join(spec.surfaces)}"
    return None


def select_handbook(corpus: Corpus, spec: HandbookSpec,
                    memo: dict[int, tuple[Policy, PolicyView]] | None = None) -> Handbook:
    """The documents of one handbook, in reading order (kind, then id).

    ``memo`` keeps each policy's view for a long-lived caller whose corpus
    reuses unchanged policy objects (``guidekit serve``), keyed by the object.
    """
    omitted: list[tuple[str, str]] = []
    notes: list[str] = []
    if spec.market and corpus.taxonomy.markets and spec.market not in corpus.taxonomy.markets:
        notes.append(f"handbook {spec.name}: market {spec.market} is not in the markets taxonomy")
    policies: list[PolicyView] = []
    # pages (plain Markdown) read like policies without rules
    for p in sorted((*corpus.policies.values(), *corpus.pages.values()), key=lambda p: (p.kind, p.id)):
        why = _policy_excluded(spec, p)
        if why:
            omitted.append((p.id, why))
        elif memo is None:
            policies.append(_view_policy(spec, p))
        else:
            got = memo.get(id(p))
            if got is None or got[0] is not p:
                got = memo[id(p)] = (p, _view_policy(spec, p))
            policies.append(got[1])
    sops: list[SopView] = []
    if spec.sops is None:
        wanted = sorted(corpus.sops)
    else:
        wanted = list(spec.sops)
        notes.extend(f"handbook {spec.name}: SOP {sid} is not in the guidance"
                     for sid in wanted if sid not in corpus.sops)
    for sid in wanted:
        sop = corpus.sops.get(sid)
        if sop is None:
            continue
        why = _sop_excluded(spec, sop)
        if why:
            omitted.append((sid, why))
        else:
            # the SOP engine's resolution, so the handbook and `guidekit test` agree
            actions = {o.id: resolve(o, corpus.rules, spec.market).actions for o in sop.outcomes}
            sops.append(SopView(sop, actions))
    return Handbook(spec, tuple(policies), tuple(sops), tuple(omitted), tuple(notes))
