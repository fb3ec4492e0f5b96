"""Change marks as the handbook shows them: badges, redlines and the "what changed" list.

Plain data, filled from the diff engine's ChangeSet by ``build.changes``; the
renderer only looks things up here, so a handbook without a baseline simply
gets an empty ``ChangeMarks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ChangeEntry", "ChangeMarks", "Mark", "Runs"]

Runs = tuple[tuple[str, str], ...]  # ("equal" | "insert" | "delete", text)


@dataclass(frozen=True, slots=True)
class Mark:
    change: str  # added | modified | removed | moved
    impact: str  # breaking | stricter | looser | editorial | metadata
    label: str  # short badge text, e.g. "changed: stricter"
    title: str  # longer text for the tooltip


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One line of the start page's "what changed" list."""

    id: str
    title: str
    mark: Mark
    details: tuple[str, ...] = ()
    present: bool = True  # False for documents removed since the baseline


@dataclass(frozen=True)
class ChangeMarks:
    label: str = "the last release"
    note: str | None = "No baseline is set for this handbook: add baseline: to it in " \
                       "guidekit.yaml or pass --since REV to see what changed."
    docs: dict[str, Mark] = field(default_factory=dict)
    rules: dict[tuple[str, str], Mark] = field(default_factory=dict)
    redlines: dict[tuple[str, str, str], Runs] = field(default_factory=dict)
    # document id -> (section title, redlined paragraphs) for changed prose
    prose: dict[str, tuple[tuple[str, tuple[Runs, ...]], ...]] = field(default_factory=dict)
    entries: tuple[ChangeEntry, ...] = ()

    def doc(self, doc_id: str) -> Mark | None:
        return self.docs.get(doc_id)

    def rule(self, doc_id: str, rule_id: str) -> Mark | None:
        return self.rules.get((doc_id, rule_id))

    def redline(self, doc_id: str, item_id: str, field_name: str) -> Runs:
        return self.redlines.get((doc_id, item_id, field_name), ())

    def key_for(self, doc_id: str) -> str:
        """Everything about one document's marks, for the render cache key."""
        rules = sorted((k, v) for k, v in self.rules.items() if k[0] == doc_id)
        lines = sorted((k, v) for k, v in self.redlines.items() if k[0] == doc_id)
        return repr((self.label, self.docs.get(doc_id), rules, lines, self.prose.get(doc_id)))
