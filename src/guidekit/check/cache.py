"""A content-hash cache of check results, in one SQLite file per *salt*.

The salt hashes everything a result depends on besides the files: guidekit's
version and code, the schemas, the rule set and the rule settings and limits
of guidekit.yaml. Change any of them and the old file is simply not opened.

Three tables:

- ``entries``: per-file results (findings, lean data, anchors, links) keyed
  by a hash of the file's path, kind and bytes. Content-addressed, so a file
  that changes back is a hit again.
- ``derived``: results of a stage that reads more than one file, keyed by a
  hash of everything they depend on (the translations stage: a locale's GK6xx
  findings by its catalog's bytes, the guidance's files and the settings).
- ``state``: the last run's view of the whole corpus, one row per file: its
  key and the findings of the file rules *and of the corpus rules* for it. A
  warm run re-checks only the files changed since, and their neighbours
  (incremental.py), and takes everything else from here.

Where it lives: by default in the user's cache folder ($XDG_CACHE_HOME or
~/.cache, then guidekit/check/<hash of the repository's real path>), never in
the work tree, so a pull request cannot ship a cache with blanked findings. A
folder that git tracks or that is (or sits under) a symbolic link inside the
repository is neither read nor written (``unsafe_folder`` says why). Each
entry's key binds the salt, the file's path and kind and the exact bytes that
were analysed (analyze.file_key, from the one read the analysis used).

Safe when several runs share the folder: SQLite serialises writers and a
reader sees one committed state; a run that cannot open or write the cache
runs without it. Values are JSON, never pickle: a cache may come from
elsewhere (a CI cache, a checkout) and must never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidekit import __version__
from guidekit.check.analyze import FileResult, shared
from guidekit.check.changes import tracked_under
from guidekit.check.registry import DocIndex, Link, Words
from guidekit.check.suppress import Directive
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import CONFIG_NAME, Config, config_from_bytes, read_config
from guidekit.loading.source import DocKind

__all__ = ["CheckCache", "ConfigMemo", "FileState", "code_fingerprint", "decode_result", "default_folder",
           "encode_result", "make_salt", "unsafe_folder"]

_FORMAT = 4
_KEEP = 4  # cache files of other salts kept (other configs, other branches)
_TIMEOUT = 30.0

# the code a result depends on (an editable install changes it without
# changing the version); other areas' modules do not matter here
_CODE = ("check", "loading", "model", "findings.py", "schemas.py", "corpus.py", "__init__.py")


def default_folder(root: Path) -> Path:
    """The cache of the repository at ``root``: in the user's cache folder, keyed by its real path."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    top = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:24]
    return top / "guidekit" / "check" / digest


def unsafe_folder(folder: Path, root: Path) -> str | None:
    """Why ``folder`` must not hold the cache of the repository at ``root``, or None.

    A symbolic link (the folder or a folder above it inside the repository)
    would send writes and prunes elsewhere; a folder git tracks comes from the
    repository's authors, who could have blanked its findings."""
    root = Path(os.path.realpath(root))
    folder = Path(os.path.abspath(folder))
    step = folder
    while True:
        if step.is_symlink():
            return f"the cache folder {folder} is a symbolic link"
        if step == root or step.parent == step or not step.is_relative_to(root):
            break
        step = step.parent
    real = Path(os.path.realpath(folder))
    if tracked_under(root, real):
        return f"git tracks files in the cache folder {folder}: a cache must come from this machine"
    return None


def code_fingerprint(names: Iterable[str] = _CODE) -> list[Any]:
    """Path, size and mtime of guidekit's modules under ``names`` (packages or files of it).

    Every cached run takes it (the check's salt, the configuration's memo key, the
    translations stage's salt), so it walks with os.walk and plain strings: the same list
    in ~0.35 ms where pathlib's rglob took ~0.55."""
    pkg = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    out: list[Any] = []
    for name in names:
        top = os.path.join(pkg, name)
        if os.path.isdir(top):
            rels = sorted(os.path.relpath(os.path.join(folder, f), pkg).split(os.sep)
                          for folder, _dirs, files in os.walk(top) for f in files if f.endswith(".py"))
        else:
            rels = [[name]]
        for parts in rels:
            st = os.stat(os.path.join(pkg, *parts))
            out.append(["/".join(parts), st.st_size, st.st_mtime_ns])
    return out


