"""`cope`: one binary-label policy text per policy, in CoPE's layout.

INSTRUCTIONS / POLICY / CONTENT / ANSWER, with the policy written as
Overview, Definition of Terms, Interpretation of Language and Definition of
Labels. ``{content}`` marks where the content under review goes.
"""

from __future__ import annotations

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, active_policies, one_line
from guidekit.export.policy_text import definitions, guidance_notes, overview
from guidekit.model import Policy

__all__ = ["cope_prompt", "export_cope"]


def _section(title: str, underline: str = "=") -> list[str]:
    return [title, underline * len(title), ""]


def cope_prompt(policy: Policy) -> str:
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
    lines += ["", "#### Excludes", ""]
    lines += [f"- {e.title}: {one_line(e.text)}" for e in policy.exceptions]
    lines += ["- Content that meets none of the criteria above.", ""]
    lines += _section("CONTENT")
    lines += ["{content}", ""]
    lines += _section("ANSWER")
    return "\n".join(lines)


def export_cope(corpus: Corpus) -> Export:
    return Export("cope", tuple(ExportFile(f"{p.id}.txt", cope_prompt(p))
                                for p in active_policies(corpus)), folder=True)
