"""Word-level redlines and whitespace-blind comparison of prose."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

__all__ = ["DELETE", "EQUAL", "INSERT", "normalize", "same_words", "similarity", "word_redline"]

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# words (letters, digits, inner apostrophes and hyphens), single punctuation, runs of space
_TOKEN = re.compile(r"\s+|\w+(?:['’\-]\w+)*|[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) to one space."""
    return _SPACE.sub(" ", text).strip()


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only in whitespace: a reflow or re-indent."""
    return old != new and normalize(old) == normalize(new)


def similarity(old: str, new: str) -> float:
    """0..1, how much of the wording two texts share (whitespace ignored)."""
    a, b = _words(old), _words(new)
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _words(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.isspace()]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_redline(old: str, new: str) -> list[tuple[str, str]]:
    """Runs of ("equal" | "insert" | "delete", text) that turn ``old`` into ``new``.

    Words are compared, not whitespace: a reflowed paragraph is one "equal" run
    (spelled as in ``new``), and the runs never split a word. Whitespace between
    two changed words joins the change so that the redline reads naturally.
    """
    a, b = _tokens(old), _tokens(new)
    key_a = [" " if t.isspace() else t for t in a]
    key_b = [" " if t.isspace() else t for t in b]
    # (old text, new text, equal?) per opcode; whitespace alone between two
    # changes joins them so that "delete a b / insert x y" reads as one change
    parts: list[tuple[str, str, bool]] = []
    matcher = SequenceMatcher(None, key_a, key_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        parts.append(("".join(a[i1:i2]), "".join(b[j1:j2]), tag == "equal"))
    merged: list[tuple[str, str, bool]] = []
    for k, part in enumerate(parts):
        # adjacent equal opcodes never occur, so a space between k-1 and k+1 sits
        # between two changes
        lone_space = part[2] and part[1].isspace() and 0 < k < len(parts) - 1
        if lone_space or (merged and not merged[-1][2] and not part[2]):
            prev = merged.pop()
            merged.append((prev[0] + part[0], prev[1] + part[1], False))
        else:
            merged.append(part)
    runs: list[tuple[str, str]] = []
    for old_text, new_text, equal in merged:
        if equal:
            runs.append((EQUAL, new_text))
            continue
        if old_text:
            runs.append((DELETE, old_text))
        if new_text:
            runs.append((INSERT, new_text))
    return runs
