"""One guidance file at one revision -> a Snapshot the comparison engine reads.

Content comes as bytes (from a git object or the working tree) and is loaded
with the same loader as `guidekit check`. A file that does not load or does not
fit its model is still compared, as text, with a note saying why; plain
Markdown without front matter is a document whose id is its path without the
extension.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from guidekit.loading.config import Config
from guidekit.loading.discover import classify
from guidekit.loading.source import DocKind, Limits, Source, load_text
from guidekit.model import Policy, Sop, build_policy, build_sop

__all__ = ["MARKDOWN_SUFFIXES", "Snapshot", "doc_kind", "load_snapshot", "markdown_id"]

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class Snapshot:
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


def markdown_id(rel: str) -> str:
    """The id of a plain Markdown document: its path without the extension."""
    p = PurePosixPath(rel)
    return str(p.with_suffix("")) if p.suffix.lower() in MARKDOWN_SUFFIXES else rel


def doc_kind(rel: str, config: Config, *, configured: bool) -> DocKind | None:
    """Which guidance kind a path holds. Without a guidekit.yaml every Markdown file
    counts, so that a plain folder of Markdown in git (e.g. an archive of platform
    terms) can be diffed too."""
    kind = classify(rel, config)
    if kind is None and not configured and rel.lower().endswith(MARKDOWN_SUFFIXES):
        return DocKind.POLICY
    return kind


def _first_heading(body: str) -> str | None:
    from guidekit.diff.text import split_blocks

    for blk in split_blocks(body[:20_000]):
        if blk.level:
            return blk.heading[-1]
    return None


def _as_text(src: Source, rel: str, note: str | None) -> Snapshot:
    """Plain Markdown, or a structured file that cannot be read as its model."""
    data = src.data if isinstance(src.data, dict) else None
    doc_id = data.get("id") if data is not None else None
    is_md = rel.lower().endswith(MARKDOWN_SUFFIXES)
    title = (data or {}).get("title")
    if not isinstance(title, str):
        title = (_first_heading(src.text) if is_md else None) or PurePosixPath(rel).stem
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
    )


def load_snapshot(rel: str, raw: bytes, kind: DocKind, limits: Limits) -> Snapshot:
    src = Source(path=Path(rel), rel=rel, kind=kind)
    if len(raw) > limits.max_file_bytes:
        src.text = raw[: limits.max_file_bytes].decode("utf-8", errors="replace")
        return _as_text(src, rel, f"larger than limits.max_file_bytes ({len(raw):,} bytes); "
                        "compared as text")
    src.text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    load_text(src, limits)
    if src.problems:
        p = src.problems[0]
        if p.rule == "front-matter" and kind is DocKind.POLICY and not src.text.startswith("---"):
            return _as_text(src, rel, None)
        return _as_text(src, rel, f"does not load ({p.message}, line {p.line + 1}); "
                        "compared as text")
    data: dict[str, Any] = src.data
    try:
        if kind is DocKind.POLICY:
            policy = build_policy(src)
            return Snapshot(rel, "policy", policy.id, policy.title, src, policy, data,
                            policy.body, policy.body_line)
        if kind is DocKind.SOP:
            sop = build_sop(src)
            return Snapshot(rel, "sop", sop.id, sop.title, src, sop, data)
        if kind is DocKind.CASES:
            sop_id = str(data.get("sop") or "?")
            _check_items(data, "cases")
            return Snapshot(rel, "cases", f"{sop_id}:cases:{rel}", f"Cases for {sop_id}", src,
                            None, data)
        if kind is DocKind.TAXONOMY:
            vocab = str(data.get("taxonomy") or PurePosixPath(rel).stem)
            _check_items(data, "items")
            return Snapshot(rel, "taxonomy", f"taxonomy:{vocab}", f"Taxonomy: {vocab}", src,
                            None, data)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        return _as_text(src, rel, f"does not fit the {kind.value} schema ({_why(err)}); "
                        "compared as text")
    return _as_text(src, rel, None)


def _check_items(data: dict[str, Any], key: str) -> None:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise ValueError(f"'{key}' must be a list of mappings with an id")


def _why(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing {err.args[0]!r}"
    return str(err) or type(err).__name__
