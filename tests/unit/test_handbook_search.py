"""The search index: words, chunk encoding and decoding, chunk assignment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidekit.handbook.search import (
    chunk_count,
    chunk_path,
    decode_chunk,
    encode_chunk,
    fold,
    words,
)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["ADS-FIN-1.a Guaranteed returns"], "ads-fin-1.a ads fin 1 guaranteed returns"),
        (["it's 10x, a b 7"], "it's it 10x 7"),
        (["Same same SAME", None, ""], "same"),
        (["Promoção, NÃO anúncios"], "promocao nao anuncios"),
        (["Straße naïve İstanbul ﬁnal"], "strasse naive istanbul final"),
        (["高回报 投资a 资"], "高回 回报 报 投资 资"),
        (["snake_case"], "snake case"),
    ],
)
def test_words(texts: list[str | None], expected: str) -> None:
    assert words(texts) == expected


def test_fold_matches_either_spelling() -> None:
    assert fold("Promoção") == fold("PROMOCAO") == "promocao"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("稳赚不赔") == "稳赚不赔"


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.'", min_size=2, max_size=12)
_entry = st.tuples(st.text(min_size=1, max_size=20), st.text(max_size=20),
                   st.lists(_word, max_size=15, unique=True), st.text(max_size=40))


@given(st.dictionaries(st.from_regex(r"[A-Z]{1,4}\.html", fullmatch=True),
                       st.lists(_entry, min_size=1, max_size=6), max_size=8))
def test_chunks_round_trip(pages: dict[str, list[tuple[str, str, list[str], str]]]) -> None:
    data = {page: [[f"{page}#{i}" if i else page, title, what, " ".join(ws), text]
                   for i, (title, what, ws, text) in enumerate(entries)]
            for page, entries in pages.items()}
    back = decode_chunk(encode_chunk(data))

    def norm(d: dict[str, list[list[str]]]) -> object:
        return {p: [[h, t, w, " ".join(sorted(x.split())), s] for h, t, w, x, s in es]
                for p, es in d.items()}

    assert norm(back) == norm(data)


def test_hostile_titles_survive_as_data() -> None:
    raw = encode_chunk({"A.html": [["A.html", "</script><script>alert(1)</script>", "x", "w", "t"]]})
    assert decode_chunk(raw)["A.html"][0][1] == "</script><script>alert(1)</script>"
    assert decode_chunk(b"alert(1)") == {}


def test_chunks_grow_with_pages_and_stay_stable() -> None:
    assert chunk_count(1) == 1
    assert chunk_count(64) == 1
    assert chunk_count(65) == 2
    assert chunk_count(2000) == 32
    assert chunk_path("ADS-FIN.html", 32) == chunk_path("ADS-FIN.html", 32)
    assert {chunk_path(f"P{i}.html", 32) for i in range(2000)} == {
        f"assets/search/{n}.js" for n in range(32)}
