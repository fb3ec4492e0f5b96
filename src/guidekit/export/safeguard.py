"""`safeguard`: one policy prompt per policy in the structure gpt-oss-safeguard expects.

The policy is the system message and the content the user message. Sections:
INSTRUCTIONS (task and exact JSON output), DEFINITIONS, VIOLATES (1), SAFE
(0), EXAMPLES (4-6 covering both labels), AMBIGUITY & ESCALATION. The guide
advises 400-600 tokens, so a prompt estimated above 600 is a warning.

VIOLATES holds only what is removed or restricted; rules and tiers with a
lesser action (label, not recommended, a monetisation limit) go to SAFE with
a note naming that action, so the classifier answers 0 and says why. An
exception is SAFE with its residual action named (stays up but not
recommended), and the rules it never covers; an exception whose residual
action still removes or restricts stays among VIOLATES. The
context inputs the rules name (who reported it, the target's public role ...)
are listed where the prompt says what needs context.
"""

from __future__ import annotations

import json

from guidekit.corpus import Corpus
from guidekit.defang import defang
from guidekit.export.base import (
    Export,
    ExportFile,
    active_policies,
    estimate_tokens,
    export_finding,
    json_text,
    one_line,
)
from guidekit.export.policy_text import (
    LabelledExample,
    definitions,
    example_action,
    exception_scope,
    pick_examples,
    precedence,
    unsafe_action,
    unsafe_rule,
    unsafe_tiers,
)
from guidekit.findings import Finding, Severity
from guidekit.model import Policy

__all__ = ["TOKEN_BUDGET", "export_safeguard", "safeguard_prompt"]

TOKEN_BUDGET = 600
OUTPUT_FORMAT = ('{"violation": 0 or 1, "policy_category": "<rule id or null>", '
                 '"rule_ids": ["<every rule id that applies>"], '
                 '"confidence": "low" | "medium" | "high", "rationale": "<one sentence>"}')


def _answer(rule_id: str | None) -> str:
    return json.dumps({"violation": 1 if rule_id else 0, "policy_category": rule_id},
                      ensure_ascii=False)


def safeguard_prompt(policy: Policy, corpus: Corpus, examples: int = 6) -> str:
    lines = [f"# {policy.title} ({policy.id})", "", "## INSTRUCTIONS", "",
             "Decide whether the content in the user message violates this policy. "
             "Reply with one JSON object and nothing else:", "", OUTPUT_FORMAT, "",
             "violation is 1 when the content meets a VIOLATES criterion that no SAFE "
             "criterion excuses, else 0. rule_ids lists every rule met; policy_category is "
             "the most severe one.", "", "## DEFINITIONS", ""]
    defs = definitions(policy)
    lines += [f"- {d}" for d in defs] if defs else ["- No terms beyond their plain meaning."]
    lines += ["", "## VIOLATES (1)", ""]
    lesser: list[str] = []
    actions = corpus.taxonomy.actions

    def title(action_id: str) -> str:
        a = actions.get(action_id)
        return a.title if a is not None else action_id

    for r in policy.rules:
        if unsafe_rule(corpus, r):
            lines.append(f"- {r.id} {r.title}: {one_line(r.text)}")
            whole = unsafe_action(corpus, r.action) and len(unsafe_tiers(corpus, r)) == len(r.tiers)
            if not whole:
                lines += [f"  - {r.id}/{t.id} when: {one_line(t.when)}" for t in unsafe_tiers(corpus, r)]
        else:
            lesser.append(f"- {r.id} {r.title} (a lesser tier, {title(r.action)}: answer 0 and name "
                          f"{r.id} in the rationale): {one_line(r.text)}")
        lesser += [f"- {r.id}/{t.id} when {one_line(t.when)} (a lesser tier, {title(t.action)}: answer 0 "
                   "and name it in the rationale)"
                   for t in r.tiers if not unsafe_action(corpus, t.action)]
    safe: list[str] = []
    for e in policy.exceptions:
        # where an exception applies its residual action is what happens: a removal or
        # restriction still violates, a lesser action (or none) is safe
        scope = exception_scope(corpus, policy, e)
        scoped = f" ({scope})" if scope else ""
        if unsafe_action(corpus, e.residual_action):
            covered = ", ".join(r.id for r in policy.covered_rules(e))
            lines.append(f"- {covered} under the exception {e.title}{scoped}: {one_line(e.text)}")
        else:
            if e.residual_action:
                scoped = f" ({scope}: answer 0 and name it in the rationale)"
            safe.append(f"- {e.title}{scoped}: {one_line(e.text)}")
    lines += ["", "## SAFE (0)", ""]
    lines += safe
    lines += lesser
    lines += ["- Content that meets none of the VIOLATES criteria.", "", "## EXAMPLES", ""]
    for x in pick_examples(policy, examples, lambda x: _positive(corpus, x)):
        unsafe = _positive(corpus, x)
        lines += [f"Content: {one_line(defang(x.example.text))}",
                  f"Answer: {_answer(x.rule.id if unsafe else None)}", ""]
    order = precedence(policy, corpus)
    lines += ["## AMBIGUITY & ESCALATION", "",
              f"- When several rules apply, the most severe wins: {', '.join(r.id for r in order)}."]
    context = [r.id for r in policy.rules if r.requires_context and not r.contexts]
    named = _context_inputs(policy, corpus)
    if named:
        lines.append("- Inputs the decision needs beyond the content: " + "; ".join(named)
                     + ". When one is missing, answer with confidence \"low\".")
    if context:
        verb = "needs" if len(context) == 1 else "need"
        lines.append(f"- {', '.join(context)} {verb} context beyond the content (licences, "
                     "certification, age, intent); without it answer with confidence \"low\".")
    escalate = sorted({r.escalate_to for r in policy.rules if r.escalate_to})
    lines.append("- When unsure, answer with confidence \"low\" so a person reviews it"
                 + (f" (escalation: {', '.join(escalate)})." if escalate else "."))
    return "\n".join(lines) + "\n"


