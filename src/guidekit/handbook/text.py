"""Guidance prose -> safe HTML.

Guidance files are written by many hands and quote hostile material (scam
links, phishing pages, injected markup), so the renderer trusts none of it:
raw HTML is escaped, only http(s), mailto and in-site links survive, and images
are never fetched (their alt text is shown instead). URLs quoted inside
examples are defanged by guidekit.defang.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import escape

from guidekit.loading.markdown import sections

__all__ = ["Section", "render_markdown", "split_sections"]

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


class _SafeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's name
        # control characters and whitespace can hide a scheme from naive checks
        cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url)
        if _ANY_SCHEME.match(cleaned):
            return bool(_SAFE_SCHEME.match(cleaned))
        return True  # relative link or #anchor inside the handbook


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    # an image would be a request to a host we do not control: show its alt text instead
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return f'<span class="img-alt">[image: {escape(alt)}]</span>'


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
               env: EnvType) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _ANY_SCHEME.match(href):
        token.attrSet("rel", "noopener noreferrer nofollow")
    return self.renderToken(tokens, idx, options, env)


def _make() -> MarkdownIt:
    md = _SafeMarkdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _make()


def render_markdown(text: str) -> str:
    """HTML for a Markdown fragment; headings shift down one level (the page owns h1)."""
    tokens = _MD.parse(text)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            level = min(int(tok.tag[1]) + 1, 6)
            tok.tag = f"h{level}"
    return str(_MD.renderer.render(tokens, _MD.options, {}))


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # "" for the text before the first second-level heading
    markdown: str
    id: str = ""  # the heading's anchor (the one reader's id, unique within the body)

    @property
    def key(self) -> str:
        return self.heading.strip().lower()


def split_sections(body: str) -> list[Section]:
    """The body cut at its level-one and level-two headings (as the one reader finds them),
    heading text kept apart."""
    return [Section(s.heading.title, s.text, s.heading.id) if s.heading else Section("", s.text)
            for s in sections(body, 2)]
