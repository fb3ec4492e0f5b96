"""Change marks as the handbook shows them: badges, redlines and the "what changed" list.

Plain data, filled from the diff engine's ChangeSet by ``build.changes``; the
renderer only looks things up here, so a handbook without a baseline simply
gets an empty ``ChangeMarks``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["VALUE_FIELDS", "Change", "ChangeEntry", "ChangeMarks", "Mark", "Runs", "describe"]

Runs = tuple[tuple[str, str], ...]  # ("equal" | "insert" | "delete", text)


@dataclass(frozen=True, slots=True)
class Mark:
    change: str  # added | modified | removed | moved
    impact: str  # breaking | stricter | looser | editorial | metadata
    label: str  # short badge text, e.g. "changed: stricter"
    title: str  # longer text for the tooltip


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that changed, as data; ``describe`` words it for a reviewer in their language."""

    subject: str  # rule | section | document | exception | override | more (a count of the rest)
    id: str  # the rule or item id, the section title ("" for the document itself)
    change: str  # added | removed | modified | moved
    field: str = ""  # what changed in a modified rule or document: action, severity, text, ...
    old: str | None = None  # old and new values; ids of ``vocab`` when it is set
    new: str | None = None
    vocab: str | None = None  # "actions" | "severities": shown by their taxonomy titles


# fields a reviewer sees as "Name: old -> new", with the vocabulary their values come from
VALUE_FIELDS: dict[str, str | None] = {
    "action": "actions", "severity": "severities", "status": None, "title": None}


def mark_label(mark: Mark, _: Callable[[str], str]) -> tuple[str, str]:
    """A change mark in the reader's language: its short label ("new", "changed: stricter")
    and what it means ("Added since the baseline")."""
    if mark.change == "added":
        return _("new"), _("Added since the baseline")
    if mark.change == "removed":
        return _("removed"), _("Removed since the baseline")
    word = {"breaking": _("breaking"), "stricter": _("stricter"), "looser": _("looser"),
            "editorial": _("wording"), "metadata": _("details")}.get(mark.impact, mark.impact)
    return _("changed: %(impact)s") % {"impact": word}, _("Changed since the baseline")


def describe(c: Change, _: Callable[[str], str], title: Callable[[str, str], str]) -> str:
    """One change in a reviewer's words: "Rule X: Severity: Medium → High" (titles, never ranks)."""
    def value(v: str | None) -> str:
        return title(c.vocab, v) if c.vocab and v else (v or "")

    if c.subject == "more":
        return _("and %(n)s more changes") % {"n": c.id}
    market, _sep, rule = c.id.partition(":")
    what = {"rule": _("Rule %(id)s"), "section": _("Section “%(id)s”"),
            "exception": _("Exception %(id)s"),
            "override": _("Rule %(rule)s in %(market)s") if rule else "%(id)s",
            "document": ""}.get(c.subject, "%(id)s") % {
                "id": c.id, "rule": rule, "market": title("markets", market)}
    if c.change == "added":
        line = _("added")
    elif c.change == "removed":
        line = _("removed")
    elif c.field in VALUE_FIELDS and c.old is not None and c.new is not None:
        label = {"action": _("Action"), "severity": _("Severity"), "status": _("Status"),
                 "title": _("Title")}[c.field]
        line = _("%(field)s: %(old)s → %(new)s") % {"field": label, "old": value(c.old),
                                                   "new": value(c.new)}
    elif c.field in ("text", "summary", "note"):
        line = _("wording changed")
    elif c.field.startswith("examples"):
        line = _("examples changed")
    elif c.field == "markets":
        line = _("markets changed")
    else:
        line = _("details changed")
    return f"{what}: {line}" if what else line[:1].upper() + line[1:]


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One line of the start page's "what changed" list."""

    id: str
    title: str
    mark: Mark
    details: tuple[Change, ...] = ()
    present: bool = True  # False for documents removed since the baseline


@dataclass(frozen=True)
class ChangeMarks:
    label: str = ""  # the baseline's name; empty: no marks, and the pages say nothing of changes
    # a hint for the author (the build prints it), never shown to reviewers
    note: str | None = "no baseline is set: add baseline: to it in guidekit.yaml or pass " \
                       "--since REV to mark what changed"
    docs: dict[str, Mark] = field(default_factory=dict)
    rules: dict[tuple[str, str], Mark] = field(default_factory=dict)
    redlines: dict[tuple[str, str, str], Runs] = field(default_factory=dict)
    # (document id, rule id, field) -> the old value (a taxonomy id for action and severity)
    olds: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # document id -> rules and sections removed since the baseline, shown on its page
    removed: dict[str, tuple[Change, ...]] = field(default_factory=dict)
    # document id -> (section title, redlined paragraphs) for changed prose
    prose: dict[str, tuple[tuple[str, tuple[Runs, ...]], ...]] = field(default_factory=dict)
    entries: tuple[ChangeEntry, ...] = ()

    def doc(self, doc_id: str) -> Mark | None:
        return self.docs.get(doc_id)

    def rule(self, doc_id: str, rule_id: str) -> Mark | None:
        return self.rules.get((doc_id, rule_id))

    def redline(self, doc_id: str, item_id: str, field_name: str) -> Runs:
        return self.redlines.get((doc_id, item_id, field_name), ())

    def old(self, doc_id: str, item_id: str, field_name: str) -> str | None:
        return self.olds.get((doc_id, item_id, field_name))

    def key_for(self, doc_id: str) -> str:
        """Everything about one document's marks, for the render cache key."""
        rules = sorted((k, v) for k, v in self.rules.items() if k[0] == doc_id)
        lines = sorted((k, v) for k, v in self.redlines.items() if k[0] == doc_id)
        olds = sorted((k, v) for k, v in self.olds.items() if k[0] == doc_id)
        return repr((self.label, self.docs.get(doc_id), rules, lines, olds, self.prose.get(doc_id),
                     self.removed.get(doc_id)))
