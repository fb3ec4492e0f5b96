"""The guidance as a locale's reviewers read it: current translations in place of the
source text, and for every other unit the source text with a notice.

A translation is used only when it is current (guidekit.i18n.engine): a
missing one, and a stale one of any impact, leave the source text, so a
market's reviewers never read an outdated rule in their language.

The headings of a body keep the source's words in the translated body (their
anchors, what links point at, and the section names exports look up come from
them); their translated titles come apart, by anchor, for a handbook to show.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any, NamedTuple

from guidekit.corpus import Corpus
from guidekit.diff import Impact
from guidekit.i18n.engine import UnitState, enforcement_changes, load_catalogs, settings_of, source_units, unit_states
from guidekit.i18n.units import Unit, body_blocks, example_key
from guidekit.loading.markdown import read_headings, without_comments
from guidekit.loading.source import Source
from guidekit.model import Policy, Sop, Taxonomy

__all__ = ["Notice", "TranslatedGuidance", "translate"]


class Notice(NamedTuple):
    """What a reader is told about a rule (or a document, rule ``""``) shown in the source."""

    state: str  # "missing" or "stale"
    impact: Impact | None = None


class TranslatedGuidance(NamedTuple):
    corpus: Corpus  # the taxonomy's titles and descriptions translated too
    notices: dict[str, dict[str, Notice]]  # document id -> rule id ("" for the rest) -> notice
    source_locale: str
    headings: dict[str, dict[str, str]]  # document id -> heading anchor -> translated title
    # document id ("taxonomy" for the taxonomy) -> a digest of its translations and notices:
    # what a page shows besides its source, for a build that reuses unchanged pages
    keys: dict[str, str]
    states: tuple[UnitState, ...] = ()  # every unit's state in the locale (the translated ones are "current")


def _worse(a: Notice | None, b: Notice) -> Notice:
    if a is None:
        return b
    if a.state != b.state:
        return a if a.state == "stale" else b
    if a.impact is not None and b.impact is not None and b.impact.rank > a.impact.rank:
        return b
    return a


def translate(corpus: Corpus, locale: str) -> TranslatedGuidance | None:
    """The corpus in ``locale``, or None when guidekit.yaml lists no such translation."""
    settings = settings_of(corpus.config)
    if locale not in settings.locales or locale == settings.source:
        return None
    units: dict[str, Unit] = {}
    for src in corpus.sources:
        for u in _units(src):
            units.setdefault(u.key, u)
    (catalog,) = load_catalogs(settings, [locale])
    changes, _ = enforcement_changes(corpus.root, catalog.revision)
    current: dict[str, str] = {}
    notices: dict[str, dict[str, Notice]] = {}
    used: dict[str, list[tuple[str, str]]] = {}  # document id -> (key, translation) shown
    states = unit_states(units, catalog, changes)
    for s in states:
        if s.unit is None:
            continue
        if s.state == "current" and s.entry is not None:
            current[s.key] = s.entry.translation
            used.setdefault(s.unit.doc, []).append((s.key, s.entry.translation))
            continue
        per_doc = notices.setdefault(s.unit.doc, {})
        key = s.unit.rule or ""
        per_doc[key] = _worse(per_doc.get(key), Notice(s.state, s.impact))
    policies = {pid: _policy(p, current) for pid, p in corpus.policies.items()}
    sops = {sid: _sop(s, current) for sid, s in corpus.sops.items()}
    rules = {rid: (policies[p.id], next(r for r in policies[p.id].rules if r.id == rid))
             for rid, (p, _r) in corpus.rules.items() if p.id in policies}
    translated = replace(corpus, policies=policies, sops=sops, rules=rules,
                         all_policies=[policies.get(p.id, p) for p in corpus.all_policies],
                         all_sops=[sops.get(s.id, s) for s in corpus.all_sops],
                         taxonomy=_taxonomy(corpus.taxonomy, current))
    headings = {pid: h for pid, p in corpus.policies.items() if (h := _headings(p, current))}
    keys = {doc: hashlib.sha256(repr((sorted(used.get(doc, ())), sorted(notices.get(doc, {}).items())))
                                .encode()).hexdigest()[:32] for doc in used.keys() | notices.keys()}
    return TranslatedGuidance(translated, notices, settings.source, headings, keys, tuple(states))


# a source never changes once loaded: its units are worked out once (serve reuses sources)
_UNITS: weakref.WeakKeyDictionary[Source, list[Unit]] = weakref.WeakKeyDictionary()


def _units(src: Source) -> list[Unit]:
    got = _UNITS.get(src)
    if got is None:
        got = _UNITS[src] = source_units(src) or []  # one that does not fit: shown in the source
    return got


def _headings(p: Policy, tr: Mapping[str, str]) -> dict[str, str]:
    """The translated titles of the body's headings, by the anchor the source gives them."""
    if not p.body:
        return {}
    anchors = {h.line: h.id for h in read_headings(without_comments(p.body))}
    return {anchors[block.start]: tr[key] for key, block, _text in body_blocks(p.id, p.body)
            if block.kind == "heading" and key in tr and block.start in anchors}


