"""Translation units: every string of the guidance a reviewer reads, keyed by stable ids.

A unit's key names what it is, not where it sits: ``ADS-FIN/rules/ADS-FIN-2.a/text``,
``ADS-FIN/rules/ADS-FIN-2.a/examples/violating/v1/text``,
``SOP-ADS-CREATIVE/nodes/q-crypto/question``, ``taxonomy/actions/remove/title``. A
paragraph of a Markdown body is keyed by its section's heading path and a digest
of its words, so reflowing it or moving it keeps its key and rewording it makes
a new one (``update`` carries the translation over as stale). Ids, enums,
dates and other fields that are not prose are never units.

Unit text is stored with its whitespace collapsed: a reflow is not a change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from guidekit.findings import SourceSpan
from guidekit.loading.markdown import Block, read_blocks, slugify
from guidekit.loading.source import DocKind, Source

if TYPE_CHECKING:  # the models are built when units are extracted, not when a cached check starts
    from guidekit.model import Loc, Policy, Sop

__all__ = ["Unit", "body_blocks", "example_key", "key_document", "normalize", "units_of"]

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The text as a unit holds it: runs of whitespace (line breaks included) are one space."""
    return _SPACE.sub(" ", text).strip()


class Unit(NamedTuple):
    key: str
    text: str  # normalized source text
    what: str  # for translators: "rule text", "example (violating)", "question" ...
    doc: str  # the document id (or "taxonomy")
    rule: str | None  # the rule whose enforcement decides this unit's meaning, if any
    span: SourceSpan


def key_document(key: str) -> str:
    """The id of the document a unit key belongs to ("taxonomy" for taxonomy labels)."""
    return key.split("/", 1)[0]


def example_key(policy_id: str, rule_id: str, label: str, example_id: str) -> str:
    """The key of an example's units, without the field (``/text``, ``/note``)."""
    return f"{policy_id}/rules/{rule_id}/examples/{label}/{example_id}"


def _unit(key: str, text: str | None, what: str, doc: str, loc: Loc, rule: str | None = None) -> Iterator[Unit]:
    if text and text.strip():
        yield Unit(key, normalize(text), what, doc, rule, loc.span())


def _policy_units(p: Policy) -> Iterator[Unit]:
    yield from _unit(f"{p.id}/title", p.title, "policy title", p.id, p.loc.at("title"))
    yield from _unit(f"{p.id}/summary", p.summary, "policy summary", p.id, p.loc.at("summary"))
    for r in p.rules:
        base = f"{p.id}/rules/{r.id}"
        yield from _unit(f"{base}/title", r.title, f"title of rule {r.id}", p.id, r.loc.at("title"), r.id)
        yield from _unit(f"{base}/text", r.text, f"text of rule {r.id}", p.id, r.loc.at("text"), r.id)
        for e in r.examples:
            key = example_key(p.id, r.id, e.label, e.id)
            yield from _unit(f"{key}/text", e.text, f"{e.label} example {e.id} of rule {r.id}", p.id,
                             e.loc.at("text"), r.id)
            yield from _unit(f"{key}/note", e.note, f"note on {e.label} example {e.id} of rule {r.id}", p.id,
                             e.loc.at("note"), r.id)
    for x in p.exceptions:
        base = f"{p.id}/exceptions/{x.id}"
        yield from _unit(f"{base}/title", x.title, f"title of exception {x.id}", p.id, x.loc.at("title"))
        yield from _unit(f"{base}/text", x.text, f"text of exception {x.id}", p.id, x.loc.at("text"))
    for o in p.overrides:
        yield from _unit(f"{p.id}/regional_overrides/{o.market}/{o.rule}/note", o.note,
                         f"note on the {o.market} override of rule {o.rule}", p.id, o.loc.at("note"), o.rule)
    if p.body:
        yield from _body_units(p)


