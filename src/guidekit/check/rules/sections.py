"""The Markdown body: required sections in order, heading levels, no empty sections."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from guidekit.check.registry import DocContext, DocumentRule, register
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.source import DocKind


def _policy_kind(ctx: DocContext) -> str | None:
    from guidekit.model import Policy

    if isinstance(ctx.doc, Policy):
        return ctx.doc.kind
    data = ctx.source.data
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def _body_start(ctx: DocContext) -> SourceSpan:
    return SourceSpan(ctx.source.rel, ctx.source.body_line + 1, 1)


@register
class RequiredSections(DocumentRule):
    """A policy body lacks a required section, or has them out of order.

    ``sections`` maps a policy kind (``ads``, ``community``, ...; ``"*"`` for
    any kind) to the headings every such policy must have, in that order, at
    heading ``level``. Nothing is required until configured, e.g.
    ``sections: {"*": [Rationale, Definitions, Guidance notes]}``. Headings
    match case-insensitively; other sections may come between them.
    """

    id = "GK310"
    name = "required-sections"
    options: ClassVar[dict[str, Any]] = {"sections": {}, "level": 2}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "sections": {"type": "object",
                     "additionalProperties": {"type": "array", "items": {"type": "string"}},
                     "description": "Policy kind (or \"*\") -> required headings, in order."},
        "level": {"type": "integer", "minimum": 1, "maximum": 6,
                  "description": "Heading level of the sections (2 is ##)."},
    }

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        if ctx.source.kind is not DocKind.POLICY:
            return
        kind = _policy_kind(ctx)
        sections = ctx.options["sections"]
        required = sections.get(kind) if kind in sections else sections.get("*")
        if not required:
            return
        md = ctx.markdown
        level = ctx.options["level"]
        found = [h for h in md.headings if h.level == level] if md is not None else []
        position = {h.title.strip().lower(): h for h in reversed(found)}
        last = None
        for title in required:
            h = position.get(title.strip().lower())
            if h is None:
                yield self.finding(_body_start(ctx),
                                   f"missing section {'#' * level} {title}",
                                   fix=f"add a '{'#' * level} {title}' section")
                continue
            if last is not None and h.line < last[0].line:
                yield self.finding(SourceSpan(ctx.source.rel, h.line, h.col),
                                   f"section {title!r} comes before {last[1]!r}; the order is "
                                   + ", ".join(required))
            last = (h, title)


@register
class HeadingOrder(DocumentRule):
    """A heading skips a level (``##`` followed by ``####``), or the body uses ``#``.

    The policy title is the page's only top-level heading and comes from the
    front matter; skipped levels break handbook outlines and screen readers.
    A plain Markdown page (``paths: pages``) has no front matter: its ``#``
    headings are its title and top sections.
    """

    id = "GK311"
    name = "heading-order"

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        md = ctx.markdown
        if md is None:
            return
        previous = 1
        for h in md.headings:
            span = SourceSpan(ctx.source.rel, h.line, 1)
            if h.level == 1 and ctx.source.kind is not DocKind.PAGE:
                yield self.finding(span, f"level-1 heading {h.title!r}: the title comes from "
                                   "the front matter", fix="use ## for sections")
            elif h.level > previous + 1:
                yield self.finding(span, f"heading {h.title!r} jumps from level {previous} "
                                   f"to {h.level}", fix=f"use {'#' * (previous + 1)}")
            previous = h.level


@register
class EmptySection(DocumentRule):
    """A section has a heading and nothing under it.

    An empty "Definitions" tells reviewers there is nothing to define; write
    the content or remove the heading.
    """

    id = "GK312"
    name = "empty-section"

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        md = ctx.markdown
        if md is None:
            return
        for s in md.sections:
            if s.content_lines == 0 and not s.has_subsections:
                yield self.finding(SourceSpan(ctx.source.rel, s.heading.line, s.heading.col),
                                   f"section {s.heading.title!r} is empty")
