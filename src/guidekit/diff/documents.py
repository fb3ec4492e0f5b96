"""Guidance files at two revisions -> Snapshots the comparison engine reads.

Content comes as bytes (from a git object or the working tree). A pair of
versions is read together: a front matter both share is parsed once, and
rules both share are skipped (chunks.py), so a small edit in a large policy
costs little. Parsing goes through fastyaml (data and positions in one pass)
and falls back to the loader of `guidekit check` for anything unusual. A file
that does not load or does not fit its model is compared as text, with a note
saying why; plain Markdown without front matter is a document whose id is its
path without the extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NamedTuple

from guidekit.diff.chunks import blank_common_items, front_matter_bounds
from guidekit.diff.fastyaml import Unusual, load_with_nodes
from guidekit.diff.text import Block, split_blocks
from guidekit.loading.config import Config
from guidekit.loading.discover import classify
from guidekit.loading.source import DocKind, Limits, Source, load_text
from guidekit.loading.yamlio import locate_node
from guidekit.model.policy import Policy, build_policy, page_id
from guidekit.schemas import fast_validator, misfit, validator_for

if TYPE_CHECKING:
    from guidekit.model.sop import Sop

__all__ = ["MARKDOWN_SUFFIXES", "Draft", "Snapshot", "doc_kind", "draft", "load_pair", "load_snapshot",
           "markdown_id", "prepare"]

MARKDOWN_SUFFIXES = (".md", ".markdown")
# policy entries the model does not require: skipped when both versions agree on them
_SKIPPABLE = ("summary", "review_by", "owners", "surfaces", "markets", "categories", "tags", "codes",
              "exceptions", "regional_overrides", "supersedes", "related", "body")
_ID = re.compile(r"^(id|taxonomy|sop)[ \t]*:[ \t]*['\"]?([^'\"#\s]+)", re.MULTILINE)


# named tuple, measured hot: one per document side (1,000 in a 500-policy diff)
class Snapshot(NamedTuple):
    rel: str  # path relative to the guidance root
    kind: str  # policy | sop | cases | taxonomy | markdown
    id: str
    title: str
    source: Source
    model: Policy | Sop | None = None
    data: dict[str, Any] | None = None  # the loaded mapping (None for plain text)
    body: str = ""
    body_line: int = 0
    note: str | None = None  # why a structured file is compared as text
    partial: bool = False  # parts both versions share were skipped (see load_pair)
    # a Markdown text's blocks (of ``body``), split once when its title was read, so that
    # comparing it does not split it again; None: not split yet
    blocks: list[Block] | None = None


# named tuple, measured hot: one per document side (1,000 in a 500-policy diff)
class Draft(NamedTuple):
    """A file's text before parsing, with the id it most likely has (for pairing)."""

    rel: str
    kind: DocKind
    raw: bytes
    text: str
    guessed_id: str | None
    bounds: tuple[int, int] | None  # of the YAML part (front matter, or all of a .yaml file)

    @property
    def is_markdown(self) -> bool:
        return self.rel.lower().endswith(MARKDOWN_SUFFIXES)

    def yaml_bounds(self) -> tuple[int, int] | None:
        return self.bounds


markdown_id = page_id  # a plain Markdown document's id: its path without the extension


def doc_kind(rel: str, config: Config, *, configured: bool) -> DocKind | None:
    """Which guidance kind a path holds. Without a guidekit.yaml every Markdown file
    counts, so that a plain folder of Markdown in git (e.g. an archive of platform
    terms) can be diffed too."""
    kind = classify(rel, config)
    if kind is None and not configured and rel.lower().endswith(MARKDOWN_SUFFIXES):
        return DocKind.POLICY
    return kind


def draft(rel: str, raw: bytes, kind: DocKind) -> Draft:
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    is_md = rel.lower().endswith(MARKDOWN_SUFFIXES)
    bounds = front_matter_bounds(text) if is_md else (0, len(text))
    if bounds is None:
        return Draft(rel, kind, raw, text, markdown_id(rel), None)
    m = _ID.search(text, bounds[0], min(bounds[1], bounds[0] + 20_000))
    if m is None:
        return Draft(rel, kind, raw, text, None, bounds)
    field, value = m.groups()
    guess = {"id": value, "taxonomy": f"taxonomy:{value}", "sop": f"{value}:cases:{rel}"}[field]
    return Draft(rel, kind, raw, text, guess, bounds)


