"""What a page reads of the other documents: their titles, where each document and rule
is, which of them this handbook holds.

A page is drawn from its own document, the taxonomy and this directory. ``guidekit
build`` keeps the directory in the handbook's manifest, so that a second build can render
a changed page without loading every other document (see ``handbook.quick``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guidekit.corpus import Corpus
from guidekit.handbook.handbook import Handbook

__all__ = ["Directory"]


@dataclass(frozen=True)
class Directory:
    included: frozenset[str]  # the documents this handbook holds
    titles: Mapping[str, str]  # policy and SOP id -> title
    rule_doc: Mapping[str, str]  # rule id -> its policy
    by_path: Mapping[str, str]  # repository path of a policy or SOP -> its id
    rules: Mapping[str, tuple[str, ...]]  # policy id -> its rule ids, in order
    shown: Mapping[str, tuple[str, ...]]  # rule id -> the pages of this handbook that show it

    @classmethod
    def of(cls, hb: Handbook, corpus: Corpus) -> Directory:
        titles = {p.id: p.title for p in corpus.policies.values()}
        titles.update({s.id: s.title for s in corpus.sops.values()})
        by_path = {p.source.rel: p.id for p in corpus.policies.values()}
        by_path.update({s.source.rel: s.id for s in corpus.sops.values()})
        shown: dict[str, list[str]] = {}
        for pv in hb.policies:
            for r in pv.rules:
                shown.setdefault(r.id, []).append(pv.id)
        return cls(
            included=frozenset({v.id for v in hb.policies} | {v.id for v in hb.sops}),
            titles=titles,
            rule_doc={r.id: p.id for p in corpus.policies.values() for r in p.rules},
            by_path=by_path,
            rules={p.id: tuple(r.id for r in p.rules) for p in corpus.policies.values()},
            shown={r: tuple(d) for r, d in shown.items()},
        )

    def links_key(self) -> str:
        """What every page's links depend on: a page renders again when it changes."""
        return hashlib.sha256(repr((
            sorted(self.included), sorted(self.by_path.items()), sorted(self.rule_doc.items()),
        )).encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {"included": sorted(self.included), "titles": dict(self.titles),
                "rule_doc": dict(self.rule_doc), "by_path": dict(self.by_path),
                "rules": {k: list(v) for k, v in self.rules.items()},
                "shown": {k: list(v) for k, v in self.shown.items()}}

    @classmethod
    def from_json(cls, data: Any) -> Directory | None:
        """The directory a manifest holds, or None when it is not one."""
        try:
            def strings(d: Any) -> dict[str, str]:
                if not isinstance(d, dict) or not all(isinstance(v, str) for v in d.values()):
                    raise TypeError
                return {str(k): v for k, v in d.items()}

            def lists(d: Any) -> dict[str, tuple[str, ...]]:
                if not isinstance(d, dict):
                    raise TypeError
                out = {str(k): tuple(v) for k, v in d.items()}
                if not all(isinstance(i, str) for v in out.values() for i in v):
                    raise TypeError
                return out

            included = data["included"]
            if not isinstance(included, list) or not all(isinstance(i, str) for i in included):
                raise TypeError
            return cls(frozenset(included), strings(data["titles"]), strings(data["rule_doc"]),
                       strings(data["by_path"]), lists(data["rules"]), lists(data["shown"]))
        except (TypeError, KeyError):
            return None
