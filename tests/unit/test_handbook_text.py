"""Guidance prose -> safe HTML (defanging: tests/cli/test_defang.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guidekit.handbook.text import render_markdown, split_sections

# (markdown, must not appear in the HTML, must appear)
HOSTILE = [
    ("<script>alert(1)</script>", "<script", "&lt;script&gt;"),
    ('<img src=x onerror="alert(1)">', "<img", "&lt;img src=x onerror="),
    ("[click](javascript:alert(1))", 'href="javascript', "[click](javascript:alert(1))"),
    ("[click](JaVaScRiPt:alert(1))", "href=", "[click]"),
    ("[click](vbscript:msgbox(1))", "href=", "[click]"),
    ("[click](data:text/html,<b>x</b>)", "href=", "[click]"),
    ("[x](java\tscript:alert(1))", "href=", "[x]"),
    ("[x](&#106;avascript:alert(1))", "href=", "[x]"),
    ("![pic](https://tracker.example/p.png)", "<img", "[image: pic]"),
    ("![pic](data:image/png;base64,AAAA)", "<img", "![pic](data:image/png"),
    ('<a href="https://x.example" onclick="alert(1)">x</a>', "<a ", "&lt;a href="),
    ("<svg onload=alert(1)>", "<svg", "&lt;svg onload"),
    ("<!-- comment --><iframe src=x>", "<iframe", "&lt;iframe"),
]


@pytest.mark.parametrize(("source", "forbidden", "expected"), HOSTILE)
def test_hostile_markdown_is_inert(source: str, forbidden: str, expected: str) -> None:
    html = render_markdown(source)
    assert forbidden not in html
    assert expected in html


def test_safe_links_survive_with_rel() -> None:
    html = render_markdown("[policy](https://help.example/p) [mail](mailto:a@b.example) [here](#ADS-FIN-1.a)")
    assert '<a href="https://help.example/p" rel="noopener noreferrer nofollow">policy</a>' in html
    assert 'href="mailto:a@b.example"' in html
    assert '<a href="#ADS-FIN-1.a">here</a>' in html


def test_headings_shift_below_the_page_title() -> None:
    assert render_markdown("# Top\n## Sub").startswith('<h2 id="top">Top</h2>\n<h3 id="sub">Sub</h3>')


def test_tables_render() -> None:
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


@given(st.text())
def test_rendered_markdown_never_contains_raw_tags(text: str) -> None:
    html = render_markdown(text)
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html):
        assert tag.lower() in {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong",
                               "code", "pre", "blockquote", "a", "hr", "br", "span", "table",
                               "thead", "tbody", "tr", "th", "td"}
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html).lower()


def test_sections_split_at_level_two_outside_code() -> None:
    body = "intro\n## Rationale\nwhy\n```\n## not a heading\n```\n## Definitions\n- a"
    got = [(s.heading, s.markdown) for s in split_sections(body)]
    assert got == [("", "intro"), ("Rationale", "why\n```\n## not a heading\n```"),
                   ("Definitions", "- a")]


def test_a_translated_heading_keeps_the_source_anchor_and_its_links_are_rewritten_once() -> None:
    from guidekit.handbook.text import Links

    resolved: list[str] = []

    def resolve(href: str) -> str:
        resolved.append(href)
        return "ADS-GAMB.html#definitions" if href.startswith("gambling.md") else href

    links = Links(resolve, lambda rule: None)
    body = "### Definitions\n\nSee [the rule](gambling.md#definitions).\n\n### Escalation\n\nAsk.\n"
    html = render_markdown(body, ("definitions", "escalation"), links,
                           {"definitions": "Definições de [jogo](gambling.md#definitions) <b>"})
    assert ('<h4 id="definitions">Definições de <a href="ADS-GAMB.html#definitions">jogo</a> &lt;b&gt;</h4>'
            in html)
    assert '<h4 id="escalation">Escalation</h4>' in html  # no translation: the source's words
    assert resolved == ["gambling.md#definitions", "gambling.md#definitions"]  # once per link