def make_salt(settings: Any, schema_texts: Iterable[str], rules: Iterable[str]) -> str:
    blob = json.dumps(
        {
            "format": _FORMAT,
            "version": __version__,
            "code": code_fingerprint(),
            "schemas": [hashlib.sha256(t.encode()).hexdigest() for t in schema_texts],
            "settings": settings,
            "rules": sorted(rules),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _ensure_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# written by guidekit: never commit the cache\n*\n", "utf-8")


def _prune(folder: Path, pattern: str, keep: Path) -> None:
    """Remove the files of ``pattern`` but ``keep`` and the _KEEP newest others."""
    others = sorted(folder.glob(pattern), key=_mtime, reverse=True)
    for old in [p for p in others if p != keep][_KEEP:]:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{old}{suffix}")


# --- the configuration ------------------------------------------------------------


class ConfigMemo:
    """guidekit.yaml as a past run found it, kept beside the check cache under a hash of its
    bytes: a re-run with the same configuration neither parses its YAML nor validates it (what
    importing the YAML parser and the schema validator, and using them, costs is a good part
    of a pre-commit ``guidekit check`` of a few files).

    The hash binds the bytes, guidekit's version and code and the configuration's schema, as
    the check cache's salt does, so an edit of any of them is a miss, and a miss loads and
    validates the configuration as if there were no memo (a broken one is reported as ever).
    A memo is written by ``keep``, only after a run that validated the whole configuration
    (rule settings included), and only where JSON gives back exactly the data the YAML gave.
    The caller reads it only from a folder ``unsafe_folder`` accepts."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root
        self._pending: tuple[Path, str, dict[str, Any]] | None = None

    def load(self) -> Config:
        """The configuration: from the memo where it holds these bytes, else loaded and validated."""
        raw = read_config(self.root)
        if raw is None:
            return Config(root=self.root)
        if not isinstance(raw, bytes):
            return config_from_bytes(self.root, raw)  # the problem, reported
        key = _config_key(raw)
        memo = self.folder / f"config-{key[:24]}.json"
        with contextlib.suppress(OSError, ValueError):
            stored = json.loads(memo.read_text("utf-8"))
            if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("data"), dict):
                return Config(root=self.root, data=stored["data"], settled=True)
        config = config_from_bytes(self.root, raw)
        self._pending = (memo, key, config.data)
        return config

    def keep(self) -> None:
        """Remember the configuration ``load`` validated: the run has validated the rest of it."""
        if self._pending is None:
            return
        memo, key, data = self._pending
        self._pending = None
        try:
            text = json.dumps({"key": key, "data": data}, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return  # a value JSON cannot carry: loaded anew each run
        if not _same(json.loads(text)["data"], data):
            return  # (e.g. keys that are not strings)
        from guidekit.fsutil import atomic_write_text

        with contextlib.suppress(OSError):
            _ensure_folder(self.folder)
            atomic_write_text(memo, text, mode=0o600)
            _prune(self.folder, "config-*.json", memo)


def _config_key(raw: bytes) -> str:
    from guidekit.schemas import schema_dir

    schema = (schema_dir() / "config.schema.json").read_bytes()
    blob = json.dumps([_FORMAT, __version__, code_fingerprint(), CONFIG_NAME,
                       hashlib.sha256(schema).hexdigest()]).encode()
    return hashlib.sha256(blob + b"\0" + raw).hexdigest()


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the very same types throughout (``1 == 1.0`` and ``"a" == str_subclass("a")``
    hold in Python, yet JSON would give back other data)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# --- encoding -------------------------------------------------------------------


def encode_findings(findings: Iterable[Finding]) -> list[Any]:
    return [[f.rule, f.name, f.severity.value, f.message, f.span.path, f.span.line, f.span.col,
             f.span.end_line, f.span.end_col, list(f.json_path) if f.json_path is not None else None,
             list(f.notes), f.fix] for f in findings]


def decode_findings(rows: list[Any]) -> tuple[Finding, ...]:
    return tuple(
        Finding(f[0], f[1], Severity(f[2]), f[3], SourceSpan(f[4], f[5], f[6], f[7], f[8]),
                tuple(f[9]) if f[9] is not None else None, tuple(f[10]), f[11])
        for f in rows
    )


def _encode_directives(ds: Iterable[Directive]) -> list[Any]:
    return [[d.line, d.col, d.kind, list(d.rules), d.target, d.text] for d in ds]


def _decode_directives(rows: list[Any]) -> tuple[Directive, ...]:
    return tuple(Directive(d[0], d[1], d[2], tuple(d[3]), d[4], d[5]) for d in rows)


def encode_result(r: FileResult) -> str:
    """One file's result as compact JSON text: what the cache stores and what a worker
    process sends the parent (plain text, one object, cheaper than pickling the records)."""
    return json.dumps([
        r.rel, r.kind.value, r.status, r.data, r.yaml_line, r.body_line,
        encode_findings(r.findings), sorted(r.index.anchors),
        [[lk.target, lk.line, lk.col, lk.end_col] for lk in r.index.links],
        _encode_directives(r.directives), r.body, sorted(r.tokens),
    ], separators=(",", ":"))


def decode_result(key: str, blob: str, strings: dict[str, str] | None = None) -> FileResult:
    """``strings``: the table of strings shared between results (see analyze.shared)."""
    (rel, kind, status, data, yaml_line, body_line, findings, anchors, links, directives, body,
     tokens) = json.loads(blob)
    # ids, file names and vocabulary values recur across documents
    intern = sys.intern if strings is None else (lambda s: strings.setdefault(s, s))
    return FileResult(
        rel=rel, kind=DocKind(kind), key=key, status=status, data=shared(data, strings),
        yaml_line=yaml_line, body_line=body_line, findings=decode_findings(findings),
        index=DocIndex(Words(anchors),
                       tuple(Link(lk[0], lk[1], lk[2], lk[3]) for lk in links)),
        directives=_decode_directives(directives), body=body, tokens=tuple(map(intern, tokens)),
    )


@dataclass(frozen=True, slots=True)
class FileState:
    """One file as the last run left it."""

    rel: str
    key: str
    kind: DocKind
    status: str
    yaml_line: int
    body_line: int
    file_findings: tuple[Finding, ...]
    corpus_findings: tuple[Finding, ...]
    directives: tuple[Directive, ...]
    tokens: Collection[str] = frozenset()


# --- the store ------------------------------------------------------------------


class CheckCache:
    """Opened at the start of a run; entries and state written at the end."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt
        self.path = folder / f"check-{salt[:24]}.sqlite"
        self.hits = 0
        self._db: sqlite3.Connection | None = None
        with contextlib.suppress(OSError, sqlite3.Error):
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        _ensure_folder(self.folder)
        db = sqlite3.connect(self.path, timeout=_TIMEOUT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(
                """
                CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, blob TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS state (rel TEXT PRIMARY KEY, key TEXT NOT NULL,
                                                  row TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS derived (key TEXT PRIMARY KEY, blob TEXT NOT NULL);
                """
            )
        except BaseException:
            db.close()  # a damaged file: no connection is left open behind the miss
            raise
        return db

    @property
    def usable(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # entries
    def get_many(self, keys: Iterable[str], strings: dict[str, str] | None = None) -> dict[str, FileResult]:
        """The cached results among ``keys`` (damaged entries are misses); ``strings``: as
        ``decode_result``'s."""
        out: dict[str, FileResult] = {}
        if self._db is None:
            return out
        wanted = list(dict.fromkeys(keys))
        try:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, blob FROM entries WHERE key IN ({marks})",
                                        chunk).fetchall()
                for key, blob in rows:
                    with contextlib.suppress(ValueError, TypeError, KeyError):
                        out[key] = decode_result(key, blob, strings)
        except sqlite3.Error:
            return out
        self.hits += len(out)
        return out

    def put_many(self, results: Iterable[FileResult]) -> None:
        self.put_encoded((r.key, encode_result(r)) for r in results)

    def put_encoded(self, entries: Iterable[tuple[str, str]]) -> None:
        """Store (key, ``encode_result`` text) pairs: results encoded where they were made."""
        rows = [(key, blob) for key, blob in entries if key]
        if self._db is None or not rows:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)

    # derived: results of a whole stage keyed by everything they depend on (translations)
    def get_derived(self, keys: Iterable[str]) -> dict[str, str]:
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        out: dict[str, str] = {}
        try:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                out.update(self._db.execute(f"SELECT key, blob FROM derived WHERE key IN ({marks})",
                                            chunk).fetchall())
        except sqlite3.Error:
            return {}
        return out

    def put_derived(self, rows: Iterable[tuple[str, str]]) -> None:
        rows = list(rows)
        if self._db is None or not rows:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?)", rows)

    def drop_derived(self, keys: Iterable[str]) -> None:
        rows = [(k,) for k in dict.fromkeys(keys)]
        if self._db is None or not rows:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM derived WHERE key = ?", rows)

    # state
    def load_state(self) -> tuple[dict[str, Any], dict[str, FileState]] | None:
        """(meta, files) of the last run, or None."""
        if self._db is None:
            return None
        try:
            meta = dict(self._db.execute("SELECT k, v FROM meta").fetchall())
            rows = self._db.execute("SELECT rel, key, row FROM state").fetchall()
        except sqlite3.Error:
            return None
        if meta.get("complete") != "1":
            return None
        files: dict[str, FileState] = {}
        try:
            for rel, key, row in rows:
                kind, status, yl, bl, ff, cf, ds, tokens = json.loads(row)
                files[rel] = FileState(rel, key, DocKind(kind), status, yl, bl,
                                       decode_findings(ff), decode_findings(cf),
                                       _decode_directives(ds), frozenset(tokens))
        except (ValueError, TypeError, KeyError):
            return None
        return meta, files

    def save_state(self, meta: dict[str, str], files: Iterable[FileState]) -> None:
        if self._db is None:
            return
        rows = (  # encoded as they are written: a large corpus's rows are never all held
            (f.rel, f.key, json.dumps([f.kind.value, f.status, f.yaml_line, f.body_line,
                                       encode_findings(f.file_findings),
                                       encode_findings(f.corpus_findings),
                                       _encode_directives(f.directives), sorted(f.tokens)],
                                      separators=(",", ":")))
            for f in files
        )
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM state")
            self._db.execute("DELETE FROM meta")
            self._db.executemany("INSERT INTO state VALUES (?, ?, ?)", rows)
            self._db.executemany("INSERT INTO meta VALUES (?, ?)",
                                 [*meta.items(), ("complete", "1")])
        self._prune()

    def _prune(self) -> None:
        _prune(self.folder, "check-*.sqlite", self.path)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0
