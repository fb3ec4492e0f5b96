"""The diff since a catalog's revision, as check keeps it: the rule changes, and an edit
of a few policies brought into it without diffing the whole guidance again.

The diff engine compares each changed document on its own except where an id
leaves or arrives: a rule removed here and added there is a move, a rule
renamed to an id that existed elsewhere is not a rename, an id that is gone is
"still named" by whatever file names it. So a diff whose documents were only
modified in place (no document added, removed, moved or re-identified; no rule
or taxonomy item removed, moved or renamed) compares every document alone, and
an edit of a policy that keeps its ids and rules (and names no rule another
document added) changes that policy's part of the diff only: diffing the edited
files alone gives what the whole diff would. Anything else is diffed whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from guidekit.diff import ChangeKind, ChangeSet, DocumentChange, Impact
from guidekit.i18n.engine import RuleChange, rule_changes

__all__ = ["DiffSummary", "after_edit", "alone", "decode_summary", "encode_summary", "summarize"]

_GONE = (ChangeKind.REMOVED, ChangeKind.MOVED)


class DiffSummary(NamedTuple):
    changes: dict[tuple[str, str], RuleChange]  # (document id, rule id at the revision) -> change
    paths: dict[str, str]  # document id -> its path (relative to the guidance root), for documents in the diff
    local: bool  # every document was compared alone (see the module's docstring)
    added: frozenset[str]  # ids of the rules added since the revision
    adding: frozenset[str]  # documents that add a rule


def _in_place(d: DocumentChange) -> bool:
    """A document modified where it was, its id kept, no rule or item id gone or renamed."""
    return d.change is ChangeKind.MODIFIED and d.old_path is None and not any(f.field == "id" for f in d.fields) \
        and not any(i.change in _GONE or i.old_id is not None for i in (*d.rules, *d.items))


def summarize(changes: ChangeSet) -> DiffSummary:
    docs = changes.documents
    added = frozenset(r.id for d in docs for r in d.rules if r.change is ChangeKind.ADDED)
    adding = frozenset(d.id for d in docs if any(r.change is ChangeKind.ADDED for r in d.rules))
    return DiffSummary(rule_changes(changes), {d.id: d.path for d in docs}, all(_in_place(d) for d in docs),
                       added, adding)


def alone(old: DiffSummary, edited: Mapping[str, bytes]) -> bool:
    """Whether the policies at ``edited`` (path -> bytes now, each a policy in the earlier
    diff's tree too) may be diffed alone: the earlier diff compared every document alone,
    they added no rule then, and they hold no id of a rule added elsewhere (the whole diff
    would pair the two)."""
    return old.local and not {doc for doc, path in old.paths.items() if path in edited} & old.adding \
        and not any(rule.encode() in raw for raw in edited.values() for rule in old.added)


def after_edit(old: DiffSummary, edited: Mapping[str, bytes], limited: ChangeSet) -> DiffSummary | None:
    """The summary of the whole diff once the policies at ``edited`` changed, from ``old`` and
    the diff of those files alone; None when that is not certain (then diff the whole guidance)."""
    if not alone(old, edited):
        return None
    for d in limited.documents:
        if d.kind != "policy" or d.path not in edited or not _in_place(d) or \
                any(r.change is not ChangeKind.MODIFIED for r in d.rules):
            return None
    before = {doc for doc, path in old.paths.items() if path in edited}
    now = limited.documents
    docs = before | {d.id for d in now}
    changes = {k: v for k, v in old.changes.items() if k[0] not in docs}
    changes.update(rule_changes(limited))
    paths = {doc: path for doc, path in old.paths.items() if doc not in docs}
    paths.update((d.id, d.path) for d in now)
    return DiffSummary(changes, paths, True, old.added, old.adding)


def encode_summary(s: DiffSummary) -> list[Any]:
    return [[[doc, rule, c.impact.value, c.note, c.new_id] for (doc, rule), c in sorted(s.changes.items())],
            s.paths, s.local, sorted(s.added), sorted(s.adding)]


def decode_summary(row: Any) -> DiffSummary:
    """ValueError (or TypeError) for a row that is not one encode_summary wrote."""
    changes, paths, local, added, adding = row
    out = {(str(doc), str(rule)): RuleChange(Impact(impact), str(note), new_id)
           for doc, rule, impact, note, new_id in changes}
    return DiffSummary(out, dict(paths), bool(local), frozenset(_strs(added)), frozenset(_strs(adding)))


def _strs(values: Iterable[Any]) -> list[str]:
    out = [v for v in values if isinstance(v, str)]
    if len(out) != len(list(values)):
        raise ValueError("not a list of strings")
    return out
