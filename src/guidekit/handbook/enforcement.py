"""What a policy page shows of the model's second edition: the target x rule matrix
of tiered rules, what reviewers need before acting (contexts, and the evidence an
obligation asks for), ladders, age gates, thresholds, notices and appeals
(rendered by templates/_enforcement.html), exceptions with their residual action
and the rules they never cover (templates/_exceptions.html) and each rule's
cross-references (templates/_see.html).

Plain data for the template; every interface string goes through the handbook's
translation function.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guidekit.handbook.articles import Helpers
    from guidekit.handbook.handbook import PolicyView

__all__ = ["enforcement_view"]

_DAYS = re.compile(r"^P(\d+)D$")


def _duration(h: Helpers, value: str | None) -> str:
    if not value:
        return ""
    m = _DAYS.match(value)
    return h.ui.gettext("%(n)s days") % {"n": m.group(1)} if m else value


def _needs(h: Helpers, ids: tuple[str, ...], targets: tuple[str, ...] = ()) -> list[str]:
    _ = h.ui.gettext
    who = {"reporter": _("from the reporter"), "reviewer": _("from the reviewer"),
           "specialist": _("from a specialist"), "system": _("from the system")}
    out = []
    for cid in ids:
        kind = h.tax.contexts.get(cid)
        text = (f"{kind.title} ({who.get(kind.supplied_by, kind.supplied_by)})"
                if kind is not None else cid)
        if targets:
            text = _("%(context)s, when the target is %(targets)s") % {
                "context": text, "targets": h.titles("targets", targets)}
        out.append(text)
    return out


def _before(h: Helpers, v: PolicyView) -> list[dict[str, Any]]:
    """Per rule, the contexts a reviewer needs before acting, and who supplies each."""
    out = []
    for r in v.rules:
        rule = r.rule
        needs = _needs(h, rule.contexts)
        for c in rule.conditions:
            needs += _needs(h, c.contexts, c.targets)
        if rule.requires_context and not needs:
            needs.append(h.ui.gettext("context beyond the content (unspecified)"))
        # an obligation: what the creator, advertiser or developer must show
        needs += [h.ui.gettext("Evidence: %(evidence)s") % {"evidence": e} for e in rule.evidence]
        if needs:
            out.append({"id": rule.id, "title": rule.title, "needs": needs})
    return out


def _matrix(h: Helpers, v: PolicyView) -> dict[str, Any] | None:
    """Target classes x tiered rules: the action each tier gives each target."""
    tiered = [r.rule for r in v.rules if r.rule.tiers]
    if not tiered:
        return None
    targets: list[str] = []
    for rule in tiered:
        for t in (*rule.targets, *(x for tier in rule.tiers for x in tier.targets)):
            if t not in targets:
                targets.append(t)
    rows = []
    for target in targets:
        cells = []
        for rule in tiered:
            hits = [t for t in rule.tiers if target in t.targets or (not t.targets and target in rule.targets)]
            cells.append(" / ".join(f"{h.title('actions', t.action)} ({t.title or t.when})" for t in hits))
        rows.append({"target": h.title("targets", target), "cells": cells})
    return {"rules": [r.id for r in tiered], "rows": rows}


def _ladders(h: Helpers, v: PolicyView) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(r.rule.ladder for r in v.rules if r.rule.ladder))
    out = []
    for lid in ids:
        ladder = h.tax.ladders.get(lid)
        if ladder is None:
            continue
        out.append({
            "id": ladder.id, "title": ladder.title, "counts": ladder.counts,
            "window": _duration(h, ladder.window),
            "steps": [(s.at, h.title("actions", s.action), _duration(h, s.duration)) for s in ladder.steps],
            "propagation": h.titles("subjects", ladder.propagation),
            "rules": [r.id for r in v.rules if r.rule.ladder == lid],
        })
    return out


def _age_gates(h: Helpers, v: PolicyView) -> list[dict[str, Any]]:
    market = h.hb.spec.market
    out = []
    for r in v.rules:
        gate = h.tax.age_gates.get(r.rule.age_gate) if r.rule.age_gate else None
        own = r.override.min_age if r.override is not None else None
        if gate is None and own is None:
            continue
        age = own if own is not None else gate.age_in(market) if gate is not None else None
        others = ", ".join(f"{h.title('markets', m)} {a}" for m, a in sorted(gate.markets.items())) \
            if gate is not None and not market else ""
        out.append({"rule": r.id, "gate": gate.title if gate is not None else "", "age": age,
                    "others": others})
    return out


def _terms(h: Helpers, v: PolicyView) -> list[dict[str, Any]]:
    """Thresholds, consequences, market scope, notice and appeal, per rule that has any."""
    _ = h.ui.gettext
    out = []
    for r in v.rules:
        rule = r.rule
        items: list[tuple[str, str]] = []
        for p in rule.parameters:
            if h.hb.spec.market and p.markets and h.hb.spec.market not in p.markets:
                continue
            amount = (_("%(n)s days") % {"n": f"{p.value:g}"} if p.unit == "days"
                      else f"{p.value:g} {p.unit}")
            items.append((_("Threshold"), f"{p.id}: {p.comparison} {amount}"))
        for q in rule.enforcement:
            text = h.title("actions", q.action)
            if q.subject:
                text += f" · {h.title('subjects', q.subject)}"
            if q.duration or q.until:
                text += f" · {_duration(h, q.duration) or q.until}"
            if q.referral is not None:
                text += " · " + (_("mandatory referral to %(to)s") if q.referral.mandatory
                                 else _("referral to %(to)s")) % {"to": q.referral.to}
            items.append((_("Also"), text))
        if rule.markets and not h.hb.spec.market:
            items.append((_("Only in"), h.titles("markets", rule.markets)))
        if rule.notice is not None:
            items.append((_("User notice"), rule.notice.text))
        if rule.appeal is not None:
            deadline = _duration(h, rule.appeal.deadline)
            within = _("within %(time)s") % {"time": deadline} if deadline else ""
            items.append((_("Appeal"), " · ".join(x for x in (rule.appeal.channel, within) if x)))
        if items:
            out.append({"id": rule.id, "items": items})
    return out


def _rule_link(h: Helpers, v: PolicyView, rule_id: str) -> dict[str, str | None]:
    """A rule id and where its anchor is in this handbook: on this page, on another
    policy's page, or nowhere (a rule of another market or of a policy left out)."""
    if any(r.id == rule_id for r in v.rules):
        return {"id": rule_id, "url": f"#{rule_id}"}
    return {"id": rule_id, "url": h.rule_href(rule_id) if h.shown_elsewhere(rule_id, v.id) else None}


