"""Examples: every rule shows both sides of the line, safely and briefly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from guidekit.check.registry import DocContext, DocumentRule, register
from guidekit.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.model import Example

_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


def _examples(ctx: DocContext) -> Iterator[tuple[Example, str]]:
    """(example, field) for the text and note of every example of a valid policy."""
    from guidekit.model import Policy

    if isinstance(ctx.doc, Policy):
        for rule in ctx.doc.rules:
            for ex in rule.examples:
                yield ex, "text"
                if ex.note:
                    yield ex, "note"


def _value(ex: Example, field: str) -> str:
    return ex.text if field == "text" else ex.note or ""


@register
class MissingExamples(DocumentRule):
    """A policy rule lacks a violating or an allowed example.

    Reviewers learn where the line is from a case on each side of it; an
    evaluation set built from the policy needs both labels too. Options set
    how many of each a rule needs.
    """

    id = "GK301"
    severity = Severity.ERROR
    name = "missing-examples"
    options: ClassVar[dict[str, Any]] = {"min_violating": 1, "min_allowed": 1}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "min_violating": {"type": "integer", "minimum": 0,
                          "description": "Violating examples each rule needs."},
        "min_allowed": {"type": "integer", "minimum": 0,
                        "description": "Allowed examples each rule needs."},
    }

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        from guidekit.model import Policy

        if not isinstance(ctx.doc, Policy):
            return
        for rule in ctx.doc.rules:
            for label, have, need in (
                ("violating", len(rule.violating), ctx.options["min_violating"]),
                ("allowed", len(rule.allowed), ctx.options["min_allowed"]),
            ):
                if have < need:
                    yield self.finding(
                        rule.loc.at("examples").span(key=True),
                        f"rule {rule.id} has {have} {label} example{'s' if have != 1 else ''}, "
                        f"needs at least {need}",
                        json_path=(*rule.loc.path, "examples"),
                        fix=f"add an example under examples.{label}",
                    )


@register
class LiveLinkInExample(DocumentRule):
    """An example holds a link that would be live: a URL or a bare domain.

    Examples quote harmful content; a clickable link sends a reviewer (or a
    classifier pipeline) to it. Defang it: ``hxxps://example[.]com``. A domain
    counts when its top-level domain is in the Public Suffix List (``.bet``,
    ``.ninja``, IDNs ...); the handbooks and exports defang the same way.
    """

    id = "GK331"
    name = "live-link-in-example"

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        from guidekit.defang import live_links, may_hold_links

        examples = list(_examples(ctx))
        # one scan of all the document's example texts rules out links in most documents
        if not may_hold_links("\n".join(_value(ex, field) for ex, field in examples)):
            return
        for ex, field in examples:
            for link in live_links(_value(ex, field)):
                pattern = re.compile(re.escape(link.text))
                yield self.finding(
                    ctx.locator.first((*ex.loc.path, field), pattern),
                    f"example {ex.id} holds a live link {link.text!r}",
                    json_path=(*ex.loc.path, field),
                    fix=f"write {link.defanged}",
                )


@register
class LongExample(DocumentRule):
    """An example's text is longer than ``max_chars``.

    Examples are read many times a shift; describe the content and the
    deciding detail, not the whole post.
    """

    id = "GK360"
    name = "long-example"
    options: ClassVar[dict[str, Any]] = {"max_chars": 500}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "max_chars": {"type": "integer", "minimum": 20,
                      "description": "Longest example text, in characters."},
    }

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        limit = ctx.options["max_chars"]
        for ex, field in _examples(ctx):
            if field == "text" and len(ex.text) > limit:
                yield self.finding(
                    ex.loc.at("text").span(),
                    f"example {ex.id} is {len(ex.text)} characters long, above {limit}",
                    json_path=(*ex.loc.path, "text"),
                    fix="shorten it to the detail that decides the case",
                )


@register
class HtmlInExample(DocumentRule):
    """An example holds raw HTML tags.

    Handbooks render examples as text: tags either show up as markup or, if
    some tool renders them, run in the reviewer's browser. Describe the
    markup in words instead.
    """

    id = "GK361"
    name = "html-in-example"

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        for ex, field in _examples(ctx):
            m = _HTML.search(_value(ex, field))
            if m is not None:
                yield self.finding(
                    ctx.locator.first((*ex.loc.path, field), re.compile(re.escape(m.group(0)))),
                    f"example {ex.id} holds raw HTML {m.group(0)!r}",
                    json_path=(*ex.loc.path, field),
                    fix="describe the markup in words",
                )
