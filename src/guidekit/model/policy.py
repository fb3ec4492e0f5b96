"""Policies: rules with their examples, exceptions and regional overrides.

The records are named tuples: a diff builds them as a short command, where
creating a dataclass costs more than a millisecond each (see guidekit.findings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from guidekit.loading.source import Source
from guidekit.model.common import Loc, Status, as_date, as_strings
from guidekit.model.enforcement import (
    Appeal,
    Condition,
    Consequence,
    Notice,
    Parameter,
    SeeAlso,
    Tier,
    build_conditions,
    build_consequences,
    build_parameters,
    build_see,
    build_tiers,
    context_ids,
)

__all__ = ["PAGE_KIND", "Example", "Override", "Policy", "PolicyException", "Rule", "build_page", "build_policy",
           "page_id"]

PAGE_KIND = "page"  # the kind of a Policy built from a plain Markdown page


# named tuple, measured hot: one per example of every policy loaded (check, diff, handbook)
class Example(NamedTuple):
    id: str
    label: str  # "violating" | "allowed"
    text: str
    note: str | None
    markets: tuple[str, ...]
    graphic: bool | None  # None: not said (the category decides); False overrides a graphic category
    loc: Loc
    tier: str | None = None  # the rule's tier this example falls in
    exception: str | None = None  # the policy's exception this example falls under


# named tuple, measured hot: one per rule of every policy loaded (1,900 in a 500-policy diff)
class Rule(NamedTuple):
    id: str
    title: str
    text: str
    action: str
    severity: str | None  # optional where the configuration allows it (GK302)
    requires_context: bool  # context needed at all (named in ``contexts``, or unspecified)
    escalate_to: str | None
    categories: tuple[str, ...]
    examples: tuple[Example, ...]
    loc: Loc
    # the second edition (issue #18): every field optional
    kind: str = "prohibition"  # or "obligation"
    contexts: tuple[str, ...] = ()  # context ids a reviewer needs before acting
    markets: tuple[str, ...] = ()  # the rule exists only there
    not_markets: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # target classes protected; empty: every target
    conditions: tuple[Condition, ...] = ()
    tiers: tuple[Tier, ...] = ()
    tier_order: str | None = None  # "rising": tiers declared in rising strictness
    enforcement: tuple[Consequence, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    ladder: str | None = None
    age_gate: str | None = None
    notice: Notice | None = None
    appeal: Appeal | None = None
    see: tuple[SeeAlso, ...] = ()
    evidence: tuple[str, ...] = ()

    def applies_in(self, market: str | None) -> bool:
        """False when the rule is limited to other markets (or excluded from this one)."""
        if market is None:
            return not self.markets
        return (not self.markets or market in self.markets) and market not in self.not_markets

    def actions(self) -> tuple[str, ...]:
        """The primary action, then every consequence's (each once)."""
        return tuple(dict.fromkeys((self.action, *(c.action for c in self.enforcement))))

    @property
    def violating(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.label == "violating")

    @property
    def allowed(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.label == "allowed")


# named tuple, measured hot: one per exception of every policy loaded
class PolicyException(NamedTuple):
    id: str
    title: str
    text: str
    rules: tuple[str, ...]
    loc: Loc
    residual_action: str | None = None  # the lesser action that still applies
    never_for: tuple[str, ...] = ()  # rules the exception never covers


# named tuple, measured hot: one per regional override of every policy loaded
class Override(NamedTuple):
    market: str
    rule: str
    action: str  # the rule's own action when the override changes something else
    severity: str | None
    note: str | None
    loc: Loc
    escalate_to: str | None = None
    text: str | None = None
    min_age: int | None = None
    inherits_action: bool = False  # no action of its own: ``action`` is the rule's


# named tuple, measured hot: one per policy loaded (1,000 in a 500-policy diff)
class Policy(NamedTuple):
    id: str
    title: str
    summary: str | None
    kind: str
    status: Status
    version: int
    effective: dt.date | None  # None only where a schema error dropped it (check.schema.salvage)
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

    def covered_rules(self, exception: PolicyException) -> tuple[Rule, ...]:
        """The rules an exception applies to: those it names (every rule when it names
        none), never those in its ``never_for``."""
        named = set(exception.rules)
        return tuple(r for r in self.rules
                     if (not named or r.id in named) and r.id not in exception.never_for)

    def exceptions_for(self, rule_id: str) -> tuple[PolicyException, ...]:
        """The exceptions that cover a rule."""
        return tuple(e for e in self.exceptions if any(r.id == rule_id for r in self.covered_rules(e)))


def _example(d: dict[str, Any], label: str, i: int, loc: Loc) -> Example:
    return Example(
        id=str(d.get("id") or f"{label[0]}{i + 1}"),
        label=label,
        text=str(d["text"]),
        note=d.get("note"),
        markets=as_strings(d.get("markets")),
        graphic=None if d.get("graphic") is None else bool(d["graphic"]),
        loc=loc,
        tier=d.get("tier"),
        exception=d.get("exception"),
    )


