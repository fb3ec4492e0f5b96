"""GK604 searches a translation only for the kinds of token its source has: what the
source lacks cannot be lost, so the search by kind must find exactly what the full
search finds of those kinds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidekit.check.rules.translations import _source_tokens, _tokens

_PIECES = ["ADS-FIN-2.a", "P00001-1.b", "12", "3.5", "1,000", "hxxps://a[.]b/c", "evil[.]com", "{content}",
           "%(name)s", "%s", "**", "__", "`", "](", "word", "\u0663\u0664", "\uff13", "hxxp://x.y", "e-mail",
           " ", ".", ",", ")", "(", "[", "]", "-", "\n"]
_KINDS = ("id", "link", "placeholder", "markup", "number")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30),
       st.sets(st.sampled_from(_KINDS)))
def test_tokens_of_some_kinds_are_the_full_tokens_of_those_kinds(pieces: list[str], kinds: set[str]) -> None:
    text = "".join(pieces)
    full = _tokens(text)
    assert _tokens(text, frozenset(kinds)) == {t: n for t, n in full.items() if t.partition(" ")[0] in kinds}
    assert _source_tokens.__wrapped__(text) == (full, frozenset(t.partition(" ")[0] for t in full))


def test_a_source_s_kinds_are_those_of_its_tokens() -> None:
    tokens, kinds = _source_tokens("Remove ADS-FIN-2.a content over 1,000 USD, see hxxps://x[.]y/z")
    assert kinds == {"id", "number", "link"}
    assert tokens["number 1000"] == 1
    assert _source_tokens("plain words only") == ({}, frozenset())