def _taxonomy(tax: Taxonomy, tr: Mapping[str, str]) -> Taxonomy:
    """The taxonomy with its items' titles and descriptions translated (ids and ranks kept)."""
    changed: dict[str, Any] = {}
    for vocab in (f.name for f in fields(tax)):
        items = getattr(tax, vocab)
        if not isinstance(items, dict):
            continue
        out = {}
        for item_id, item in items.items():
            names = {f.name for f in fields(item)} if hasattr(item, "__dataclass_fields__") else set()
            new = {name: tr[f"taxonomy/{vocab}/{item_id}/{name}"] for name in ("title", "description")
                   if name in names and f"taxonomy/{vocab}/{item_id}/{name}" in tr}
            out[item_id] = replace(item, **new) if new else item
        changed[vocab] = out
    return replace(tax, **changed)


def _t(tr: dict[str, str], key: str, text: str) -> str:
    return tr.get(key) or text


def _policy(p: Policy, tr: dict[str, str]) -> Policy:
    rules = []
    for r in p.rules:
        base = f"{p.id}/rules/{r.id}"
        examples = tuple(e._replace(
            text=_t(tr, f"{example_key(p.id, r.id, e.label, e.id)}/text", e.text),
            note=_t(tr, f"{example_key(p.id, r.id, e.label, e.id)}/note", e.note) if e.note else e.note)
            for e in r.examples)
        rules.append(r._replace(title=_t(tr, f"{base}/title", r.title), text=_t(tr, f"{base}/text", r.text),
                                examples=examples))
    exceptions = tuple(x._replace(title=_t(tr, f"{p.id}/exceptions/{x.id}/title", x.title),
                                  text=_t(tr, f"{p.id}/exceptions/{x.id}/text", x.text)) for x in p.exceptions)
    overrides = tuple(o._replace(note=_t(tr, f"{p.id}/regional_overrides/{o.market}/{o.rule}/note", o.note))
                      if o.note else o for o in p.overrides)
    return p._replace(title=_t(tr, f"{p.id}/title", p.title),
                      summary=_t(tr, f"{p.id}/summary", p.summary) if p.summary else p.summary,
                      rules=tuple(rules), exceptions=exceptions, overrides=overrides, body=_body(p, tr))


def _body(p: Policy, tr: dict[str, str]) -> str:
    """The body with its translated paragraphs. Headings keep the source's words: their ids
    (what links in the guidance point at) come from them; _headings gives their titles."""
    if not p.body:
        return p.body
    lines = p.body.split("\n")
    out = list(lines)
    for key, block, _text in reversed(list(body_blocks(p.id, p.body))):
        if block.kind == "heading" or key not in tr:
            continue
        first = lines[block.start]
        indent = first[: len(first) - len(first.lstrip())]
        out[block.start:block.end] = [indent + tr[key]]
    return "\n".join(out)


def _sop(s: Sop, tr: dict[str, str]) -> Sop:
    # SOP records are dataclasses: dataclasses.replace
    steps = tuple(replace(st, text=_t(tr, f"{s.id}/steps/{st.id}/text", st.text)) for st in s.steps)
    nodes = []
    for n in s.tree.nodes:
        answers = tuple(replace(a, label=_t(tr, f"{s.id}/nodes/{n.id}/answers/{a.value}/label", a.label))
                        for a in n.answers)
        nodes.append(replace(n, question=_t(tr, f"{s.id}/nodes/{n.id}/question", n.question),
                             help=_t(tr, f"{s.id}/nodes/{n.id}/help", n.help) if n.help else n.help,
                             answers=answers))
    outcomes = tuple(replace(o, title=_t(tr, f"{s.id}/outcomes/{o.id}/title", o.title),
                             note=_t(tr, f"{s.id}/outcomes/{o.id}/note", o.note) if o.note else o.note)
                     for o in s.outcomes)
    return replace(s, title=_t(tr, f"{s.id}/title", s.title),
                   summary=_t(tr, f"{s.id}/summary", s.summary) if s.summary else s.summary,
                   steps=steps, tree=replace(s.tree, nodes=tuple(nodes)), outcomes=outcomes)