def _positive(corpus: Corpus, x: LabelledExample) -> bool:
    return x.violating and unsafe_action(corpus, example_action(x.rule, x.example, x.policy))


def _context_inputs(policy: Policy, corpus: Corpus) -> list[str]:
    """Each context a rule, condition or tier names: its title, who supplies it, the rules."""
    uses: dict[str, list[str]] = {}
    for r in policy.rules:
        named = [*r.contexts, *(c for x in r.conditions for c in x.contexts),
                 *(c for t in r.tiers for c in t.contexts)]
        for c in dict.fromkeys(named):
            uses.setdefault(c, []).append(r.id)
    out = []
    for cid, rules in uses.items():
        kind = corpus.taxonomy.contexts.get(cid)
        what = f"{kind.title} (from the {kind.supplied_by})" if kind is not None else cid
        out.append(f"{what} for {', '.join(rules)}")
    return out


def export_safeguard(corpus: Corpus) -> Export:
    files: list[ExportFile] = []
    findings: list[Finding] = []
    index = []
    for p in active_policies(corpus):
        # six examples when they fit the budget, else the guide's minimum of four
        shown = 6
        prompt = safeguard_prompt(p, corpus, shown)
        if estimate_tokens(prompt) > TOKEN_BUDGET:
            shown = 4
            prompt = safeguard_prompt(p, corpus, shown)
        tokens = estimate_tokens(prompt)
        examples = pick_examples(p, shown, lambda x: _positive(corpus, x))
        if tokens > TOKEN_BUDGET:
            findings.append(export_finding(
                "prompt-too-long", Severity.WARNING,
                f"safeguard prompt for {p.id} is about {tokens} tokens, above {TOKEN_BUDGET}; "
                "400-600 works best: shorten rule texts or split the policy", p.loc.at("id")))
        labels = {_positive(corpus, x) for x in examples}
        if len(examples) < 4 or len(labels) < 2:
            findings.append(export_finding(
                "few-examples", Severity.WARNING,
                f"safeguard prompt for {p.id} has {len(examples)} examples; 4-6 covering both "
                "labels work best", p.loc.at("rules")))
        name = f"{p.id}.md"
        files.append(ExportFile(name, prompt))
        index.append({"policy_id": p.id, "file": name, "tokens": tokens,
                      "over_budget": tokens > TOKEN_BUDGET,
                      "rule_ids": [r.id for r in p.rules]})
    files.append(ExportFile("index.json", json_text({"token_budget": TOKEN_BUDGET,
                                                      "prompts": index})))
    return Export("safeguard", tuple(files), tuple(findings), folder=True)
