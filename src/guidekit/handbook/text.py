"""Guidance prose -> safe HTML.

Guidance files are written by many hands and quote hostile material (scam
links, phishing pages, injected markup), so the renderer trusts none of it:
raw HTML is escaped, only http(s), mailto and in-site links survive, and images
are never fetched (their alt text is shown instead). URLs quoted inside
examples are defanged by guidekit.defang.

Headings get the ids the one Markdown reader gives them (the anchors ``check``
approves links against); headings it does not count (inside list items or
quotes) get theirs from ``mdit_py_plugins.anchors`` with the same slugs.
Relative links to guidance files and ``#anchor`` links go through the
handbook's ``Links``: to the page and id they became, or, for a document the
handbook leaves out, to plain text with a note. Rule ids in prose become links
to their rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import escape
from mdit_py_plugins.anchors import anchors_plugin

from guidekit.loading.markdown import sections, slugify

__all__ = ["Links", "Section", "render_markdown", "split_sections"]

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


@dataclass(frozen=True, slots=True)
class Links:
    """Where a page's internal links go, from the handbook that holds it."""

    resolve: Callable[[str], str | None]  # a relative href -> its href here; None: left out
    rule_href: Callable[[str], str | None]  # a rule id -> its href here; None: not here
    left_out: str = "not in this handbook"  # the note after a link to a left-out document


_RULE_ID = re.compile(r"(?<![\w.\-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?:\.[A-Za-z0-9]+)?(?![\w-])")


def _heading_ids(state: StateCore) -> None:
    # the reader's ids, in order, for the headings it counts (the top-level ones); a
    # translated handbook shows its own title under the source's id (links keep working)
    ids = iter(state.env.get("heading_ids") or ())
    titles = state.env.get("heading_titles") or {}
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.level == 0:
            hid = next(ids, None)
            if hid:
                tok.attrSet("id", hid)
            title = titles.get(hid) if hid else None
            if title and i + 1 < len(tokens) and tokens[i + 1].type == "inline":
                inline = tokens[i + 1]
                # its own env: the links in it are rewritten once, with the rest of the page
                parsed = state.md.parseInline(title, {})
                inline.content, inline.children = title, parsed[0].children if parsed else []


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _rule_links(children: list[Token], links: Links) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for tok in children:
        depth += tok.type == "link_open"
        depth -= tok.type == "link_close"
        if tok.type != "text" or depth or "-" not in tok.content:
            out.append(tok)
            continue
        last = 0
        for m in _RULE_ID.finditer(tok.content):
            href = links.rule_href(m.group(0))
            if href is None:
                continue
            if m.start() > last:
                out.append(_text(tok.content[last:m.start()]))
            opener = Token("link_open", "a", 1)
            opener.attrSet("href", href)
            opener.attrSet("class", "rule-ref")
            out += [opener, _text(m.group(0)), Token("link_close", "a", -1)]
            last = m.end()
        out.append(tok if last == 0 else _text(tok.content[last:]))
    return out


def _internal_links(state: StateCore) -> None:
    links = state.env.get("links")
    if not isinstance(links, Links):
        return
    for inline in state.tokens:
        if inline.type != "inline" or not inline.children:
            continue
        children: list[Token] = []
        closing: list[bool] = []  # per open link: was it unlinked?
        for tok in inline.children:
            if tok.type == "link_open":
                href = str(tok.attrGet("href") or "")
                internal = not _ANY_SCHEME.match(href) and not href.startswith("//")
                target = links.resolve(href) if internal else href
                closing.append(target is None)
                if target is None:
                    tok.tag, tok.attrs = "span", {"class": "unlinked"}
                else:
                    tok.attrSet("href", target)
            elif tok.type == "link_close" and closing and closing.pop():
                tok.tag = "span"
                children += [tok, _text(f" ({links.left_out})")]
                continue
            children.append(tok)
        inline.children = _rule_links(children, links)


def _make() -> MarkdownIt:
    md = _SafeMarkdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    md.core.ruler.push("guidekit_heading_ids", _heading_ids)
    md.core.ruler.push("guidekit_links", _internal_links)
    # after ours: ids for the headings the reader leaves to their list item or quote
    anchors_plugin(md, min_level=1, max_level=6, slug_func=slugify)
    return md


_MD = _make()


def render_markdown(text: str, ids: Sequence[str] = (), links: Links | None = None,
                    titles: Mapping[str, str] | None = None) -> str:
    """HTML for a Markdown fragment; headings shift down one level (the page owns h1).

    ``ids``: the ids of the fragment's headings (the reader's, for the whole body);
    ``links``: where internal links and rule ids go (none: links stay as written);
    ``titles``: translated heading titles by id (a translated handbook)."""
    env = {"heading_ids": list(ids), "links": links, "heading_titles": dict(titles or {})}
    tokens = _MD.parse(text, env)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            level = min(int(tok.tag[1]) + 1, 6)
            tok.tag = f"h{level}"
    return str(_MD.renderer.render(tokens, _MD.options, env))


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # "" for the text before the first second-level heading
    markdown: str
    id: str = ""  # the heading's anchor (the one reader's id, unique within the body)
    ids: tuple[str, ...] = ()  # the anchors of the headings inside ``markdown``

    @property
    def key(self) -> str:
        return self.heading.strip().lower()


def split_sections(body: str) -> list[Section]:
    """The body cut at its level-one and level-two headings (as the one reader finds them),
    heading text kept apart."""
    return [Section(s.heading.title if s.heading else "", s.text,
                    s.heading.id if s.heading else "", tuple(h.id for h in s.inner))
            for s in sections(body, 2)]
