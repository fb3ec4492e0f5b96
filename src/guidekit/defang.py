"""Links in quoted content made unclickable: the one defang of guidekit.

Examples quote scam links, phishing pages and spam domains. Wherever guidance
text is shown or exported (the HTML and Markdown handbooks, classifier prompts
and evaluation sets) and in the fix GK331 suggests, a URL, a bare domain or an
e-mail address becomes ``hxxps://quick-wealth[.]example/claim``,
``bit[.]ly/x``, ``win@prize[.]bet``: readable, but no browser, chat client or
wiki links it.

- A bare domain counts when its last label is a top-level domain of the Public
  Suffix List (the ``publicsuffixlist`` package, updated with each of its
  releases), IDNs and punycode included, or a name reserved for examples
  (``.example``, ``.test``, ``.invalid``, ``.localhost``); ``e.g.`` or ``v1.2``
  are left alone.
- Defanging is idempotent: text already written as GK331 asks
  (``hxxps://quick-wealth[.]example``), or in the ``hxxps[://]a[.]b`` form,
  comes out as it went in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["LiveLink", "defang", "live_links", "may_hold_links"]

_SPECIAL_USE = frozenset({"example", "test", "invalid", "localhost", "onion"})  # RFC 2606, 7686
_DOT = r"(?:\.|\[\.\])"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# a URL with a scheme (plain or already defanged), or a host name with a dot in it
_CANDIDATE = re.compile(
    rf"(?P<scheme>\b(?:h[tx]{{2}}ps?|f[tx]p)(?:://|\[://\]|\[:\]//))(?P<rest>(?:[^\s<>\"'()\[\]]|\[\.\])+)"
    rf"|(?<![\w.@\-])(?P<local>[\w.+\-]+@)?(?P<host>(?:{_LABEL}{_DOT})+{_LABEL})"
    r"(?P<path>[/?#][^\s<>\"'()]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?"
# what every candidate above contains (a scheme's ":/" or "[:", or a label character, a dot
# and a label character): a text without it has no link, found with one cheap scan instead
# of _CANDIDATE's try at every position (most example texts have none)
# (written dot first: a pattern that starts with a literal is searched for it, ~8x faster)
_MAYBE = re.compile(r"\.(?<=\w\.)(?=\w)|\[\.\](?<=\w\[\.\])(?=\w)|:/|\[:")


@dataclass(frozen=True, slots=True)
class LiveLink:
    start: int
    end: int
    text: str  # the link as written
    defanged: str


@lru_cache(maxsize=1)
def _suffixes() -> object:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False, only_icann=True)


@lru_cache(maxsize=4096)
def _is_tld(label: str) -> bool:
    from publicsuffixlist import PublicSuffixList

    label = label.lower()
    if label in _SPECIAL_USE:
        return True
    if label.isdigit() or len(label) < 2:
        return False
    psl = _suffixes()
    assert isinstance(psl, PublicSuffixList)
    return psl.publicsuffix(f"x.{label}") is not None


def _fang_host(host: str) -> str:
    return host.replace("[.]", ".")


def _defang_host(host: str) -> str:
    return _fang_host(host).replace(".", "[.]")


def _scheme(scheme: str) -> str:
    head = scheme.rstrip(":/[]")
    sep = scheme[len(head):]
    low = head.lower()
    if low.startswith("ht"):
        head = head[0] + ("xx" if head[1].islower() else "XX") + head[3:]
    elif low.startswith("ft"):
        head = head[0] + ("x" if head[1].islower() else "X") + head[2:]
    return head + sep


def _one(m: re.Match[str]) -> tuple[int, str, str] | None:
    """(end, text, defanged) for a candidate that is a link, else None."""
    text = m.group(0)
    stripped = text.rstrip(_TRAILING)
    if m.group("scheme"):
        rest = stripped[len(m.group("scheme")):]
        cut = min((p for p in (rest.find("/"), rest.find("?"), rest.find("#")) if p >= 0),
                  default=len(rest))
        out = _scheme(m.group("scheme")) + _defang_host(rest[:cut]) + rest[cut:]
        return m.start() + len(stripped), stripped, out
    host = m.group("host")
    if not _is_tld(_fang_host(host).rsplit(".", 1)[-1]):
        return None
    local = m.group("local") or ""
    out = local + _defang_host(host) + stripped[len(local) + len(host):]
    return m.start() + len(stripped), stripped, out


def may_hold_links(text: str) -> bool:
    """False when ``text`` surely holds no link (``live_links`` finds none): one cheap scan,
    which texts joined with newlines can share (no link spans a line break)."""
    return _MAYBE.search(text) is not None


def live_links(text: str) -> list[LiveLink]:
    """The URLs, domains and e-mail addresses in ``text`` that are not defanged yet."""
    found: list[LiveLink] = []
    if not _MAYBE.search(text):
        return found
    for m in _CANDIDATE.finditer(text):
        one = _one(m)
        if one is not None and one[1] != one[2]:
            found.append(LiveLink(m.start(), one[0], one[1], one[2]))
    return found


def defang(text: str) -> str:
    """``text`` with every link made unclickable (see the module's documentation)."""
    if "." not in text:
        return text
    out: list[str] = []
    last = 0
    for link in live_links(text):
        out += [text[last:link.start], link.defanged]
        last = link.end
    out.append(text[last:])
    return "".join(out)