def _rule(d: dict[str, Any], loc: Loc) -> Rule:
    examples: list[Example] = []
    for label in ("violating", "allowed"):
        for i, e in enumerate((d.get("examples") or {}).get(label) or ()):
            if e is None:  # dropped for a schema error (guidekit.check.schema.salvage)
                continue
            examples.append(_example(e, label, i, loc.at("examples", label, i)))
    contexts, needs_context = context_ids(d.get("requires_context"))
    notice, appeal = d.get("notice"), d.get("appeal")
    # the second edition's parts are optional: their locations are made only when present
    conditions, tiers, enforcement = d.get("conditions"), d.get("tiers"), d.get("enforcement")
    parameters, see = d.get("parameters"), d.get("see")
    return Rule(
        id=d["id"],
        title=d.get("title", ""),  # may be missing where a schema error says so (check.schema.salvage)
        text=d.get("text", ""),
        action=d["action"],
        severity=d.get("severity"),
        requires_context=needs_context,
        escalate_to=d.get("escalate_to"),
        categories=as_strings(d.get("categories")),
        examples=tuple(examples),
        loc=loc,
        kind=str(d.get("kind") or "prohibition"),
        contexts=contexts,
        markets=as_strings(d.get("markets")),
        not_markets=as_strings(d.get("not_markets")),
        targets=as_strings(d.get("targets")),
        conditions=build_conditions(conditions, loc.at("conditions")) if conditions else (),
        tiers=build_tiers(tiers, loc.at("tiers")) if tiers else (),
        tier_order=d.get("tier_order"),
        enforcement=build_consequences(enforcement, loc.at("enforcement")) if enforcement else (),
        parameters=build_parameters(parameters, loc.at("parameters")) if parameters else (),
        ladder=d.get("ladder"),
        age_gate=d.get("age_gate"),
        notice=Notice(str(notice["text"]), notice.get("channel"), loc.at("notice")) if notice else None,
        appeal=(Appeal(str(appeal["channel"]), appeal.get("deadline"), loc.at("appeal"))
                if appeal else None),
        see=build_see(see, loc.at("see")) if see else (),
        evidence=as_strings(d.get("evidence")),
    )


def _override(o: dict[str, Any], rules: dict[str, Any], loc: Loc) -> Override:
    # an override that changes only severity, text or age keeps the rule's action
    action = o.get("action") or (rules.get(o["rule"]) or {}).get("action") or ""
    min_age = o.get("min_age")
    return Override(o["market"], o["rule"], str(action), o.get("severity"), o.get("note"), loc,
                    o.get("escalate_to"), o.get("text"), int(min_age) if min_age is not None else None,
                    "action" not in o)


# the codes of a policy that has none: one dict for all of them (models are never changed)
_NO_CODES: dict[str, str] = {}


def build_policy(src: Source) -> Policy:
    d = src.data
    root = Loc(src, ())
    rules_by_id = {str(r.get("id")): r for r in d.get("rules") or () if isinstance(r, dict)}
    return Policy(
        id=d["id"],
        # a key a schema error dropped gets a neutral value (guidekit.check.schema.salvage)
        title=d.get("title", ""),
        summary=d.get("summary"),
        kind=d.get("kind", "other"),
        status=Status(d.get("status", "draft")),
        version=int(d.get("version", 1)),
        effective=as_date(d.get("effective")),
        review_by=as_date(d.get("review_by")),
        owners=as_strings(d.get("owners")),
        surfaces=as_strings(d.get("surfaces")),
        markets=as_strings(d.get("markets")),
        categories=as_strings(d.get("categories")),
        tags=as_strings(d.get("tags")),
        codes=dict(codes) if (codes := d.get("codes")) else _NO_CODES,
        rules=tuple(_rule(r, root.at("rules", i)) for i, r in enumerate(d.get("rules") or ()) if r is not None),
        exceptions=tuple(
            PolicyException(e["id"], e["title"], e["text"], as_strings(e.get("rules")), root.at("exceptions", i),
                            e.get("residual_action"), as_strings(e.get("never_for")))
            for i, e in enumerate(d.get("exceptions") or ()) if e is not None
        ),
        overrides=tuple(
            _override(o, rules_by_id, root.at("regional_overrides", i))
            for i, o in enumerate(d.get("regional_overrides") or ()) if o is not None
        ),
        supersedes=as_strings(d.get("supersedes")),
        related=as_strings(d.get("related")),
        body=src.body or "",
        body_line=src.body_line,
        loc=root,
    )


def page_id(rel: str) -> str:
    """The id of a plain Markdown document: its path without the extension."""
    for suffix in (".md", ".markdown"):
        if rel.lower().endswith(suffix):
            return rel[: -len(suffix)]
    return rel


def build_page(src: Source) -> Policy:
    """A plain Markdown page as a document without rules: its id is its path without the
    extension, its title its first heading (else its file name)."""
    from pathlib import PurePosixPath

    from guidekit.loading.markdown import heading_text, read_headings

    body = src.body if src.body is not None else src.text
    heads = read_headings(body)
    title = " ".join(heading_text(heads[0].title).split()) if heads else ""
    return Policy(
        id=page_id(src.rel), title=title or PurePosixPath(src.rel).stem, summary=None, kind=PAGE_KIND,
        status=Status.ACTIVE, version=1, effective=dt.date.min, review_by=None, owners=(), surfaces=(),
        markets=(), categories=(), tags=(), codes={}, rules=(), exceptions=(), overrides=(), supersedes=(),
        related=(), body=body, body_line=src.body_line, loc=Loc(src, ()),
    )
