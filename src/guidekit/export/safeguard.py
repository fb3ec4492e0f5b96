"""`safeguard`: one policy prompt per policy in the structure gpt-oss-safeguard expects.

The policy is the system message and the content the user message. Sections:
INSTRUCTIONS (task and exact JSON output), DEFINITIONS, VIOLATES (1), SAFE
(0), EXAMPLES (4-6 covering both labels), AMBIGUITY & ESCALATION. The guide
advises 400-600 tokens, so a prompt estimated above 600 is a warning.
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
from guidekit.export.policy_text import definitions, pick_examples, precedence
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
    lines += [f"- {r.id} {r.title}: {one_line(r.text)}" for r in policy.rules]
    lines += ["", "## SAFE (0)", ""]
    for e in policy.exceptions:
        applies = f" (applies to {', '.join(e.rules)})" if e.rules else ""
        lines.append(f"- {e.title}{applies}: {one_line(e.text)}")
    lines += ["- Content that meets none of the VIOLATES criteria.", "", "## EXAMPLES", ""]
    for x in pick_examples(policy, examples):
        lines += [f"Content: {one_line(defang(x.example.text))}",
                  f"Answer: {_answer(x.rule.id if x.violating else None)}", ""]
    order = precedence(policy, corpus)
    lines += ["## AMBIGUITY & ESCALATION", "",
              f"- When several rules apply, the most severe wins: {', '.join(r.id for r in order)}."]
    context = [r.id for r in policy.rules if r.requires_context]
    if context:
        verb = "needs" if len(context) == 1 else "need"
        lines.append(f"- {', '.join(context)} {verb} context beyond the content (licences, "
                     "certification, age, intent); without it answer with confidence \"low\".")
    escalate = sorted({r.escalate_to for r in policy.rules if r.escalate_to})
    lines.append("- When unsure, answer with confidence \"low\" so a person reviews it"
                 + (f" (escalation: {', '.join(escalate)})." if escalate else "."))
    return "\n".join(lines) + "\n"


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
        examples = pick_examples(p, shown)
        if tokens > TOKEN_BUDGET:
            findings.append(export_finding(
                "prompt-too-long", Severity.WARNING,
                f"safeguard prompt for {p.id} is about {tokens} tokens, above {TOKEN_BUDGET}; "
                "400-600 works best: shorten rule texts or split the policy", p.loc.at("id")))
        labels = {x.violating for x in examples}
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
