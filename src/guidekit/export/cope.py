"""`cope`: one binary-label policy text per policy, in CoPE's layout.

INSTRUCTIONS / POLICY / CONTENT / ANSWER, with the policy written as
Overview, Definition of Terms, Interpretation of Language and Definition of
Labels. ``{content}`` marks where the content under review goes. An
exception is excluded from the label with its residual action named (stays
up but not recommended) and the rules it never covers; one whose residual
action still removes or restricts is included.
"""

from __future__ import annotations

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, active_policies, one_line
from guidekit.export.policy_text import definitions, exception_scope, guidance_notes, overview, unsafe_action
from guidekit.model import Policy

__all__ = ["cope_prompt", "export_cope"]


def _section(title: str, underline: str = "=") -> list[str]:
    return [title, underline * len(title), ""]


def cope_prompt(policy: Policy, corpus: Corpus | None = None) -> str:
    lines = _section("INSTRUCTIONS")
    lines += ["Examine the given POLICY and determine if the given CONTENT meets the criteria "
              "for the label. Answer \"1\" if it does and \"0\" if it does not.", ""]
    lines += _section("POLICY")
    lines += [f"# {policy.title} ({policy.id})", "", "## Overview", ""]
    lines += ["\n\n".join(overview(policy) or [policy.title]), ""]
    lines += ["## Definition of Terms", ""]
    defs = definitions(policy)
    lines += [*([f"- {d}" for d in defs] or ["- Words have their plain meaning."]), ""]
    lines += ["## Interpretation of Language", ""]
    notes = guidance_notes(policy)
    lines += ["\n\n".join(notes or ["Read the content as a typical viewer would, in its context."]),
              ""]
    lines += ["## Definition of Labels", "", f"### ({policy.id}) {policy.title}", "",
              "#### Includes", ""]
    lines += [f"- {r.id} {r.title}: {one_line(r.text)}" for r in policy.rules]
    # where an exception applies its residual action is what happens: one that still
    # removes or restricts keeps the content in the label, a lesser one excludes it
    still = [e for e in policy.exceptions if corpus is not None and unsafe_action(corpus, e.residual_action)]
    lines += [f"- {e.title} ({exception_scope(corpus, policy, e)}): {one_line(e.text)}"
              for e in still if corpus is not None]
    lines += ["", "#### Excludes", ""]
    for e in policy.exceptions:
        if e in still:
            continue
        scope = exception_scope(corpus, policy, e) if corpus is not None else ""
        lines.append(f"- {e.title}{f' ({scope})' if scope else ''}: {one_line(e.text)}")
    lines += ["- Content that meets none of the criteria above.", ""]
    lines += _section("CONTENT")
    lines += ["{content}", ""]
    lines += _section("ANSWER")
    return "\n".join(lines)


def export_cope(corpus: Corpus) -> Export:
    return Export("cope", tuple(ExportFile(f"{p.id}.txt", cope_prompt(p, corpus))
                                for p in active_policies(corpus)), folder=True)
