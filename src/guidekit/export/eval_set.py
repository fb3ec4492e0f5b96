"""`eval`: a labelled evaluation set as JSONL, from policy examples and SOP cases.

One record per line, described by schemas/eval.schema.json: ``id``,
``content``, ``label`` (1 violating, 0 allowed), ``policy_id``, ``rule_id``,
``market`` and ``split``. The split is deterministic: a record goes to
``test`` when the first 8 hex digits of the SHA-256 of its group key, taken
modulo 100, fall below 20 (about 20%), else ``train``. The group key is the
example or case, so records made from one piece of content never land in
both splits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile, active_policies, active_sops, one_line
from guidekit.model import Case, Policy, Sop
from guidekit.sop.engine import resolve, walk

__all__ = ["TEST_PERCENT", "eval_records", "export_eval", "split_for"]

TEST_PERCENT = 20


def split_for(group: str) -> str:
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


def _record(rid: str, group: str, content: str, label: int, policy_id: str,
            rule_id: str | None, market: str | None) -> dict[str, Any]:
    return {"id": rid, "content": one_line(content), "label": label, "policy_id": policy_id,
            "rule_id": rule_id, "market": market, "split": split_for(group)}


def _from_policy(p: Policy) -> Iterator[dict[str, Any]]:
    for r in p.rules:
        for e in r.examples:
            group = f"{r.id}/{e.id}"
            label = 1 if e.label == "violating" else 0
            markets: list[str | None] = list(e.markets) or [None]
            for m in markets:
                rid = group if len(markets) == 1 else f"{group}@{m}"
                yield _record(rid, group, e.text, label, p.id, r.id, m)


def _from_case(sop: Sop, case: Case, corpus: Corpus) -> Iterator[dict[str, Any]]:
    if not case.content:
        return
    w = walk(sop, case.answers)
    if w.outcome is None or w.outcome.id != case.expect.outcome:
        return  # a failing case is no ground truth; `guidekit test` reports it
    resolved = resolve(w.outcome, corpus.rules, case.market)
    group = f"{sop.id}/{case.id}"
    rules = [rid for rid in resolved.rules if rid in corpus.rules]
    restricts = any(corpus.action_rank(a) for a in resolved.actions)
    if rules and restricts:
        for rid in rules:
            rec_id = group if len(rules) == 1 else f"{group}/{rid}"
            yield _record(rec_id, group, case.content, 1, corpus.rules[rid][0].id, rid,
                          case.market)
        return
    policies = [pid for pid in sop.policies if pid in corpus.policies]
    for pid in policies:
        rec_id = group if len(policies) == 1 else f"{group}/{pid}"
        yield _record(rec_id, group, case.content, 0, pid, None, case.market)


def eval_records(corpus: Corpus) -> list[dict[str, Any]]:
    """Examples of active policies, then content-bearing cases of active SOPs, by id."""
    records = [rec for p in active_policies(corpus) for rec in _from_policy(p)]
    for sop in active_sops(corpus):
        for case in corpus.cases_for(sop):
            records.extend(_from_case(sop, case, corpus))
    records.sort(key=lambda r: r["id"])
    return records


def export_eval(corpus: Corpus) -> Export:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in eval_records(corpus))
    return Export("eval", (ExportFile("eval.jsonl", text),))
