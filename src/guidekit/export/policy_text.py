"""Policy prose that classifier prompts share: definitions, criteria, examples, precedence."""

from __future__ import annotations

from dataclasses import dataclass

from guidekit.corpus import Corpus
from guidekit.export.base import one_line, paragraphs, sections
from guidekit.model import Example, Policy, Rule

__all__ = ["LabelledExample", "definitions", "guidance_notes", "overview", "pick_examples",
           "precedence"]


def definitions(policy: Policy) -> list[str]:
    """The body's Definitions section, one entry per list item or paragraph."""
    text = sections(policy.body).get("definitions", "")
    return list(paragraphs(text))


def guidance_notes(policy: Policy) -> list[str]:
    body = sections(policy.body)
    text = body.get("guidance notes") or body.get("interpretation") or ""
    return list(paragraphs(text))


def overview(policy: Policy) -> list[str]:
    out = [one_line(policy.summary)] if policy.summary else []
    rationale = sections(policy.body).get("rationale", "")
    out.extend(paragraphs(rationale))
    return out


@dataclass(frozen=True, slots=True)
class LabelledExample:
    rule: Rule
    example: Example

    @property
    def violating(self) -> bool:
        return self.example.label == "violating"


def pick_examples(policy: Policy, most: int = 6) -> list[LabelledExample]:
    """Up to ``most`` examples, alternating violating and allowed across the rules.

    Allowed examples sit next to a rule on purpose, so they are the near misses
    a classifier most needs; alternating keeps both labels in every prompt.
    """
    violating = [LabelledExample(r, e) for r in policy.rules for e in r.violating]
    allowed = [LabelledExample(r, e) for r in policy.rules for e in r.allowed]
    # first the first example of each rule, then the rest, so more rules are shown
    def spread(items: list[LabelledExample]) -> list[LabelledExample]:
        firsts = [x for i, x in enumerate(items) if i == 0 or items[i - 1].rule is not x.rule]
        return firsts + [x for x in items if x not in firsts]

    v, a = spread(violating), spread(allowed)
    out: list[LabelledExample] = []
    while (v or a) and len(out) < most:
        if v:
            out.append(v.pop(0))
        if a and len(out) < most:
            out.append(a.pop(0))
    return out


def precedence(policy: Policy, corpus: Corpus) -> list[Rule]:
    """Rules from the most to the least severe (severity rank, then action rank)."""
    sev = corpus.taxonomy.severities
    act = corpus.taxonomy.actions

    def key(r: Rule) -> tuple[int, int, int]:
        s = sev.get(r.severity) if r.severity else None
        a = act.get(r.action)
        return (-(s.rank if s else 0), -(a.rank if a else 0), policy.rules.index(r))

    return sorted(policy.rules, key=key)
