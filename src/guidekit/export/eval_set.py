"""`eval`: a labelled evaluation set as JSONL, from policy examples and SOP cases.

One record per line, described by schemas/eval.schema.json: ``id``,
``content``, ``label`` (1 removed or restricted, 0 allowed or a lesser tier; an example
under an exception takes the exception's residual action),
``policy_id``, ``rule_id``, ``market``, ``split``, ``tier`` (the action the
content falls under: a demoted post is ``not_recommended`` and labelled 0, a
removed one ``remove`` and labelled 1) and ``context`` (what the decision
depended on, e.g. who reported it; null for policy examples) and ``language`` (of
the content: the guidance's source language, or the locale of `export eval
--locale` where the example's translation is current). The split is deterministic: a record goes to
``test`` when the first 8 hex digits of the SHA-256 of its group key, taken
modulo 100, fall below 20 (about 20%), else ``train``. The group key is the
example or case, so records made from one piece of content never land in
both splits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, active_policies, active_sops, one_line
from guidekit.export.policy_text import example_action, example_exception, unsafe_action
from guidekit.i18n.units import example_key
from guidekit.model import Case, Policy, Sop
from guidekit.sop.engine import resolve, walks

__all__ = ["TEST_PERCENT", "Languages", "eval_records", "export_eval", "source_language", "split_for"]

TEST_PERCENT = 20

# a unit's key -> the language its text is in (guidekit.i18n.exports)
Languages = Callable[[str], str]


def split_for(group: str) -> str:
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


def _record(rid: str, group: str, content: str, label: int, policy_id: str,
            rule_id: str | None, market: str | None, tier: str | None, context: dict[str, Any] | None,
            language: str, exception: str | None = None) -> dict[str, Any]:
    return {"id": rid, "content": one_line(content), "label": label, "policy_id": policy_id,
            "rule_id": rule_id, "market": market, "split": split_for(group), "tier": tier,
            "exception": exception, "context": context, "language": language}


def source_language(corpus: Corpus) -> str:
    """The language the guidance is written in (translations.source; en by default)."""
    from guidekit.i18n.engine import settings_of

    return settings_of(corpus.config).source


def _from_policy(p: Policy, corpus: Corpus, language: Languages) -> Iterator[dict[str, Any]]:
    for r in p.rules:
        for e in r.examples:
            group = f"{r.id}/{e.id}"
            violating = e.label == "violating"
            # under an exception the residual action applies (stays up but not recommended)
            under = example_exception(p, r, e)
            action = example_action(r, e, p) if violating or under is not None else None
            label = 1 if action is not None and unsafe_action(corpus, action) else 0
            markets: list[str | None] = list(e.markets) or [None]
            lang = language(f"{example_key(p.id, r.id, e.label, e.id)}/text")
            for m in markets:
                rid = group if len(markets) == 1 else f"{group}@{m}"
                yield _record(rid, group, e.text, label, p.id, r.id, m, action, None, lang,
                              exception=under.id if under is not None else None)


def _from_case(sop: Sop, case: Case, corpus: Corpus, language: str) -> Iterator[dict[str, Any]]:
    if not case.content:
        return
    branches = walks(sop, sop.answers_for(case), facts=sop.facts_for(case))
    if not all(w.outcome for w in branches) or \
            sorted({w.at for w in branches}) != sorted(set(case.expect.outcomes)):
        return  # a failing case is no ground truth; `guidekit test` reports it
    # a pending decision waits for a fact (a report by the target): no label yet
    done = [resolve(w.outcome, corpus.rules, case.market)
            for w in branches if w.outcome is not None and not w.outcome.pending]
    if not done:
        return
    group = f"{sop.id}/{case.id}"
    rules = list(dict.fromkeys(rid for r in done for rid in r.rules if rid in corpus.rules))
    actions = list(dict.fromkeys(a for r in done for a in r.actions))
    restricts = any(unsafe_action(corpus, a) for a in actions)
    tax = corpus.taxonomy.actions
    tier = max(actions, key=lambda a: tax[a].rank if a in tax else -1, default=None)
    context = case.context or None
    if rules:  # a lesser tier (not recommended, a label) keeps its rule, labelled 0
        for rid in rules:
            rec_id = group if len(rules) == 1 else f"{group}/{rid}"
            yield _record(rec_id, group, case.content, 1 if restricts else 0, corpus.rules[rid][0].id,
                          rid, case.market, tier, context, language)
        return
    policies = [pid for pid in sop.policies if pid in corpus.policies]
    for pid in policies:
        rec_id = group if len(policies) == 1 else f"{group}/{pid}"
        yield _record(rec_id, group, case.content, 0, pid, None, case.market, tier, context, language)


def eval_records(corpus: Corpus, language: Languages | None = None) -> list[dict[str, Any]]:
    """Examples of active policies, then content-bearing cases of active SOPs, by id.

    ``language``: the language of each example's text by its unit key (a translated
    corpus); without it every record is in the source language. SOP cases are
    content samples, never translated."""
    source = source_language(corpus)
    records = [rec for p in active_policies(corpus) for rec in _from_policy(p, corpus, language or (lambda _k: source))]
    for sop in active_sops(corpus):
        for case in corpus.cases_for(sop):
            records.extend(_from_case(sop, case, corpus, source))
    records.sort(key=lambda r: r["id"])
    return records


def export_eval(corpus: Corpus, *, language: Languages | None = None) -> Export:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in eval_records(corpus, language))
    return Export("eval", (ExportFile("eval.jsonl", text),))
