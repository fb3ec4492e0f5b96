"""Word-level redlines and whitespace-blind comparison of prose."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

__all__ = ["DELETE", "EQUAL", "INSERT", "normalize", "overlap", "same_words", "similarity", "word_bag",
           "word_redline"]

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# a word (letters, digits, inner apostrophes and hyphens) or one punctuation mark,
# with the whitespace after it; whitespace at the very start is a token of its own
_TOKEN = re.compile(r"^\s+|(?:\w+(?:['’\-]\w+)*|[^\w\s])\s*", re.UNICODE)


def normalize(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) to one space."""
    return " ".join(text.split())  # str.split() and re's \s agree on what whitespace is


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only in whitespace: a reflow or re-indent."""
    return old != new and normalize(old) == normalize(new)


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tokens of a text, and each without its trailing whitespace (the word compared;
    "" for leading whitespace). Cached: a changed paragraph is read for pairing (its word
    bag) and then for its redline."""
    tokens = _TOKEN.findall(text)
    return tuple(tokens), tuple([t.rstrip() for t in tokens])


def word_bag(text: str) -> Counter[str]:
    return Counter([word for word in _tokens(text)[1] if word])


def overlap(a: Counter[str], b: Counter[str]) -> float:
    """0..1, the share of words two bags have in common (order ignored: enough to
    tell an edited paragraph from a different one, and cheap)."""
    total = a.total() + b.total()
    return 1.0 if not total else 2 * (a & b).total() / total


def similarity(old: str, new: str) -> float:
    """0..1, how much of the wording two texts share (whitespace and order ignored)."""
    return overlap(word_bag(old), word_bag(new))


def word_redline(old: str, new: str) -> list[tuple[str, str]]:
    """Runs of ("equal" | "insert" | "delete", text) that turn ``old`` into ``new``.

    Words are compared, not whitespace: a reflowed paragraph is one "equal" run
    (spelled as in ``new``), and the runs never split a word. Changes are whole
    words; the space after a changed word goes to the unchanged text.
    """
    (a, words_a), (b, words_b) = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    runs: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if text:
            if runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + text)
            else:
                runs.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit(EQUAL, "".join(b[j1:j2]))
            continue
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        tail = came[len(came.rstrip()):] if came else gone[len(gone.rstrip()):]
        emit(DELETE, gone.rstrip() if came or not tail else gone[: len(gone) - len(tail)])
        emit(INSERT, came.rstrip())
        emit(EQUAL, tail)
    return runs