def body_blocks(doc_id: str, body: str) -> Iterator[tuple[str, Block, str]]:
    """(unit key, block, normalized text) of every translatable block of a Markdown body:
    headings, paragraphs and tables (code, fences and breaks are never translated)."""
    lines = body.split("\n")
    path: list[tuple[int, str]] = []
    for block in read_blocks(body):
        if block.kind == "heading" and block.level:
            path = [(lvl, slug) for lvl, slug in path if lvl < block.level]
            path.append((block.level, slugify(block.title) or "section"))
            yield f"{doc_id}/body/{'/'.join(s for _, s in path)}/heading", block, normalize(block.title)
            continue
        if block.kind not in ("paragraph", "table"):
            continue
        text = normalize("\n".join(lines[block.start:block.end]))
        if not text:
            continue
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        section = "/".join(s for _, s in path) or "top"
        yield f"{doc_id}/body/{section}/{digest}", block, text


def _body_units(p: Policy) -> Iterator[Unit]:
    src = p.loc.source
    for key, block, text in body_blocks(p.id, p.body):
        if block.kind == "heading":
            yield Unit(key, text, "section heading", p.id, None, src.body_span(block.start, max(0, block.col - 1)))
        else:
            section = key.rsplit("/", 1)[0].split("/body/", 1)[1]
            yield Unit(key, text, f"paragraph under '{section}'", p.id, None, src.body_span(block.start))


def _sop_units(s: Sop) -> Iterator[Unit]:
    yield from _unit(f"{s.id}/title", s.title, "SOP title", s.id, s.loc.at("title"))
    yield from _unit(f"{s.id}/summary", s.summary, "SOP summary", s.id, s.loc.at("summary"))
    yield from _unit(f"{s.id}/wellbeing/note", s.wellbeing_note, "wellbeing note", s.id, s.loc.at("wellbeing", "note"))
    for st in s.steps:
        yield from _unit(f"{s.id}/steps/{st.id}/text", st.text, f"step {st.id}", s.id, st.loc.at("text"))
    for n in s.tree.nodes:
        yield from _unit(f"{s.id}/nodes/{n.id}/question", n.question, f"question of node {n.id}", s.id,
                         n.loc.at("question"))
        yield from _unit(f"{s.id}/nodes/{n.id}/help", n.help, f"help of node {n.id}", s.id, n.loc.at("help"))
        for a in n.answers:
            yield from _unit(f"{s.id}/nodes/{n.id}/answers/{a.value}/label", a.label,
                             f"answer '{a.value}' of node {n.id}", s.id, a.loc.at("label"))
    for o in s.outcomes:
        yield from _unit(f"{s.id}/outcomes/{o.id}/title", o.title, f"title of outcome {o.id}", s.id, o.loc.at("title"))
        yield from _unit(f"{s.id}/outcomes/{o.id}/note", o.note, f"note of outcome {o.id}", s.id, o.loc.at("note"))


def _taxonomy_units(src: Source) -> Iterator[Unit]:
    from guidekit.model import build_taxonomy_items

    vocab, items = build_taxonomy_items(src)
    for item in items:
        for field in ("title", "description"):
            value = getattr(item, field, None)
            if isinstance(value, str):
                yield from _unit(f"taxonomy/{vocab}/{item.id}/{field}", value, f"{field} of {vocab} '{item.id}'",
                                 "taxonomy", item.loc.at(field))


def units_of(src: Source) -> list[Unit]:
    """The units of one schema-valid source (policies, SOPs and taxonomy files have them).

    Only for a source that fits its schema: guidekit.i18n.engine.source_units is the gate."""
    from guidekit.model import build_policy, build_sop

    if src.kind is DocKind.POLICY:
        return list(_policy_units(build_policy(src)))
    if src.kind is DocKind.SOP:
        return list(_sop_units(build_sop(src)))
    if src.kind is DocKind.TAXONOMY:
        return list(_taxonomy_units(src))
    return []
