"""Severe enforcement comes with a path to a specialist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from guidekit.check.registry import CheckRule, RuleContext, register
from guidekit.findings import Finding


@register
class MissingEscalation(CheckRule):
    """A rule with a severe action or severity names no escalation path.

    Severe means: a severity whose taxonomy entry has ``requires_escalation``,
    or an action listed in ``actions``. The rule needs ``escalate_to``; a
    regional override that makes a rule severe in one market needs it too, and
    an SOP outcome with a severe action needs an ``escalation``.
    """

    id = "GK350"
    name = "missing-escalation"
    options: ClassVar[dict[str, Any]] = {"actions": ["account_ban", "refer_law_enforcement"]}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "actions": {"type": "array", "items": {"type": "string"},
                    "description": "Action ids that always need an escalation path."},
    }

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        c = ctx.corpus
        needs = {s.id for s in c.taxonomy.severities.values() if s.requires_escalation}

        def severe(action: str, severity: str | None, rel: str) -> str | None:
            if severity in needs:
                return f"severity {severity!r}"
            if action in ctx.options_for(rel)["actions"]:
                return f"action {action!r}"
            return None

        for p in c.all_policies:
            rel = p.source.rel
            for r in p.rules:
                why = severe(r.action, r.severity, rel)
                if why and not r.escalate_to:
                    yield self.finding(r.loc.at("id").span(),
                                       f"rule {r.id} has {why} but no escalate_to",
                                       json_path=(*r.loc.path, "id"),
                                       fix="add escalate_to: the team that takes these cases")
            rules = {r.id: r for r in p.rules}
            for o in p.overrides:
                rule = rules.get(o.rule)
                why = severe(o.action, o.severity, rel)
                if why and rule is not None and not rule.escalate_to:
                    yield self.finding(o.loc.at("action").span(),
                                       f"override for {o.market} gives {o.rule} {why} but the "
                                       "rule has no escalate_to",
                                       json_path=(*o.loc.path, "action"))
        for s in c.all_sops:
            for out in s.outcomes:
                hard = [a for a in out.actions if a in ctx.options_for(s.source.rel)["actions"]]
                if hard and not out.escalation:
                    yield self.finding(out.loc.at("id").span(),
                                       f"outcome {out.id} applies {hard[0]!r} but names no escalation",
                                       json_path=(*out.loc.path, "id"))