def _first_heading(blocks: list[Block]) -> str | None:
    for blk in blocks:
        if blk.level:
            return blk.heading[-1]
    return None


def _as_text(src: Source, rel: str, note: str | None) -> Snapshot:
    """Plain Markdown, or a structured file that cannot be read as its model."""
    data = src.data if isinstance(src.data, dict) else None
    doc_id = data.get("id") if data is not None else None
    is_md = rel.lower().endswith(MARKDOWN_SUFFIXES)
    title = (data or {}).get("title")
    blocks = split_blocks(src.text) if is_md else None  # the title's and the comparison's
    if not isinstance(title, str):
        title = (_first_heading(blocks) if blocks is not None else None) or PurePosixPath(rel).stem
    return Snapshot(
        rel=rel,
        kind="markdown" if note is None else src.kind.value,
        id=doc_id if isinstance(doc_id, str) and doc_id else markdown_id(rel),
        title=title,
        source=src,
        data=data,
        body=src.text,
        body_line=0,
        note=note,
        blocks=blocks,
    )


def _fast_source(d: Draft, yaml_text: str | None = None) -> Source | None:
    """The Source the standard loader would give, from one parse (None: use that loader).

    ``yaml_text`` replaces the YAML part (same lines, some blanked) for parsing;
    ``text`` stays the file as written.
    """
    bounds = d.yaml_bounds()
    if bounds is None:
        return None
    src = Source(path=Path(d.rel), rel=d.rel, kind=d.kind, text=d.text)
    src.yaml_text = d.text[bounds[0]:bounds[1]]
    try:
        data, root = load_with_nodes(yaml_text if yaml_text is not None else src.yaml_text)
    except Unusual:
        return None
    if not isinstance(data, dict):
        return None
    if d.is_markdown:
        src.yaml_line = 1
        rest = d.text.index("\n", bounds[1]) + 1 if "\n" in d.text[bounds[1]:] else len(d.text)
        src.body = d.text[rest:]
        src.body_line = d.text.count("\n", 0, rest)
    elif isinstance(data.get("body"), str):
        src.body = data["body"]
        node, _ = locate_node(root, ("body",))
        src.body_line = node.start_mark.line + 1 if node is not None else 0
    src.data = data
    # the composed tree locates spans, so they cost no second parse
    src._nodes, src._composed = root, True
    return src


def _snapshot(src: Source, d: Draft, *, partial: bool = False) -> Snapshot:
    """A loaded Source -> its model, or a text snapshot with a note.

    A document that does not fit its kind's schema is compared as text: what a
    user wrote never reaches the model with the wrong types. ``partial``: the
    items both versions share were left out of ``src`` (load_pair)."""
    rel, kind = d.rel, d.kind
    if kind is DocKind.PAGE and not src.problems:
        return _as_text(src, rel, None)
    if src.problems:
        p = src.problems[0]
        if p.rule == "front-matter" and kind is DocKind.POLICY and not src.text.startswith("---"):
            return _as_text(src, rel, None)
        return _as_text(src, rel, f"does not load ({p.message}, line {p.line + 1}); compared as text")
    data: dict[str, Any] = src.data
    if kind is not DocKind.CONFIG:
        why = misfit(kind.value, data, partial=partial)
        if why is not None:
            return _as_text(src, rel, f"does not fit the {kind.value} schema ({why}); compared as text")
    try:
        if kind is DocKind.POLICY:
            if data.get("rules") is None and "rules" in data:
                data["rules"] = []  # every rule was the same in both versions (chunks.py)
            policy = build_policy(src)
            return Snapshot(rel, "policy", policy.id, policy.title, src, policy, data, policy.body,
                            policy.body_line)
        if kind is DocKind.SOP:
            from guidekit.model.sop import build_sop  # only when an SOP changed

            sop = build_sop(src)
            return Snapshot(rel, "sop", sop.id, sop.title, src, sop, data)
        if kind is DocKind.CASES:
            sop_id = str(data.get("sop") or "?")
            _check_items(data, "cases")
            return Snapshot(rel, "cases", f"{sop_id}:cases:{rel}", f"Cases for {sop_id}", src, None, data)
        if kind is DocKind.TAXONOMY:
            vocab = str(data.get("taxonomy") or PurePosixPath(rel).stem)
            _check_items(data, "items")
            return Snapshot(rel, "taxonomy", f"taxonomy:{vocab}", f"Taxonomy: {vocab}", src, None, data)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        return _as_text(src, rel, f"does not fit the {kind.value} schema ({_why(err)}); compared as text")
    return _as_text(src, rel, None)


