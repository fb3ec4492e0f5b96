"""`bundle`: every document in one JSON file, references expanded, overrides per market.

Described by schemas/bundle.schema.json. Downstream systems read one file
instead of re-implementing guidekit's loader: taxonomy items are given in
full once and referred to by id; each rule carries its effective action per
market that overrides it; each SOP outcome its resolved actions per market.
"""

from __future__ import annotations

from typing import Any

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, json_text
from guidekit.model import Case, Outcome, Policy, Rule, Sop, Taxonomy
from guidekit.sop.engine import resolve

__all__ = ["BUNDLE_FORMAT", "build_bundle", "export_bundle"]

BUNDLE_FORMAT = 1


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None and value.year > 1 else None


def _taxonomy(tax: Taxonomy) -> dict[str, Any]:
    return {
        "actions": [
            {"id": a.id, "title": a.title, "description": a.description, "rank": a.rank,
             "scope": a.scope, "dsa": dict(sorted(a.dsa.items()))}
            for a in sorted(tax.actions.values(), key=lambda a: (a.rank, a.id))
        ],
        "severities": [
            {"id": s.id, "title": s.title, "rank": s.rank, "strike_weight": s.strike_weight,
             "requires_escalation": s.requires_escalation}
            for s in sorted(tax.severities.values(), key=lambda s: (s.rank, s.id))
        ],
        "markets": [
            {"id": m.id, "title": m.title, "locales": list(m.locales), "eu": m.eu,
             "regulator": m.regulator}
            for m in sorted(tax.markets.values(), key=lambda m: m.id)
        ],
        "surfaces": [
            {"id": s.id, "title": s.title, "description": s.description}
            for s in sorted(tax.surfaces.values(), key=lambda s: s.id)
        ],
        "categories": [
            {"id": c.id, "title": c.title, "description": c.description,
             "dsa_category": c.dsa_category, "graphic": c.graphic,
             "do_not_download": c.do_not_download, "referral": c.referral}
            for c in sorted(tax.categories.values(), key=lambda c: c.id)
        ],
    }


def _rule(policy: Policy, rule: Rule) -> dict[str, Any]:
    by_market = {
        o.market: {"action": o.action, "severity": o.severity or rule.severity, "note": o.note}
        for o in sorted(policy.overrides, key=lambda o: o.market) if o.rule == rule.id
    }
    return {
        "id": rule.id,
        "title": rule.title,
        "text": rule.text,
        "action": rule.action,
        "severity": rule.severity,
        "requires_context": rule.requires_context,
        "escalate_to": rule.escalate_to,
        "categories": list(rule.categories or policy.categories),
        "markets": by_market,
        "examples": [
            {"id": e.id, "label": e.label, "text": e.text, "note": e.note,
             "markets": list(e.markets), "graphic": bool(e.graphic)}
            for e in rule.examples
        ],
        **({"enforcement_model": model} if (model := _model_fields(rule)) else {}),
    }


def _model_fields(rule: Rule) -> dict[str, Any]:
    """The second edition's fields a rule uses (issue #18), as plain JSON."""
    def plain(value: Any) -> Any:
        if hasattr(value, "_asdict"):  # a record: its fields but not its location
            return {k: plain(v) for k, v in value._asdict().items() if k != "loc"}
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    out: dict[str, Any] = {
        "kind": rule.kind if rule.kind != "prohibition" else None,
        "targets": list(rule.targets), "contexts": list(rule.contexts),
        "only_markets": list(rule.markets), "not_markets": list(rule.not_markets),
        "conditions": plain(rule.conditions), "tiers": plain(rule.tiers),
        "enforcement": plain(rule.enforcement),
        "parameters": plain(rule.parameters), "ladder": rule.ladder, "age_gate": rule.age_gate,
        "notice": plain(rule.notice), "appeal": plain(rule.appeal),
        "see": plain(rule.see), "evidence": list(rule.evidence),
    }
    return {k: v for k, v in out.items() if v not in (None, [])}


