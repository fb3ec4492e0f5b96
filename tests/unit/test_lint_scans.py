"""The one-scan paths of the text lint rules find exactly what the per-term and per-text scans
found: GK320's one alternation of every term, GK331's one scan for what every link holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidekit.check.rules.wording import _DEFAULT_TERMS, _matches, _pattern
from guidekit.defang import live_links, may_hold_links

_WORDS = ["generally", "Usually", "as", "appropriate", "As  Appropriate", "etc.", "etc", "and/or",
          "or", "may", "May", "MAY 2026", "may-be", "maybe", "only", "x", "-", ".", ",", "\n", " ",
          "  ", "(", ")", "é", "_", "2026", "in principle", "principle"]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=40).map("".join)


def _per_term(terms: tuple[str, ...], text: str) -> dict[str, list[tuple[int, int]]]:
    found = {t: [m.span() for m in _pattern(t).finditer(text)] for t in terms}
    return {t: spans for t, spans in found.items() if spans}


def _spans(found: dict[str, list[object]]) -> dict[str, list[tuple[int, int]]]:
    return {t: [m.span() for m in ms] for t, ms in found.items()}  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_one_alternation_finds_what_each_term_found(text: str) -> None:
    terms = tuple(_DEFAULT_TERMS)
    assert _spans(_matches(terms, text)) == _per_term(terms, text)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.lists(st.sampled_from(["in principle", "principle", "or", "as a rule", "(tbd)", "May"]),
                       unique=True, max_size=3))
def test_terms_that_can_overlap_are_scanned_one_by_one(text: str, extra: list[str]) -> None:
    terms = (*_DEFAULT_TERMS, *extra)
    assert _spans(_matches(terms, text)) == _per_term(terms, text)  # type: ignore[arg-type]


_LINKISH = ["http", "https", "hxxps", "ftp", "://", "[://]", "[:]//", ":", "/", "[.]", ".", "[", "]",
            "example", "com", "bet", "bit", "ly", "win", "@", "x", "_", "-", " ", "\n", "é", "2", "e.g."]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LINKISH), max_size=30).map("".join))
def test_a_text_ruled_out_in_one_scan_holds_no_link(text: str) -> None:
    if not may_hold_links(text):
        assert live_links(text) == []
    assert may_hold_links(text + "\n" + text) == may_hold_links(text)
