"""Keep comments with the key they describe when keys are reordered.

ruamel.yaml attaches a comment line to the node *before* it: the comment
above ``rules:`` belongs, for ruamel, to the end of the previous key's value.
People mean the opposite. So before a mapping is reordered, full-line
comments (and blank lines) are detached from the end of each key's value and
re-attached in front of the key that followed them; what trails the last
key stays at the end of the mapping. Nothing is ever dropped.
"""

from __future__ import annotations

import itertools
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

__all__ = ["reorder"]

Slot = tuple[dict[Any, Any], Any, int]


def _block(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and \
        not node.fa.flow_style()


def _tail(owner: CommentedMap | CommentedSeq, key: Any) -> Slot:
    """The comment slot holding what follows the value of ``owner[key]``."""
    value = owner[key]
    if _block(value):
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail(value, last)
    return owner.ca.items, key, 2 if isinstance(owner, CommentedMap) else 0


def _get(slot: Slot) -> CommentToken | None:
    items, key, index = slot
    entry = items.get(key)
    if not entry or len(entry) <= index:
        return None
    token = entry[index]
    return token if isinstance(token, CommentToken) else None


def _set(slot: Slot, token: CommentToken | None) -> None:
    items, key, index = slot
    entry = items.setdefault(key, [None, None, None, None])
    while len(entry) <= index:
        entry.append(None)
    entry[index] = token


def _detach(slot: Slot) -> str:
    """Remove and return the full lines after the end-of-line part of the slot's comment."""
    token = _get(slot)
    if token is None:
        return ""
    cut = token.value.find("\n") + 1
    if cut <= 0:
        return ""
    eol, lines = token.value[:cut], token.value[cut:]
    if eol.strip():
        token.value = eol
    else:
        _set(slot, None)
    return lines


def _attach(slot: Slot, lines: str) -> None:
    if not lines:
        return
    token = _get(slot)
    if token is not None:
        token.value += lines
    else:
        _set(slot, CommentToken("\n" + lines, CommentMark(0), None))


def _header(mapping: CommentedMap, lines: str) -> None:
    """Comment lines in front of a top-level mapping's first key."""
    comment = mapping.ca.comment
    if comment is None:
        mapping.ca.comment = comment = [None, []]
    if comment[1] is None:
        comment[1] = []
    comment[1].append(CommentToken(lines, CommentMark(0), None))


def reorder(mapping: CommentedMap, order: list[Any], *, top: bool = False) -> None:
    """Put the keys of ``mapping`` in ``order`` (every key exactly once), comments following.

    A comment above a key that becomes the first one moves to the top of the
    document for the top-level mapping; elsewhere it stays after the key it
    followed (a nested mapping has no place of its own before its first key).
    """
    keys = list(mapping)
    if keys == order:
        return
    leads = {k: _detach(_tail(mapping, prev)) for prev, k in itertools.pairwise(keys)}
    end = _detach(_tail(mapping, keys[-1]))
    first = order[0]
    if leads.get(first):
        if top:
            _header(mapping, leads.pop(first))
        else:
            prev = keys[keys.index(first) - 1]
            _attach(_tail(mapping, prev), leads.pop(first))
    for k in order:
        mapping.move_to_end(k)
    for prev, k in itertools.pairwise(order):
        _attach(_tail(mapping, prev), leads.get(k, ""))
    _attach(_tail(mapping, order[-1]), end)
