"""Which files `guidekit fmt` formats, and the result for each: pure apart from reading."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from guidekit.fmt import FormatError, format_text
from guidekit.loading.config import CONFIG_NAME, Config
from guidekit.loading.discover import Named, discover, select_named
from guidekit.loading.source import DocKind, LoadProblem, read_guidance

__all__ = ["FileFormat", "FormatRun", "format_files", "unified_diff"]

_SCHEMA = {DocKind.POLICY: "policy", DocKind.SOP: "sop", DocKind.CASES: "cases",
           DocKind.TAXONOMY: "taxonomy", DocKind.CONFIG: "config"}


@dataclass(frozen=True, slots=True)
class FileFormat:
    path: Path
    rel: str
    before: str
    after: str | None  # None when it could not be formatted
    error: FormatError | None = None

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


def _targets(config: Config, paths: Sequence[Path]) -> tuple[list[tuple[Path, str, DocKind]], Named]:
    root = config.root.resolve()
    found = [(d.path, d.rel, d.kind) for d in discover(config)
             if d.kind is not None and d.kind is not DocKind.PAGE and not d.outside_link]
    if (root / CONFIG_NAME).is_file():
        found.append((root / CONFIG_NAME, CONFIG_NAME, DocKind.CONFIG))
    named = select_named(config, paths, (t[1] for t in found))
    return sorted((t for t in found if named.wanted(t[1])), key=lambda t: t[1]), named


@dataclass(frozen=True, slots=True)
class FormatRun:
    files: list[FileFormat]
    # files given by name that the configuration does not cover, as given
    skipped: tuple[str, ...] = ()


def format_files(config: Config, paths: Sequence[Path] = ()) -> FormatRun:
    out = []
    targets, named = _targets(config, paths)
    for path, rel, kind in targets:
        raw = read_guidance(path, config.limits.max_file_bytes)
        if isinstance(raw, LoadProblem):
            out.append(FileFormat(path, rel, "", None, FormatError(raw.message)))
            continue
        try:
            before = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            out.append(FileFormat(path, rel, "", None, FormatError(f"cannot read: {err}")))
            continue
        try:
            result = format_text(before, _SCHEMA[kind], limits=config.limits,
                                 markdown=path.suffix.lower() in (".md", ".markdown"))
        except FormatError as err:
            out.append(FileFormat(path, rel, before, None, err))
            continue
        out.append(FileFormat(path, rel, before, result.text))
    return FormatRun(out, named.skipped)


def unified_diff(f: FileFormat) -> str:
    return "".join(difflib.unified_diff(
        f.before.splitlines(keepends=True), (f.after or "").splitlines(keepends=True),
        fromfile=f"a/{f.rel}", tofile=f"b/{f.rel}",
    ))
