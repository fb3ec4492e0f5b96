"""Guidance prose -> safe HTML.

Guidance files are written by many hands and quote hostile material (scam
links, phishing pages, injected markup), so the renderer trusts none of it:
raw HTML is escaped, only http(s), mailto and in-site links survive, images are
never fetched (their alt text is shown instead), and URLs quoted inside
examples are defanged so that nobody clicks or auto-links them.
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

__all__ = ["Section", "defang", "render_markdown", "split_sections"]

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

    @property
    def key(self) -> str:
        return self.heading.strip().lower()


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_H2 = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")


def split_sections(body: str) -> list[Section]:
    """The body cut at its level-two headings (outside code fences), heading text kept apart."""
    sections: list[Section] = []
    heading, fence = "", None
    lines: list[str] = []
    for line in body.splitlines():
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
        h = None if fence else _H2.match(line)
        if h:
            if heading or "".join(lines).strip():
                sections.append(Section(heading, "\n".join(lines).strip("\n")))
            heading, lines = h.group(1), []
        else:
            lines.append(line)
    if heading or "".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip("\n")))
    return sections


# --- defanging -----------------------------------------------------------------

_URL = re.compile(r"\b(?:(?:https?|ftp|hxxps?)://|www\.)[^\s<>\"'()]+", re.IGNORECASE)
_TLDS = (
    "com|net|org|info|biz|io|co|ly|me|xyz|top|site|online|app|link|click|shop|store|"
    "live|win|vip|club|ru|cn|br|de|fr|uk|us|id|in|tk|ml|ga|cf|gq|gl|gg|to|cc|tv|ai"
)
_DOMAIN = re.compile(
    rf"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?:/[^\s<>\"'()]*)?", re.IGNORECASE
)


def _defang_one(url: str) -> str:
    url = re.sub(r"^http", "hxxp", url, flags=re.IGNORECASE)
    url = url.replace("://", "[://]", 1)
    host_end = len(url)
    for sep in ("/", "?", "#"):
        pos = url.find(sep, url.find("]") + 1 if "[://]" in url else 0)
        if pos != -1:
            host_end = min(host_end, pos)
    return url[:host_end].replace(".", "[.]") + url[host_end:]


def defang(text: str) -> str:
    """Quoted URLs and bare domains made unclickable: ``https://a.b/c`` -> ``hxxps[://]a[.]b/c``."""
    out = _URL.sub(lambda m: _defang_one(m.group(0)), text)
    return _DOMAIN.sub(lambda m: _defang_one(m.group(0)) if "[.]" not in m.group(0) else m.group(0),
                       out)

