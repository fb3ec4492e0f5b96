"""Policy prose that classifier prompts share: definitions, criteria, examples, precedence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from guidekit.corpus import Corpus
from guidekit.export.base import one_line, paragraphs, sections
from guidekit.model import Example, Policy, PolicyException, Rule, Tier

__all__ = [
    "LabelledExample",
    "definitions",
    "example_action",
    "example_exception",
    "exception_scope",
    "guidance_notes",
    "overview",
    "pick_examples",
    "precedence",
    "unsafe_action",
    "unsafe_rule",
    "unsafe_tiers",
]

# DSA visibility decisions that take content out of reach; demoted and labelled content stays up
_RESTRICTING = {"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
                "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
                "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED"}


def unsafe_action(corpus: Corpus, action_id: str | None) -> bool:
    """Whether content under this action is unsafe for a classifier: it is removed or
    restricted. Labels, demotion (not recommended) and monetisation limits are lesser
    tiers; an action's own ``unsafe`` flag decides first."""
    a = corpus.taxonomy.actions.get(action_id) if action_id is not None else None
    if a is None or a.scope == "none":
        return False
    if a.unsafe is not None:
        return a.unsafe
    dsa = a.dsa
    return (dsa.get("decision_visibility") in _RESTRICTING or "decision_account" in dsa
            or "decision_provision" in dsa)


def unsafe_tiers(corpus: Corpus, rule: Rule) -> list[Tier]:
    return [t for t in rule.tiers if unsafe_action(corpus, t.action)]


def unsafe_rule(corpus: Corpus, rule: Rule) -> bool:
    """A rule is unsafe when its primary action is, or any of its tiers is."""
    return unsafe_action(corpus, rule.action) or bool(unsafe_tiers(corpus, rule))


def example_action(rule: Rule, example: Example, policy: Policy | None = None) -> str | None:
    """The action an example falls under: where it falls under an exception, the
    exception's residual action (None: no action at all); else its tier's, else the rule's."""
    if policy is not None and example.exception is not None:
        e = example_exception(policy, rule, example)
        if e is not None:
            return e.residual_action
    tier = next((t for t in rule.tiers if t.id == example.tier), None) if example.tier else None
    return tier.action if tier is not None else rule.action


def example_exception(policy: Policy, rule: Rule, example: Example) -> PolicyException | None:
    """The exception an example falls under, when it names one that covers its rule."""
    if example.exception is None:
        return None
    e = next((x for x in policy.exceptions if x.id == example.exception), None)
    return e if e is not None and rule in policy.covered_rules(e) else None


def exception_scope(corpus: Corpus, policy: Policy, exception: PolicyException) -> str:
    """Where an exception applies and what still happens there, for a prompt line:
    "applies to A; never to B; stays up but Not eligible for recommendation"."""
    actions = corpus.taxonomy.actions
    parts = []
    if exception.rules:
        parts.append(f"applies to {', '.join(exception.rules)}")
    if exception.never_for:
        parts.append(f"never to {', '.join(exception.never_for)}")
    residual = exception.residual_action
    if residual is not None:
        title = actions[residual].title if residual in actions else residual
        verb = "still" if unsafe_action(corpus, residual) else "stays up but"
        parts.append(f"{verb} {title}")
    return "; ".join(parts)


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
    policy: Policy | None = None  # to find the exception an example falls under

    @property
    def violating(self) -> bool:
        return self.example.label == "violating"


def pick_examples(policy: Policy, most: int = 6,
                  positive: Callable[[LabelledExample], bool] | None = None) -> list[LabelledExample]:
    """Up to ``most`` examples, alternating violating and allowed across the rules.

    Allowed examples sit next to a rule on purpose, so they are the near misses
    a classifier most needs; alternating keeps both labels in every prompt.
    ``positive`` says which violating examples the classifier labels 1 (those of
    lesser tiers are near misses too).
    """
    every = [LabelledExample(r, e, policy) for r in policy.rules for e in r.examples]
    is_positive = positive or (lambda x: x.violating)
    violating = [x for x in every if x.violating and is_positive(x)]
    allowed = [x for x in every if not x.violating] + [x for x in every if x.violating and not is_positive(x)]
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
