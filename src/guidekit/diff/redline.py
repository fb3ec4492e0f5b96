"""Word-level redlines and whitespace-blind comparison of prose.

Markdown markup is not wording: heading markers, list bullets, quote markers,
emphasis and code delimiters, escapes, table pipes and rule or underline lines
are tokens of their own, kept in the redline (it spells both texts) but never
counted as words, so that pairing, reflow and "what changed" look at the words a
reader reads. ``reader_runs`` turns a redline into what a reader sees: the
markup applied (bold, italic, code, links with their text) and gone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

__all__ = ["DELETE", "EQUAL", "INSERT", "SPACE_MARK", "Segment", "normalize", "overlap",
           "reader_runs", "reader_text", "same_words", "segments_html", "similarity", "space_marks", "word_bag",
           "word_key", "word_redline"]

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"
SPACE_MARK = "␣"  # a space a reader can see was added or removed ("supremacy.We" -> "supremacy. We")

# a word (letters, digits, inner apostrophes, hyphens and underscores), a link's target
# "](url)", or a run of one punctuation mark, with the whitespace after it; whitespace at
# the very start is a token of its own
_TOKEN = re.compile(
    r"^\s+|(?:[^\W_]+(?:['’\-_][^\W_]+)*|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|([^\w\s])\1*|_+)\s*", re.UNICODE)
# token kinds: words, inline markup (emphasis, code, escapes, link brackets), a link's
# target (markup a reader still cares about), line markup (bullets, heading markers,
# underlines, rules, table pipes)
_WORD, _MARKUP, _LINK, _LINE = 0, 1, 2, 3
_EMPHASIS = frozenset("*_~`")
_BULLETS = frozenset(("-", "*", "+", ">"))
# what any markup needs: one of these marks, or a line that starts with a bullet, a
# number and a dot, or a rule/underline character (texts without are words alone)
_MAYBE_MARKUP = re.compile(r"[*_~`\\|#\[\]=>+]|^[ \t]*(?:-|:|\d{1,9}[.)])", re.M)
_LINE_MARKUP = frozenset("-=*_|: \t")  # setext underlines, rules, table delimiter rows
# a wider net than _MAYBE_MARKUP, for a text made of runs: where it finds nothing, _kinds
# finds no markup in the text's tokens (any line break starts a line, any whitespace
# may indent it, and a number is any run of digits or of word characters beyond ASCII)
_ANY_MARKUP = re.compile(r"[*_~`\\|#\[\]=>+]|(?:\A|\n)\s*(?:[-:]|[^\W_a-zA-Z]+[.)])")


def normalize(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) to one space."""
    return " ".join(text.split())  # str.split() and re's \s agree on what whitespace is


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only in whitespace: a reflow or re-indent."""
    return old != new and normalize(old) == normalize(new)


# named tuple, measured hot: one per compared paragraph (2,500 in a 500-policy diff)
class _Tokens(NamedTuple):
    raw: tuple[str, ...]  # as written, with the whitespace after each
    words: tuple[str, ...]  # without the whitespace ("" for leading whitespace)
    kinds: tuple[int, ...]


def _kinds(raw: list[str], words: list[str]) -> list[int]:
    n = len(words)
    kinds = [_WORD] * n
    has_link = any(w.startswith("](") for w in words)
    line_start = True
    table_row = False
    i = 0

    def space_after(i: int) -> str:
        """The whitespace after token i (a run may hand it to the next token)."""
        return raw[i][len(words[i]):] + (raw[i + 1] if i + 1 < n and not words[i + 1] else "")

    while i < n:
        w = words[i]
        if not w:
            kinds[i] = _LINE  # leading whitespace
            i += 1
            continue
        if line_start:
            table_row = w == "|"  # pipes are cell borders only on a line that starts with one
            # a line of only underline, rule or table-delimiter characters
            j = i
            while j < n and set(words[j]) <= _LINE_MARKUP:
                if "\n" in space_after(j) or j == n - 1:
                    break
                j += 1
            if j < n and set(words[j]) <= _LINE_MARKUP and ("\n" in space_after(j) or j == n - 1) and (
                    j > i or len(w) >= 3 or set(w) <= {"|"}):
                for k in range(i, j + 1):
                    kinds[k] = _LINE
                line_start = True
                i = j + 1
                continue
            ws = space_after(i)
            if ((w in _BULLETS or (w[0] == "#" and len(w) <= 6 and set(w) == {"#"})) and (ws or i == n - 1)):
                kinds[i] = _LINE
            elif w.isdigit() and len(w) <= 9 and i + 1 < n and words[i + 1] in (".", ")") and (
                    raw[i] == w and space_after(i + 1)):
                kinds[i] = kinds[i + 1] = _LINE
                i += 1
        if kinds[i] == _WORD:
            if w.startswith("]("):
                kinds[i] = _LINK
            elif w[0] == "\\" and len(w) == 1 and i + 1 < n and raw[i] == w:
                kinds[i] = _MARKUP  # an escape: the next token is literal
                line_start = False
                i += 2
                continue
            elif (w == "|" and table_row) or (set(w) == {"#"} and ("\n" in space_after(i) or i == n - 1)):
                kinds[i] = _LINE
            elif (w[0] in _EMPHASIS and set(w) == {w[0]}) or (
                    w in ("[", "![") and has_link) or (w == "!" and i + 1 < n and words[i + 1] == "[" and has_link):
                kinds[i] = _MARKUP
        line_start = "\n" in space_after(i)
        i += 1
    return kinds


@lru_cache(maxsize=512)
def _tokens(text: str) -> _Tokens:
    """The tokens of a text, each without its trailing whitespace (the word compared),
    and each token's kind. Cached: a changed paragraph is read for pairing (its word
    bag) and then for its redline."""
    raw = [m.group(0) for m in _TOKEN.finditer(text)]
    words = [t.rstrip() for t in raw]
    if _MAYBE_MARKUP.search(text) is None:  # plain prose (most text): every token a word
        return _Tokens(tuple(raw), tuple(words), tuple([_WORD if w else _LINE for w in words]))
    return _Tokens(tuple(raw), tuple(words), tuple(_kinds(raw, words)))


def word_key(text: str) -> str:
    """The words of a text (link targets included, markup and whitespace not): two
    blocks with one key read the same."""
    t = _tokens(text)
    return " ".join([w for w, k in zip(t.words, t.kinds, strict=True) if k in (_WORD, _LINK)])


def word_bag(text: str) -> Counter[str]:
    """The words of a text (no markup, no punctuation), counted."""
    t = _tokens(text)
    return Counter([w for w, k in zip(t.words, t.kinds, strict=True) if k == _WORD and w[:1].isalnum()])


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
    words; the space after a changed word goes to the unchanged text. The words
    are aligned first, markup (bullets, emphasis) after, within the words that
    stayed, so that markup never decides which words pair.
    """
    ta, tb = _tokens(old), _tokens(new)
    a, b = ta.raw, tb.raw
    runs: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if text:
            if runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + text)
            else:
                runs.append((op, text))

    def replace(i1: int, i2: int, j1: int, j2: int) -> None:
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        tail = came[len(came.rstrip()):] if came else gone[len(gone.rstrip()):]
        emit(DELETE, gone.rstrip() if came or not tail else gone[: len(gone) - len(tail)])
        emit(INSERT, came.rstrip())
        emit(EQUAL, tail)

    def tokens(i1: int, i2: int, j1: int, j2: int) -> None:
        if ta.words[i1:i2] == tb.words[j1:j2]:
            emit(EQUAL, "".join(b[j1:j2]))
            return
        if i2 - i1 + j2 - j1 < 2 or all(k in (_MARKUP, _LINE) for k in ta.kinds[i1:i2]):
            replace(i1, i2, j1, j2)  # markup alone, or nothing on one side
            return
        matcher = SequenceMatcher(None, ta.words[i1:i2], tb.words[j1:j2], autojunk=False)
        for tag, p1, p2, q1, q2 in matcher.get_opcodes():
            if tag == "equal":
                emit(EQUAL, "".join(b[j1 + q1:j1 + q2]))
            else:
                replace(i1 + p1, i1 + p2, j1 + q1, j1 + q2)

    wa = [i for i, k in enumerate(ta.kinds) if k in (_WORD, _LINK)]
    wb = [j for j, k in enumerate(tb.kinds) if k in (_WORD, _LINK)]
    if len(wa) == len(ta.raw) and len(wb) == len(tb.raw):  # plain prose: one pass
        tokens(0, len(a), 0, len(b))
        return runs

    def at(idx: list[int], k: int, end: int) -> int:
        return idx[k] if k < len(idx) else end

    words_a, words_b = [ta.words[i] for i in wa], [tb.words[j] for j in wb]
    # markup before the first word
    tokens(0, at(wa, 0, len(a)), 0, at(wb, 0, len(b)))
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # a word owns the markup after it, up to the next word
        r = (at(wa, i1, len(a)), at(wa, i2, len(a)), at(wb, j1, len(b)), at(wb, j2, len(b)))
        if tag != "equal":
            # the words, then the markup after the last of them, alike or not
            end_a = wa[i2 - 1] + 1 if i2 > i1 else r[0]
            end_b = wb[j2 - 1] + 1 if j2 > j1 else r[2]
            replace(r[0], end_a, r[2], end_b)
            tokens(end_a, r[1], end_b, r[3])
            continue
        for k in range(i2 - i1):  # each word, then the markup after it, alike or not
            p, q = wa[i1 + k], wb[j1 + k]
            emit(EQUAL, b[q])
            tokens(p + 1, at(wa, i1 + k + 1, len(a)), q + 1, at(wb, j1 + k + 1, len(b)))
    return runs


