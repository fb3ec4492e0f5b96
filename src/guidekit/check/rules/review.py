"""Ownership and review dates: someone is accountable and the dates are kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from guidekit.check.registry import CheckRule, DocContext, DocumentRule, RuleContext, register, written
from guidekit.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: listing the rules (every check's start) builds no model
    from guidekit.corpus import Corpus
    from guidekit.model import Policy, Sop


def _documents(corpus: Corpus) -> list[Policy | Sop]:
    return [*corpus.all_policies, *corpus.all_sops]


@register
class ReviewOverdue(CheckRule):
    """A policy or SOP is past its ``review_by`` date.

    Compared with ``today`` in guidekit.yaml when set (for reproducible
    runs), else the clock. Deprecated documents are not reviewed.
    """

    id = "GK340"
    name = "review-overdue"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import Status

        for doc in _documents(ctx.corpus):
            if doc.review_by and doc.review_by < ctx.today and doc.status is not Status.DEPRECATED:
                days = (ctx.today - doc.review_by).days
                yield self.finding(
                    doc.loc.at("review_by").span(),
                    f"{doc.id} was due for review on {doc.review_by} ({days} days ago)",
                    json_path=("review_by",),
                    fix="review it with its owners and move review_by forward",
                )


@register
class DraftPastEffective(CheckRule):
    """A draft policy or SOP has an ``effective`` date that has passed.

    Either it should be in force (move it on from draft) or the date is stale
    and handbooks will announce the wrong start date.
    """

    id = "GK342"
    name = "draft-past-effective"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from guidekit.model import Status

        for doc in _documents(ctx.corpus):
            if (doc.status is Status.DRAFT and written(doc, "status") and doc.effective
                    and doc.effective < ctx.today):
                yield self.finding(
                    doc.loc.at("effective").span(),
                    f"{doc.id} is a draft but its effective date {doc.effective} has passed",
                    json_path=("effective",),
                    fix="set a future effective date, or move the status on",
                )


_PLACEHOLDERS = ["tbd", "todo", "unknown", "unassigned", "none", "n/a", "owner", "nobody", "?"]


@register
class MissingOwner(DocumentRule):
    """A policy or SOP names no real owner: only placeholders such as ``TBD``, or
    (with ``known_owners`` set) someone not on that list.

    The schema already requires ``owners``; this catches lists that satisfy it
    without naming anyone accountable, and typos in team names.
    """

    id = "GK341"
    name = "missing-owner"
    options: ClassVar[dict[str, Any]] = {"placeholders": _PLACEHOLDERS, "known_owners": []}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "placeholders": {"type": "array", "items": {"type": "string"},
                         "description": "Owner values that name no one (case-insensitive)."},
        "known_owners": {"type": "array", "items": {"type": "string"},
                         "description": "When not empty, every owner must be one of these."},
    }

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        from guidekit.model import Policy, Sop

        doc = ctx.doc
        if not isinstance(doc, (Policy, Sop)) or not written(doc, "owners"):
            return
        placeholders = {p.lower() for p in ctx.options["placeholders"]}
        known = set(ctx.options["known_owners"])
        real = [o for o in doc.owners if o.strip().lower() not in placeholders]
        if not real:
            yield self.finding(doc.loc.at("owners").span(),
                               f"{doc.id} has no owner, only placeholders: {', '.join(doc.owners)}",
                               json_path=("owners",), fix="name the accountable team")
        if known:
            for i, owner in enumerate(doc.owners):
                if owner not in known and owner.strip().lower() not in placeholders:
                    yield self.finding(doc.loc.at("owners", i).span(),
                                       f"owner {owner!r} is not in known_owners",
                                       json_path=("owners", i))