def _policy(p: Policy) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "summary": p.summary,
        "kind": p.kind,
        "status": p.status.value,
        "version": p.version,
        "effective": _date(p.effective),
        "review_by": _date(p.review_by),
        "owners": list(p.owners),
        "surfaces": list(p.surfaces),
        "markets": list(p.markets),
        "categories": list(p.categories),
        "tags": list(p.tags),
        "codes": dict(sorted(p.codes.items())),
        "rules": [_rule(p, r) for r in p.rules],
        "exceptions": [{"id": e.id, "title": e.title, "text": e.text, "rules": list(e.rules),
                        "residual_action": e.residual_action, "never_for": list(e.never_for),
                        "covers": [r.id for r in p.covered_rules(e)]}
                       for e in p.exceptions],
        "supersedes": list(p.supersedes),
        "related": list(p.related),
        "body": p.body,
        "source": p.source.rel,
    }


def _outcome(o: Outcome, corpus: Corpus, sop: Sop) -> dict[str, Any]:
    markets = sorted({ov.market for rid in o.rules if rid in corpus.rules
                      for ov in corpus.rules[rid][0].overrides if ov.rule == rid})
    by_market: dict[str, Any] = {}
    for m in markets:
        r = resolve(o, corpus.rules, m)
        if r.actions != o.actions:
            by_market[m] = {"actions": list(r.actions)}
    esc = next((e for e in sop.escalations if e.id == o.escalation), None)
    return {
        "id": o.id,
        "title": o.title,
        "actions": list(o.actions),
        "rules": [{"id": rid, "policy": corpus.rules[rid][0].id if rid in corpus.rules else None}
                  for rid in o.rules],
        "escalation": None if esc is None else {"id": esc.id, "to": esc.to, "when": esc.when,
                                                "sla": esc.sla},
        "note": o.note,
        "markets": by_market,
    }


def _case(c: Case) -> dict[str, Any]:
    e = c.expect
    return {
        "id": c.id,
        "title": c.title,
        "content": c.content,
        "market": c.market,
        "surface": c.surface,
        "answers": {**c.answers, **{k: list(v) for k, v in c.choices.items()}},
        "context": dict(c.context),
        "expect": {"outcome": e.outcome,
                   "outcomes": list(e.outcomes),
                   "actions": list(e.actions) if e.actions is not None else None,
                   "rules": list(e.rules) if e.rules is not None else None,
                   "not_rules": list(e.not_rules)},
        "source": c.loc.source.rel,
    }


def _sop(s: Sop, corpus: Corpus) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "summary": s.summary,
        "status": s.status.value,
        "version": s.version,
        "effective": _date(s.effective),
        "review_by": _date(s.review_by),
        "owners": list(s.owners),
        "queue": s.queue,
        "audience": list(s.audience),
        "surfaces": list(s.surfaces),
        "markets": list(s.markets),
        "policies": list(s.policies),
        "wellbeing": {"content_warning": s.content_warning, "note": s.wellbeing_note},
        "steps": [{"id": st.id, "text": st.text} for st in s.steps],
        "decision_tree": {
            "start": s.tree.start,
            "nodes": [
                {"id": n.id, "question": n.question, "help": n.help, "fact": n.fact,
                 "multiple": n.multiple,
                 "table": None if n.table is None else {
                     "rows": n.table.rows, "columns": n.table.columns, "tiers_of": n.table.tiers_of},
                 "answers": [{"value": a.value, "label": a.label, "next": a.next,
                              "outcome": a.outcome} for a in n.answers]}
                for n in s.tree.nodes
            ],
        },
        "outcomes": [_outcome(o, corpus, s) for o in s.outcomes],
        "escalations": [{"id": e.id, "to": e.to, "when": e.when, "sla": e.sla}
                        for e in s.escalations],
        "cases": [_case(c) for c in corpus.cases_for(s)],
        "related": list(s.related),
        "source": s.source.rel,
    }


def build_bundle(corpus: Corpus) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "generator": "guidekit",
        "name": corpus.config.name,
        "taxonomy": _taxonomy(corpus.taxonomy),
        "policies": [_policy(p) for p in sorted(corpus.policies.values(), key=lambda p: p.id)],
        "sops": [_sop(s, corpus) for s in sorted(corpus.sops.values(), key=lambda s: s.id)],
    }


def export_bundle(corpus: Corpus) -> Export:
    return Export("bundle", (ExportFile("bundle.json", json_text(build_bundle(corpus))),))