def space_marks(old: str, new: str) -> list[tuple[str, str]]:
    """For two texts with the same tokens: the redline of the spaces a reader sees come or
    go inside a line ("supremacy.We" -> "supremacy. We"), as one-space insert and delete
    runs between equal runs; [] when only line breaks or indentation changed."""
    a, b = _tokens(old), _tokens(new)
    if a.words != b.words:
        return []
    runs: list[tuple[str, str]] = []
    start = 0
    out = new
    pos = 0
    for ra, rb in zip(a.raw, b.raw, strict=True):
        pos += len(rb)
        gap_a, gap_b = ra[len(ra.rstrip()):], rb[len(rb.rstrip()):]
        if bool(gap_a) == bool(gap_b) or pos == len(out):
            continue
        cut = pos - len(gap_b)
        runs.append((EQUAL, out[start:cut]))
        runs.append((INSERT, " ") if gap_b else (DELETE, " "))
        start = pos
    if not runs:
        return []
    if start < len(out):
        runs.append((EQUAL, out[start:]))
    return [r for r in runs if r[1]]


# named tuple, measured hot: one per run of a redline (34,000 in a 500-policy diff)
class Segment(NamedTuple):
    """A stretch of a redline as a reader sees it: the op, the text (markup gone, a
    visible space mark for a space that came or went) and how it is shown."""

    op: str
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None  # the target of the link the text is in