def load_snapshot(d: Draft, limits: Limits, yaml_text: str | None = None) -> Snapshot:
    src = Source(path=Path(d.rel), rel=d.rel, kind=d.kind)
    if len(d.raw) > limits.max_file_bytes:
        src.text = d.text[: limits.max_file_bytes]
        return _as_text(src, d.rel, f"larger than limits.max_file_bytes ({len(d.raw):,} bytes); "
                        "compared as text")
    fast = _fast_source(d, yaml_text)
    if fast is not None:
        return _snapshot(fast, d, partial=yaml_text is not None)
    src.text = d.text
    load_text(src, limits)
    return _snapshot(src, d)


def prepare(pairs: Iterable[tuple[DocKind | None, DocKind | None]]) -> None:
    """Make now what loading these pairs of document kinds makes on its first use: the
    schema validators (their libraries' imports included) and the SOP model. A diff
    calls this before it forks, so that the processes share them instead of each
    making its own."""
    wanted: set[tuple[DocKind, bool]] = set()
    for old, new in set(pairs):
        for kind in {k for k in (old, new) if k is not None and k not in (DocKind.CONFIG, DocKind.PAGE)}:
            # a policy changed in place is checked without the items both versions share
            wanted.add((kind, kind is DocKind.POLICY and old is new))
            if kind is DocKind.SOP:
                import guidekit.model.sop  # noqa: F401
    for what, partial in wanted:
        if fast_validator(what.value, partial=partial) is None:  # the schema refers to others
            validator_for(what.value, partial=partial)


def load_pair(old: Draft, new: Draft, limits: Limits) -> tuple[Snapshot, Snapshot]:
    """Both versions of one document, sharing the work their common text allows."""
    ob, nb = old.yaml_bounds(), new.yaml_bounds()
    if ob is None or nb is None or old.kind != new.kind:
        return load_snapshot(old, limits), load_snapshot(new, limits)
    oy, ny = old.text[ob[0]:ob[1]], new.text[nb[0]:nb[1]]
    if oy == ny and (ob[0], old.is_markdown) == (nb[0], new.is_markdown):
        # only the Markdown body (or nothing but the path) changed: parse once
        n = load_snapshot(new, limits)
        if n.note is not None:
            return load_snapshot(old, limits), n
        src = Source(path=Path(old.rel), rel=old.rel, kind=old.kind, text=old.text)
        if old.is_markdown:
            bounds = old.yaml_bounds()
            assert bounds is not None
            rest = old.text.find("\n", bounds[1]) + 1 or len(old.text)
            body, body_line = old.text[rest:], old.text.count("\n", 0, rest)
        else:
            body, body_line = n.body, n.body_line
        return n._replace(rel=old.rel, source=src, body=body, body_line=body_line, blocks=None), n
    if old.kind is DocKind.POLICY and (blanked := blank_common_items(oy, ny, optional=_SKIPPABLE)) is not None:
        o = load_snapshot(old, limits, blanked[0])
        n = load_snapshot(new, limits, blanked[1])
        if o.note is None and n.note is None:
            return o._replace(partial=True), n._replace(partial=True)
    return load_snapshot(old, limits), load_snapshot(new, limits)


def _check_items(data: dict[str, Any], key: str) -> None:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise ValueError(f"'{key}' must be a list of mappings with an id")


def _why(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing {err.args[0]!r}"
    return str(err) or type(err).__name__
