"""Vague or hedging words where a reviewer has to decide."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, ClassVar

from guidekit.check.registry import DocContext, DocumentRule, register
from guidekit.findings import Finding, JsonPath

_DEFAULT_TERMS = {
    "generally": "say when the rule applies and list the exceptions",
    "usually": "say when the rule applies and list the exceptions",
    "as appropriate": "name the action to take",
    "etc.": "list every case, or name what they have in common",
    "and/or": "write 'and' or 'or', or list the cases separately",
    "may": "write 'must' or 'must not', or state the condition that decides",
}
_FIELDS = ("rule", "step", "question", "exception")


def _body(term: str) -> str:
    words = r"\s+".join(re.escape(w) for w in term.split())
    after = r"(?!\w)" if not term[-1].isalnum() else r"(?![\w-])"
    # "May 2026" is a month, not a hedge
    month = r"(?!\s+\d)" if term.lower() == "may" else ""
    return f"{words}{after}{month}"


@lru_cache(maxsize=64)
def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)(?<![\w-]){_body(term)}")


@lru_cache(maxsize=16)
def _combined(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation of every term, a named group each: one scan of a text finds the
    matches of all of them, where a pattern a term scanned the text once per term. None when
    two terms could match overlapping text (a shared word, or a term starting with
    punctuation): one scan finds only one of two overlapping matches, so those terms are
    scanned one by one as before."""
    words = [set(re.findall(r"\w+", t.lower())) for t in terms]
    if any(not t[:1].isalnum() for t in terms) or any(
            words[i] & words[j] for i in range(len(terms)) for j in range(i + 1, len(terms))):
        return None
    alternatives = "|".join(f"(?P<t{i}>{_body(t)})" for i, t in enumerate(terms))
    return re.compile(rf"(?i)(?<![\w-])(?:{alternatives})")


def _matches(terms: tuple[str, ...], text: str) -> dict[str, list[re.Match[str]]]:
    """term -> its matches in ``text``, in order (only terms that match)."""
    combined = _combined(terms)
    if combined is None:
        found = {t: list(_pattern(t).finditer(text)) for t in terms}
        return {t: ms for t, ms in found.items() if ms}
    out: dict[str, list[re.Match[str]]] = {}
    for m in combined.finditer(text):
        term = terms[int(str(m.lastgroup)[1:])]
        out.setdefault(term, []).append(m)
    return out


# "only licensed lenders may publish", "advertisers may only target adults": a
# permission with its limit stated, not a hedge
_ONLY_BEFORE = re.compile(r"(?i)\bonly\b(?:\s+[\w'-]+){0,8}\s*$")
_ONLY_AFTER = re.compile(r"(?i)\s+only\b")


def _is_permission(term: str, text: str, m: re.Match[str]) -> bool:
    if term.lower() != "may":
        return False
    before = re.split(r"[.;:,!?]", text[max(0, m.start() - 80):m.start()])[-1]
    return bool(_ONLY_BEFORE.search(before) or _ONLY_AFTER.match(text, m.end()))


def _texts(ctx: DocContext, fields: list[str]) -> Iterator[tuple[JsonPath, str, str]]:
    """(json path, text, what it is) for the fields that carry decisions."""
    from guidekit.model import Policy, Sop

    doc = ctx.doc
    if isinstance(doc, Policy):
        if "rule" in fields:
            for r in doc.rules:
                yield (*r.loc.path, "text"), r.text, f"rule {r.id}"
        if "exception" in fields:
            for e in doc.exceptions:
                yield (*e.loc.path, "text"), e.text, f"exception {e.id}"
    elif isinstance(doc, Sop):
        if "step" in fields:
            for s in doc.steps:
                yield (*s.loc.path, "text"), s.text, f"step {s.id}"
        if "question" in fields:
            for n in doc.tree.nodes:
                yield (*n.loc.path, "question"), n.question, f"question {n.id}"


@register
class VagueLanguage(DocumentRule):
    """Rule text, SOP steps or decision-tree questions hedge: "generally", "usually",
    "as appropriate", "etc.", "and/or", "may". The permission "may" with its
    limit stated ("only licensed lenders may publish", "may only target
    adults") is not a hedge and is not reported.

    Where a reviewer must decide, a hedge hands the decision to each reviewer
    and the queue stops being consistent. Each finding suggests a fix.
    ``terms`` adds phrases (phrase -> suggestion) or, with ``null``, drops a
    default one; ``fields`` picks where to look (rule, step, question,
    exception).
    """

    id = "GK320"
    name = "vague-language"
    options: ClassVar[dict[str, Any]] = {"terms": {}, "fields": ["rule", "step", "question"]}
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {
        "terms": {"type": "object", "additionalProperties": {"type": ["string", "null"]},
                  "description": "Extra phrase -> suggested fix; null switches a default off."},
        "fields": {"type": "array", "items": {"enum": list(_FIELDS)}, "uniqueItems": True,
                   "description": "Where to look: rule, step, question, exception."},
    }

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        terms = {**_DEFAULT_TERMS, **ctx.options["terms"]}
        active = {t: fix for t, fix in terms.items() if fix}
        names = tuple(active)
        for path, text, what in _texts(ctx, ctx.options["fields"]):
            hits = _matches(names, text)
            for term, fix in active.items():
                if term not in hits:
                    continue
                pattern = _pattern(term)
                matches = hits[term]
                keep = [i for i, m in enumerate(matches) if not _is_permission(term, text, m)]
                if not keep:
                    continue
                found = [s for s, _ in ctx.locator.find(path, pattern)][:len(matches)]
                spans = [found[i] if i < len(found) else ctx.source.span(path) for i in keep]
                for span in spans:
                    yield self.finding(span, f"{what} hedges with {term!r}", json_path=path,
                                       fix=fix)