def _exceptions(h: Helpers, v: PolicyView) -> list[dict[str, Any]]:
    """Each exception: the rules it covers, the action that still applies, the rules it never covers."""
    p = v.policy
    return [{"id": e.id, "title": e.title, "text": e.text,
             "rules": [_rule_link(h, v, rid) for rid in e.rules],
             "residual": h.title("actions", e.residual_action) if e.residual_action else "",
             "never": [_rule_link(h, v, rid) for rid in e.never_for]}
            for e in p.exceptions]


def _see(h: Helpers, v: PolicyView) -> dict[str, list[dict[str, str | None]]]:
    """Per rule, its cross-references as links to the rules' anchors."""
    _ = h.ui.gettext
    relation = {"defers_to": _("Defers to"), "overlaps": _("Overlaps with")}
    return {r.id: [{**_rule_link(h, v, s.rule), "relation": relation.get(s.relation, s.relation)}
                   for s in r.rule.see]
            for r in v.rules if r.rule.see}


def enforcement_view(h: Helpers, v: PolicyView) -> dict[str, Any]:
    """Everything the enforcement partials show for one policy (empty parts are skipped)."""
    return {"before": _before(h, v), "matrix": _matrix(h, v), "ladders": _ladders(h, v),
            "ages": _age_gates(h, v), "terms": _terms(h, v), "exceptions": _exceptions(h, v),
            "see": _see(h, v)}