class _Style:
    __slots__ = ("bold", "code", "italic", "link", "pending")

    def __init__(self) -> None:
        self.bold = self.italic = self.code = False
        self.link: str | None = None
        self.pending = False  # inside [...] waiting for its ](target)

    def apply(self, word: str) -> None:
        c = word[0]
        if c == "`":
            self.code = not self.code
        elif c in "*_":
            if len(word) >= 2:
                self.bold = not self.bold
            if len(word) % 2:
                self.italic = not self.italic
        elif word.endswith("["):
            self.pending = True


def reader_runs(runs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[Segment]:
    """The redline as a reader sees it: markup tokens gone and applied to the words around
    them (each side keeps its own emphasis), link text tied to its target, whitespace one
    space, a space that came or went shown as SPACE_MARK. Adjacent segments alike merge."""
    if not any(_ANY_MARKUP.search(_side_text(runs, side)) for side in (DELETE, INSERT)):
        return _plain_reader_runs(runs)  # most prose: the same answer, ~10x sooner
    return _marked_reader_runs(runs)


def _marked_reader_runs(runs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[Segment]:
    """reader_runs token by token, markup classified and applied."""
    old, new = _Style(), _Style()
    out: list[Segment] = []

    def emit(op: str, text: str, st: _Style) -> None:
        # text inside [...] waits for its target: "" until the "](target)" comes
        seg = Segment(op, text, st.bold, st.italic, st.code, "" if st.pending else None)
        _add(out, seg)

    # each side's tokens classified in their own stream (a line's bullet, a link's "["
    # and its target may sit in different runs)
    ops: list[str] = []
    raw: list[str] = []
    for op, text in runs:
        if op != EQUAL and text and text.isspace():
            ops.append(op + " ")
            raw.append(text)
            continue
        t = _tokens(text)
        ops += [op] * len(t.raw)
        raw += t.raw
    words = [r.rstrip() for r in raw]
    kinds = [_WORD] * len(raw)
    for side in (DELETE, INSERT):
        at = [i for i, op in enumerate(ops) if op in (EQUAL, side)]
        for i, kind in zip(at, _kinds([raw[i] for i in at], [words[i] for i in at]), strict=True):
            if ops[i] == side or side == INSERT:
                kinds[i] = kind
    for op, r, w, k in zip(ops, raw, words, kinds, strict=True):
        if op[-1] == " ":  # a space that came or went inside a line
            op = op[:-1]
            emit(op, SPACE_MARK, new if op == INSERT else old)
            continue
        if True:
            space = " " if r != w else ""
            sides = (old, new) if op == EQUAL else (old,) if op == DELETE else (new,)
            if k in (_MARKUP, _LINE):
                if w and k == _MARKUP:
                    for st in sides:
                        st.apply(w)
                if space and out and not out[-1].text.endswith(" "):
                    out[-1] = out[-1]._replace(text=out[-1].text + " ")
                continue
            if k == _LINK:
                target = w[2:-1].split()[0] if len(w) > 3 else ""
                text_kept = bool(out) and out[-1].link == "" and out[-1].op == EQUAL
                _tie_link(out, target)
                for st in sides:
                    st.pending = False
                if op != EQUAL and text_kept:  # a new target for the same text: a reader must see it
                    emit(op, f"({target})", sides[-1])
                if space:
                    emit(op if op != EQUAL else EQUAL, " ", sides[-1])
                continue
            emit(op, w + space, sides[-1])
    # text that waited for a target that never came is plain text
    return [s._replace(link=None) if s.link == "" else s for s in out]


def _add(out: list[Segment], seg: Segment) -> None:
    """``seg`` after the segments so far: merged into the last when they are alike."""
    if out and EQUAL in (seg.op, out[-1].op) and out[-1].op != seg.op and out[-1].text[-1:].isalnum() \
            and seg.text[:1].isalnum():
        out[-1] = out[-1]._replace(text=out[-1].text + " ")  # the space one side had
    if out and out[-1][0] == seg.op and out[-1][2:] == seg[2:]:
        out[-1] = out[-1]._replace(text=out[-1].text + seg.text)
    else:
        out.append(seg)


def _side_text(runs: Iterable[tuple[str, str]], side: str) -> str:
    """One side's text as reader_runs classifies its tokens: the equal runs and that
    side's, less the runs that only add or remove spaces."""
    return "".join(text for op, text in runs
                   if op == EQUAL or (op == side and not (text and text.isspace())))


def _plain_reader_runs(runs: Iterable[tuple[str, str]]) -> list[Segment]:
    """reader_runs of a redline without markup: each run's words, whitespace one space;
    a whole run at a time (the tokens of such a text are all words)."""
    out: list[Segment] = []
    for op, text in runs:
        if op != EQUAL and text and text.isspace():
            _add(out, Segment(op, SPACE_MARK))
            continue
        if text[:1].isspace() and out and not out[-1].text.endswith(" "):
            out[-1] = out[-1]._replace(text=out[-1].text + " ")
        words = text.split()
        if words:
            _add(out, Segment(op, " ".join(words) + (" " if text[-1].isspace() else "")))
    return out


def _tie_link(out: list[Segment], target: str) -> None:
    for k in range(len(out) - 1, -1, -1):
        if out[k].link != "":
            break
        out[k] = out[k]._replace(link=target)


def reader_text(text: str) -> str:
    """A block as a reader reads it, on one line: markup gone, link targets dropped."""
    return "".join(s.text for s in reader_runs(((EQUAL, text),))).strip()


_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _href(target: str) -> str | None:
    """A link target fit for a reader's click: web and mail links, or relative ones."""
    low = target.strip().lower()
    if low.startswith(_SAFE_SCHEMES) or (low and ":" not in low.split("/", 1)[0]):
        return target.strip()
    return None


def segments_html(segments: Iterable[Segment], esc: Callable[[str], str]) -> list[str]:
    """Each segment of a reader's redline as HTML that closes every tag it opens (so a
    cut between two segments never leaves one open): <del>/<ins> around <a>, <b>,
    <i> and <code>, in that order. ``esc`` escapes text for the output format."""
    from html import escape

    out = []
    for seg in segments:
        text = seg.text.rstrip(" ")
        t = esc(text)  # the space after the text stays outside its tags
        if seg.code:
            t = f"<code>{t}</code>"
        if seg.italic:
            t = f"<i>{t}</i>"
        if seg.bold:
            t = f"<b>{t}</b>"
        href = _href(seg.link) if seg.link else None
        if href:
            t = f'<a href="{escape(href, quote=True)}">{t}</a>'
        if seg.op != "equal":
            tag = "del" if seg.op == "delete" else "ins"
            t = f"<{tag}>{t}</{tag}>"
        out.append(t + " " * (len(seg.text) - len(text)) if text else seg.text)
    return out
