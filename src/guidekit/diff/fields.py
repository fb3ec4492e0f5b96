"""Field-level comparison shared by every document kind, and the context of a diff.

Impacts come from data: action and severity order from the taxonomy ranks,
references from the documents at head. Nothing here hard-codes an action name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from guidekit.diff.model import FieldChange, Impact
from guidekit.diff.redline import same_words, word_redline
from guidekit.findings import SourceSpan
from guidekit.model.common import Loc

__all__ = ["Context", "FieldDiff", "Ranks", "at", "field_spans", "scope_impact"]


def at(loc: Loc) -> SourceSpan:
    """Where a node starts. Diff reports point at lines; the end of a node is left
    out because it may fall in text the diff skipped (chunks.py)."""
    s = loc.span()
    return SourceSpan(s.path, s.line, s.col)


def field_spans(loc: Loc) -> Callable[[str], SourceSpan | None]:
    """Spans of the fields of the node at ``loc``, by (dotted) field name."""
    def span(name: str) -> SourceSpan | None:
        return at(loc.at(name.split(".")[0]))
    return span


@dataclass(frozen=True, slots=True)
class Ranks:
    """Order of actions and severities, from the taxonomy (head first, then base)."""

    actions: Mapping[str, int]
    severities: Mapping[str, int]

    def of(self, vocab: str, value: str | None) -> int | None:
        table = self.actions if vocab == "action" else self.severities
        return table.get(value) if value is not None else None

    def lowest_action(self) -> int:
        return min(self.actions.values(), default=0)

    def compare(self, vocab: str, old: str | None, new: str | None) -> tuple[Impact, str]:
        """stricter / looser by rank; an id the taxonomy lacks cannot be enforced: breaking."""
        ro, rn = self.of(vocab, old), self.of(vocab, new)
        note = f"{old} ({_r(ro)}) → {new} ({_r(rn)})"
        if (old is not None and ro is None) or (new is not None and rn is None):
            missing = new if new is not None and rn is None else old
            return Impact.BREAKING, f"{note}: {missing!r} is not in the {vocab} taxonomy"
        if ro is None or rn is None or ro == rn:
            return Impact.METADATA, note
        return (Impact.STRICTER if rn > ro else Impact.LOOSER), note

    def strictest(self, actions: Iterable[str]) -> int | None:
        ranks = [r for a in actions if (r := self.actions.get(a)) is not None]
        return max(ranks) if ranks else None


def _no_case_refs(_sop: str) -> Mapping[str, Sequence[str]]:
    return {}


def _r(rank: int | None) -> str:
    return "unranked" if rank is None else f"rank {rank}"


class Context:
    """What comparing one document needs to know about the others and the taxonomy."""

    __slots__ = ("case_refs", "ranks", "references", "rules_at_base", "rules_at_head")

    def __init__(self, ranks: Ranks, references: Mapping[str, Sequence[str]] | None = None,
                 rules_at_head: Mapping[str, str] | None = None, rules_at_base: Mapping[str, str] | None = None,
                 case_refs: Callable[[str], Mapping[str, Sequence[str]]] | None = None) -> None:
        self.ranks = ranks
        # id -> places at head that still name it ("sops/a.sop.yaml:57:9 outcomes[1].rules[0]")
        self.references = references or {}
        # rule id -> id of the document holding it, for rules that moved between documents
        self.rules_at_head = rules_at_head or {}
        self.rules_at_base = rules_at_base or {}
        # SOP id -> case ids and (node, answer) pairs that case files at head name
        self.case_refs = case_refs or _no_case_refs

    def still_named(self, ident: str, *, exclude: Iterable[str] = ()) -> list[str]:
        skip = set(exclude)
        return [r for r in self.references.get(ident, ()) if r not in skip]


def scope_impact(old: Sequence[str], new: Sequence[str]) -> list[tuple[Impact, str]]:
    """Markets or surfaces where something applies; empty means everywhere.

    Adding a place widens a restriction (stricter); removing one narrows it
    (looser). Going from everywhere to a list is looser, the reverse stricter.
    """
    so, sn = set(old), set(new)
    if so == sn:
        return []
    if not so:
        return [(Impact.LOOSER, f"now only {', '.join(sorted(sn))} (was everywhere)")]
    if not sn:
        return [(Impact.STRICTER, f"now everywhere (was {', '.join(sorted(so))})")]
    out = []
    if sn - so:
        out.append((Impact.STRICTER, f"added {', '.join(sorted(sn - so))}"))
    if so - sn:
        out.append((Impact.LOOSER, f"removed {', '.join(sorted(so - sn))}"))
    return out


class FieldDiff:
    """Collects FieldChanges for one document or item."""

    def __init__(self, span: Callable[[str], SourceSpan | None]) -> None:
        self._span = span
        self.changes: list[FieldChange] = []

    def add(self, name: str, old: Any, new: Any, impact: Impact, note: str | None = None,
            **extra: Any) -> None:
        self.changes.append(FieldChange(name, _json(old), _json(new), impact, note,
                                        span=self._span(name), **extra))

    def prose(self, name: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        if old is not None and new is not None and same_words(old, new):
            self.add(name, old, new, Impact.EDITORIAL, "whitespace only", reflow=True,
                     redline=(("equal", new),))
            return
        self.add(name, old, new, Impact.EDITORIAL,
                 redline=tuple(word_redline(old or "", new or "")))

    def meta(self, name: str, old: Any, new: Any) -> None:
        if _json(old) != _json(new):
            self.add(name, old, new, Impact.METADATA)

    def ranked(self, name: str, vocab: str, ranks: Ranks, old: str | None,
               new: str | None) -> None:
        if old != new:
            impact, note = ranks.compare(vocab, old, new)
            self.add(name, old, new, impact, note)

    def scope(self, name: str, old: Sequence[str], new: Sequence[str]) -> None:
        for impact, note in scope_impact(old, new):
            self.add(name, list(old), list(new), impact, note)

    def ids(self, name: str, old: Sequence[str], new: Sequence[str], *, grow: Impact,
            shrink: Impact) -> None:
        """A list of ids where adding one has impact ``grow`` and removing one ``shrink``."""
        so, sn = set(old), set(new)
        if sn - so:
            self.add(name, list(old), list(new), grow, f"added {', '.join(sorted(sn - so))}")
        if so - sn:
            self.add(name, list(old), list(new), shrink, f"removed {', '.join(sorted(so - sn))}")


def _json(value: Any) -> Any:
    """Plain JSON values: tuples become lists, dates strings, mappings stay mappings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return str(value)
