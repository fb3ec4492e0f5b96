"""`llama-guard`: the unsafe-categories block with a stable code per policy.

Llama Guard codes are positional (S1..Sn), so numbering policies at export time
would shift every code when a policy is added. Each policy pins its code in
front matter (``codes: {llama_guard: S7}``); an active policy without one, or
two policies sharing one, is an error rather than a silent renumbering.

Only what is removed or restricted is unsafe: rules whose actions are lesser
tiers (a label, not recommended, a monetisation limit, no action) are left
out, and a tiered rule lists only its tiers that remove or restrict. A policy
with nothing unsafe keeps its code but has no category. Where an exception
covers a rule and its residual action is lesser (or none), the rule says so
("not unsafe: Counterspeech (stays up but Not eligible for recommendation)").
"""

from __future__ import annotations

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, active_policies, export_finding, one_line
from guidekit.export.policy_text import exception_scope, unsafe_action, unsafe_rule, unsafe_tiers
from guidekit.findings import Finding, Severity

__all__ = ["export_llama_guard"]

KEY = "llama_guard"


def _number(code: str) -> int:
    return int(code[1:])


def export_llama_guard(corpus: Corpus) -> Export:
    findings: list[Finding] = []
    owners: dict[str, str] = {}
    # every policy, deprecated too: a retired policy's code stays reserved
    for p in sorted(corpus.all_policies, key=lambda p: (p.source.rel, p.id)):
        code = p.codes.get(KEY)
        if code is None:
            continue
        if code in owners and owners[code] != p.id:
            findings.append(export_finding(
                "duplicate-code", Severity.ERROR,
                f"Llama Guard code {code} of {p.id} is already pinned by {owners[code]}",
                p.loc.at("codes", KEY)))
        owners.setdefault(code, p.id)
    used = {_number(c) for c in owners}
    policies = active_policies(corpus)
    for p in policies:
        if KEY not in p.codes:
            free = next(n for n in range(1, len(used) + 2) if n not in used)
            used.add(free)  # suggest a different free code to each policy
            findings.append(export_finding(
                "missing-code", Severity.ERROR,
                f"{p.id} has no pinned Llama Guard code, so it cannot be given a stable category",
                p.loc.at("id"), fix=f"add 'codes: {{llama_guard: S{free}}}' to the front matter"))
    lines = ["BEGIN UNSAFE CONTENT CATEGORIES"]
    for p in sorted((p for p in policies if KEY in p.codes), key=lambda p: _number(p.codes[KEY])):
        rules = [r for r in p.rules if unsafe_rule(corpus, r)]
        if not rules:
            continue
        lines.append(f"{p.codes[KEY]}: {p.title}.")
        if p.summary:
            lines.append(one_line(p.summary))
        for r in rules:
            lines.append(f"- {r.title}: {one_line(r.text)}")
            if (r.tiers and not unsafe_action(corpus, r.action)) or len(unsafe_tiers(corpus, r)) < len(r.tiers):
                lines.extend(f"  - unsafe when: {one_line(t.when)}" for t in unsafe_tiers(corpus, r))
            # where an exception applies its residual action decides: lesser (or none) is safe
            lines.extend(f"  - not unsafe: {e.title} ({exception_scope(corpus, p, e)})"
                         if e.residual_action else f"  - not unsafe: {e.title}"
                         for e in p.exceptions_for(r.id) if not unsafe_action(corpus, e.residual_action))
    lines.append("END UNSAFE CONTENT CATEGORIES")
    return Export("llama-guard", (ExportFile("llama-guard.txt", "\n".join(lines) + "\n"),),
                  tuple(findings))
