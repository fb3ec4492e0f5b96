"""`dsa`: the EU DSA statement-of-reasons fields of every enforcement.

For every taxonomy action, every rule of an active policy (each of its tiers,
each exception covering it that leaves a residual action, which is then the
decision, and each regional override of it) and every outcome of an active SOP (per
market where overrides change it): the category, the decision_visibility /
monetary / provision / account values from the primary action and every
consequence, the decision_ground, the territorial_scope (EU markets), end
dates (durations from the decision) and the source_type (a notice when the
rule needs context the reporter supplies), checked against the Transparency
Database enums. Written as dsa.json and dsa.csv. Unmapped actions and
categories are errors; nothing is written then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from guidekit.corpus import Corpus
from guidekit.export.base import (
    Export,
    ExportFile,
    active_policies,
    active_sops,
    export_finding,
    json_text,
)
from guidekit.findings import Finding, Severity
from guidekit.model import Policy, Rule
from guidekit.sop.engine import resolve

__all__ = ["CATEGORIES", "DECISION_FIELDS", "DECISION_GROUNDS", "ENUMS", "export_dsa"]

# digital-services-act/transparency-database, app/Models/Statement.php
CATEGORIES = tuple(f"STATEMENT_CATEGORY_{c}" for c in (
    "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH",
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS", "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
    "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM", "UNSAFE_AND_PROHIBITED_PRODUCTS",
    "VIOLENCE"))
ENUMS: dict[str, tuple[str, ...]] = {
    "decision_visibility": (*(f"DECISION_VISIBILITY_CONTENT_{v}" for v in (
        "REMOVED", "DISABLED", "DEMOTED", "AGE_RESTRICTED", "INTERACTION_RESTRICTED",
        "LABELLED")), "DECISION_VISIBILITY_OTHER"),
    "decision_monetary": tuple(f"DECISION_MONETARY_{v}" for v in
                               ("SUSPENSION", "TERMINATION", "OTHER")),
    "decision_provision": tuple(f"DECISION_PROVISION_{v}" for v in (
        "PARTIAL_SUSPENSION", "TOTAL_SUSPENSION", "PARTIAL_TERMINATION", "TOTAL_TERMINATION")),
    "decision_account": ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"),
}
DECISION_FIELDS = tuple(ENUMS)
DECISION_GROUNDS = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
# DSA end dates are dates; a policy knows durations, so each is written as an ISO 8601
# duration counted from the decision (P7D: seven days after it)
END_DATES = {"decision_visibility": "end_date_visibility_restriction",
             "decision_monetary": "end_date_monetary_restriction",
             "decision_provision": "end_date_service_restriction",
             "decision_account": "end_date_account_restriction"}
# who brought the content to the platform's attention (Statement.php SOURCE_*)
SOURCE_NOTICE, SOURCE_VOLUNTARY = "SOURCE_ARTICLE_16", "SOURCE_VOLUNTARY"
COLUMNS = ("source", "id", "policy_id", "market", "actions", "restriction", "category",
           "category_addition", *DECISION_FIELDS, "decision_ground", "ground_reference",
           "territorial_scope", *END_DATES.values(), "source_type")


@dataclass
class _Mapper:
    corpus: Corpus
    findings: list[Finding]

    def __post_init__(self) -> None:
        self._reported: set[str] = set()

    def _once(self, key: str, finding: Finding) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self.findings.append(finding)

    def restricts(self, action_id: str) -> bool:
        action = self.corpus.taxonomy.actions.get(action_id)
        return action is not None and action.scope != "none"

    def decisions(self, actions: Iterable[str]) -> dict[str, str]:
        """Each decision field from the strictest action that sets it (the primary action
        and every consequence: remove + ban keeps both the visibility and the account)."""
        tax = self.corpus.taxonomy.actions
        out: dict[str, str] = {}
        known = [tax[a] for a in actions if a in tax]
        for action in sorted(known, key=lambda a: -a.rank):
            if action.scope != "none" and not action.dsa:
                self._once(f"action:{action.id}", export_finding(
                    "dsa-unmapped-action", Severity.ERROR,
                    f"action {action.id!r} restricts ({action.scope}) but maps to no DSA "
                    "decision field", action.loc.at("id"),
                    fix="add dsa: {decision_visibility: ...} (or monetary/provision/account)"))
            for fld, value in sorted(action.dsa.items()):
                if value not in ENUMS.get(fld, ()):
                    self._once(f"value:{action.id}:{fld}", export_finding(
                        "dsa-invalid-value", Severity.ERROR,
                        f"action {action.id!r}: {value!r} is not a DSA {fld} value",
                        action.loc.at("dsa", fld)))
                    continue
                out.setdefault(fld, value)
        return out

    def categories(self, rules: Iterable[tuple[Policy, Rule]]) -> tuple[list[str], bool]:
        """DSA categories (main first) of the rules, and whether one needs a mandatory referral."""
        tax = self.corpus.taxonomy.categories
        out: list[str] = []
        referral = False
        for policy, rule in rules:
            ids = rule.categories or policy.categories
            if not ids:
                self._once(f"rule:{rule.id}", export_finding(
                    "dsa-unmapped-category", Severity.ERROR,
                    f"rule {rule.id} has no category (nor has {policy.id}), so it has no DSA "
                    "category", rule.loc.at("id"), fix="add categories: [...] to the rule or policy"))
            for cid in ids:
                cat = tax.get(cid)
                if cat is None:
                    continue  # check reports unknown categories (GK210)
                if cat.dsa_category not in CATEGORIES:
                    self._once(f"cat:{cid}", export_finding(
                        "dsa-invalid-value", Severity.ERROR,
                        f"category {cid!r}: {cat.dsa_category!r} is not a DSA category",
                        cat.loc.at("dsa_category")))
                    continue
                referral = referral or cat.referral is not None
                if cat.dsa_category not in out:
                    out.append(cat.dsa_category)
        return out, referral

    def territory(self, rules: list[tuple[Policy, Rule]], market: str | None) -> list[str]:
        """EU markets where the decision applies: the row's market, else the markets the
        rules (or their policies) are limited to, else every EU market of the taxonomy."""
        eu = {m.id for m in self.corpus.taxonomy.markets.values() if m.eu}
        if market is not None:
            return [market] if market in eu else []
        scopes = [set(r.markets or p.markets) - set(r.not_markets) if (r.markets or p.markets)
                  else eu - set(r.not_markets) for p, r in rules]
        return sorted(set().union(*scopes) & eu) if scopes else sorted(eu)

    def end_dates(self, rules: list[tuple[Policy, Rule]], actions: tuple[str, ...]) -> dict[str, str | None]:
        """End dates from the durations of the consequences the row takes (a tier's or an
        exception's row takes only its own action, not the rule's consequences)."""
        tax = self.corpus.taxonomy.actions
        out: dict[str, str | None] = dict.fromkeys(END_DATES.values())
        for _p, r in rules:
            for q in r.enforcement:
                action = tax.get(q.action)
                if q.action not in actions:
                    continue
                for fld in action.dsa if action is not None else ():
                    if fld in END_DATES and q.duration:
                        out[END_DATES[fld]] = out[END_DATES[fld]] or q.duration
        return out

    def source_type(self, rules: list[tuple[Policy, Rule]]) -> str:
        """A rule that acts only on a report (a context the reporter supplies) comes from a
        notice; the rest can be found by the platform itself."""
        contexts = self.corpus.taxonomy.contexts
        for _p, r in rules:
            needed = [*r.contexts, *(c for cond in r.conditions for c in cond.contexts)]
            if any(contexts[c].supplied_by == "reporter" for c in needed if c in contexts):
                return SOURCE_NOTICE
        return SOURCE_VOLUNTARY

    def row(self, source: str, row_id: str, policy_id: str | None, market: str | None,
            actions: tuple[str, ...], rules: list[tuple[Policy, Rule]]) -> dict[str, Any]:
        decisions = self.decisions(actions)
        restriction = any(self.restricts(a) for a in actions)
        cats, referral = self.categories(rules) if restriction else ([], False)
        # a mandatory referral among the consequences marks the content illegal too
        referral = referral or any(q.referral is not None and q.referral.mandatory
                                   for _p, r in rules for q in r.enforcement)
        ground = None
        if restriction:
            # a mandatory referral to an authority marks content illegal, not merely against terms
            ground = DECISION_GROUNDS[0] if referral else DECISION_GROUNDS[1]
        return {
            "source": source,
            "id": row_id,
            "policy_id": policy_id,
            "market": market,
            "actions": list(actions),
            "restriction": restriction,
            "category": cats[0] if cats else None,
            "category_addition": cats[1:],
            **{f: decisions.get(f) if restriction else None for f in DECISION_FIELDS},
            "decision_ground": ground,
            "ground_reference": [r.id for _p, r in rules] if restriction else [],
            "territorial_scope": self.territory(rules, market) if restriction else [],
            **(self.end_dates(rules, actions) if restriction else dict.fromkeys(END_DATES.values())),
            "source_type": self.source_type(rules) if restriction else None,
        }


def _rule_rows(m: _Mapper, policies: list[Policy]) -> list[dict[str, Any]]:
    rows = []
    for p in policies:
        for r in p.rules:
            consequences = tuple(q.action for q in r.enforcement)
            rows.append(m.row("rule", r.id, p.id, None, r.actions(), [(p, r)]))
            for t in r.tiers:
                rows.append(m.row("tier", f"{r.id}/{t.id}", p.id, None, (t.action,), [(p, r)]))
            # where an exception applies, the decision is its residual action (none: no row)
            for e in p.exceptions_for(r.id):
                if e.residual_action is not None:
                    rows.append(m.row("exception", f"{r.id}/{e.id}", p.id, None, (e.residual_action,),
                                      [(p, r)]))
            for o in sorted(p.overrides, key=lambda o: o.market):
                if o.rule == r.id:
                    rows.append(m.row("override", r.id, p.id, o.market,
                                      tuple(dict.fromkeys((o.action, *consequences))), [(p, r)]))
    return rows


def _outcome_rows(m: _Mapper, corpus: Corpus) -> list[dict[str, Any]]:
    rows = []
    for s in active_sops(corpus):
        for o in s.outcomes:
            rules = [corpus.rules[rid] for rid in o.rules if rid in corpus.rules]
            base = resolve(o, corpus.rules, None)
            rows.append(m.row("outcome", f"{s.id}/{o.id}", None, None, base.actions, rules))
            markets = sorted({ov.market for p, r in rules for ov in p.overrides if ov.rule == r.id})
            for market in markets:
                res = resolve(o, corpus.rules, market)
                if res.actions != base.actions:
                    rows.append(m.row("outcome", f"{s.id}/{o.id}", None, market, res.actions,
                                      rules))
    return rows


def _action_table(m: _Mapper) -> list[dict[str, Any]]:
    out = []
    for a in sorted(m.corpus.taxonomy.actions.values(), key=lambda a: (a.rank, a.id)):
        d = m.decisions((a.id,))
        out.append({"id": a.id, "title": a.title, "scope": a.scope,
                    "restriction": m.restricts(a.id), **{f: d.get(f) for f in DECISION_FIELDS}})
    return out


def _csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        cells = []
        for col in COLUMNS:
            v = r[col]
            if isinstance(v, list):
                v = " ".join(v)
            elif isinstance(v, bool):
                v = "true" if v else "false"
            cells.append("" if v is None else str(v))
        w.writerow(cells)
    return buf.getvalue()


def export_dsa(corpus: Corpus) -> Export:
    m = _Mapper(corpus, [])
    actions = _action_table(m)
    rows = _rule_rows(m, active_policies(corpus)) + _outcome_rows(m, corpus)
    data = {"actions": actions, "decisions": rows}
    files = (ExportFile("dsa.json", json_text(data)), ExportFile("dsa.csv", _csv(rows)))
    return Export("dsa", files, tuple(sorted(m.findings, key=lambda f: f.sort_key())),
                  folder=True)
