"""A content-hash cache of per-file check results.

One JSON pack per *salt* in the cache folder (default ``<root>/.guidekit-cache``).
The salt hashes everything a per-file result depends on besides the file
itself: guidekit's version and code, the schemas, and the rule settings and
limits of guidekit.yaml; change any of them and the old pack is simply not
found. Entries are keyed by a hash of the file's path, kind and bytes.

Safe when several runs share the folder: a pack is written to a temporary
file and renamed over the old one, so readers see a whole pack or none; the
last writer wins and the loser's entries are merely recomputed next time. A
pack that cannot be read is treated as empty. JSON, not pickle: a cache
folder may come from elsewhere (a CI cache, a checkout) and must never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from guidekit import __version__
from guidekit.check.analyze import FileResult
from guidekit.check.registry import DocIndex, Link
from guidekit.check.suppress import Directive
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.fsutil import atomic_write_bytes
from guidekit.loading.source import DocKind

__all__ = ["DEFAULT_FOLDER", "CheckCache", "file_key", "make_salt"]

DEFAULT_FOLDER = ".guidekit-cache"
_FORMAT = 1
_KEEP_PACKS = 4


def file_key(rel: str, kind: DocKind, raw: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{rel}\0{kind.value}\0".encode())
    h.update(raw)
    return h.hexdigest()


def _code_fingerprint() -> list[Any]:
    # an editable install changes code without changing the version
    pkg = Path(__file__).resolve().parents[1]
    out: list[Any] = []
    for p in sorted(pkg.rglob("*.py")):
        st = p.stat()
        out.append([p.relative_to(pkg).as_posix(), st.st_size, st.st_mtime_ns])
    return out


def make_salt(settings: Any, schema_texts: Iterable[str], document_rules: Iterable[str]) -> str:
    blob = json.dumps(
        {
            "format": _FORMAT,
            "version": __version__,
            "code": _code_fingerprint(),
            "schemas": [hashlib.sha256(t.encode()).hexdigest() for t in schema_texts],
            "settings": settings,
            "rules": sorted(document_rules),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _encode(r: FileResult) -> list[Any]:
    return [
        r.rel, r.kind.value, r.status, r.data, r.yaml_line, r.body_line,
        [[f.rule, f.name, f.severity.value, f.message, f.span.path, f.span.line, f.span.col,
          f.span.end_line, f.span.end_col, list(f.json_path) if f.json_path is not None else None,
          list(f.notes), f.fix] for f in r.findings],
        sorted(r.index.anchors),
        [[lk.target, lk.line, lk.col, lk.end_col] for lk in r.index.links],
        [[d.line, d.col, d.kind, list(d.rules), d.target, d.text] for d in r.directives],
    ]


def _decode(key: str, e: list[Any]) -> FileResult:
    rel, kind, status, data, yaml_line, body_line, findings, anchors, links, directives = e
    return FileResult(
        rel=rel, kind=DocKind(kind), key=key, status=status, data=data,
        yaml_line=yaml_line, body_line=body_line,
        findings=tuple(
            Finding(f[0], f[1], Severity(f[2]), f[3], SourceSpan(f[4], f[5], f[6], f[7], f[8]),
                    tuple(f[9]) if f[9] is not None else None, tuple(f[10]), f[11])
            for f in findings
        ),
        index=DocIndex(frozenset(anchors), tuple(Link(*lk) for lk in links)),
        directives=tuple(Directive(d[0], d[1], d[2], tuple(d[3]), d[4], d[5]) for d in directives),
    )


class CheckCache:
    """Read once at the start of a run, written once at the end."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt
        self.pack = folder / f"check-{salt[:24]}.json"
        self._old: dict[str, list[Any]] = self._read()
        self._new: dict[str, list[Any]] = {}
        self._used: set[str] = set()
        self.hits = 0

    def _read(self) -> dict[str, list[Any]]:
        try:
            data = json.loads(self.pack.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("salt") != self.salt:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> FileResult | None:
        e = self._old.get(key)
        if e is None:
            return None
        try:
            r = _decode(key, e)
        except (TypeError, ValueError, IndexError, KeyError):
            return None  # a damaged entry is a miss
        self._used.add(key)
        self.hits += 1
        return r

    def put(self, result: FileResult) -> None:
        self._new[result.key] = _encode(result)

    def save(self, present: set[str], checked: set[str]) -> None:
        """Write the pack: this run's entries, plus earlier ones for files that still
        exist but were not checked this time (a partial run keeps the rest warm)."""
        if not self._new and all(k in self._used for k in self._old) and not self._stale(present):
            return
        entries = {
            k: e for k, e in self._old.items()
            if (k in self._used) or (e and e[0] in present and e[0] not in checked)
        }
        entries.update(self._new)
        blob = json.dumps({"salt": self.salt, "entries": entries}, separators=(",", ":"))
        with contextlib.suppress(OSError):  # a cache that cannot be written is no cache
            self._ensure_folder()
            atomic_write_bytes(self.pack, blob.encode())
            self._prune()

    def _stale(self, present: set[str]) -> bool:
        return any(not e or e[0] not in present for e in self._old.values())

    def _ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            atomic_write_bytes(ignore, b"# written by guidekit: never commit the cache\n*\n")

    def _prune(self) -> None:
        packs = sorted(self.folder.glob("check-*.json"), key=_mtime, reverse=True)
        for old in packs[_KEEP_PACKS:]:
            if old != self.pack:
                with contextlib.suppress(OSError):
                    os.unlink(old)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0
