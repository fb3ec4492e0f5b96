"""One guidance file on disk -> a Source: its data, its body and a way to locate nodes.

Nothing here raises for bad input: every problem becomes a LoadProblem with a
0-based line and column, and the caller turns it into a finding.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from guidekit.findings import JsonPath, SourceSpan

if TYPE_CHECKING:  # the YAML parser is imported by what parses: a cached check reads no YAML
    from ruamel.yaml.nodes import Node

__all__ = ["DocKind", "Limits", "LoadProblem", "Source", "load_bytes", "load_source", "load_text",
           "named_document", "read_guidance"]


class DocKind(StrEnum):
    POLICY = "policy"
    SOP = "sop"
    TAXONOMY = "taxonomy"
    CASES = "cases"
    CONFIG = "config"
    PAGE = "page"  # plain Markdown (no front matter): rendered and searched in handbooks


# named tuple, measured hot: made on every read of config.limits (1,000 in a 500-policy diff)
class Limits(NamedTuple):
    max_file_bytes: int = 5 * 1024 * 1024
    max_alias_expansion: int = 200_000


@dataclass(frozen=True, slots=True)
class LoadProblem:
    rule: str  # registered rule name, e.g. "yaml-syntax"
    message: str
    line: int = 0  # 0-based, relative to the file
    col: int = 0


_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# line breaks to the YAML parser, but not to editors, git or code-scanning tools
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")


class Source:
    """One loaded file. Mutable (the loader fills it in) and equal only to itself.

    A plain slotted class, not a dataclass: see guidekit.findings. The weak
    reference slot is for caches keyed by source (guidekit.handbook.html)."""

    __slots__ = ("__weakref__", "_composed", "_lines", "_nodes", "_odd_breaks", "body", "body_line", "data",
                 "kind", "path", "problems", "rel", "text", "yaml_line", "yaml_text")

    def __init__(self, path: Path, rel: str, kind: DocKind, text: str = "", yaml_text: str = "",
                 yaml_line: int = 0, data: Any = None, body: str | None = None, body_line: int = 0,
                 problems: list[LoadProblem] | None = None, _nodes: Node | None = None,
                 _composed: bool = False, _odd_breaks: bool | None = None) -> None:
        self.path = path
        self.rel = rel
        self.kind = kind
        self.text = text
        self.yaml_text = yaml_text
        self.yaml_line = yaml_line  # 0-based line of the YAML part within the file
        self.data = data
        self.body = body
        self.body_line = body_line  # 0-based line where the Markdown body starts
        self.problems: list[LoadProblem] = [] if problems is None else problems
        self._nodes = _nodes
        self._composed = _composed
        self._odd_breaks = _odd_breaks
        self._lines: tuple[str, list[str]] | None = None  # (the text they came from, its lines)

    def __repr__(self) -> str:
        return (f"{type(self).__qualname__}(path={self.path!r}, rel={self.rel!r}, kind={self.kind!r}, "
                f"text={self.text!r}, yaml_text={self.yaml_text!r}, yaml_line={self.yaml_line!r}, "
                f"data={self.data!r}, body={self.body!r}, body_line={self.body_line!r}, "
                f"problems={self.problems!r})")

    @property
    def ok(self) -> bool:
        return not self.problems and isinstance(self.data, dict)

    def _root_node(self) -> Node | None:
        if not self._composed:
            from guidekit.loading.yamlio import compose

            self._nodes = compose(self.yaml_text)
            self._composed = True
        return self._nodes

    def span(self, path: JsonPath = (), *, key: bool = False) -> SourceSpan:
        """The source span of the node at ``path`` (its key with ``key=True``)."""
        from guidekit.loading.yamlio import locate_node

        node, key_node = locate_node(self._root_node(), path)
        target = key_node if key and key_node is not None else node
        if target is None:
            return SourceSpan(self.rel, self.yaml_line + 1, 1)
        line, col = self._position(target.start_mark)
        end_line, end_col = self._position(target.end_mark)
        if end_line > line and end_col == 0:
            # block nodes end at the start of the next line; keep the end on the node
            end_line, end_col = line, col
        first = self.yaml_line + 1
        return SourceSpan(self.rel, line + first, col + 1, end_line + first, end_col + 1)

    def _position(self, mark: Any) -> tuple[int, int]:
        """0-based line and column of a parser mark, counting only newlines as line breaks."""
        if self._odd_breaks is None:
            self._odd_breaks = _ODD_BREAKS.search(self.yaml_text) is not None
        if not self._odd_breaks:
            return mark.line, mark.column
        index = mark.index
        return self.yaml_text.count("\n", 0, index), index - (self.yaml_text.rfind("\n", 0, index) + 1)

    def body_span(self, line_in_body: int = 0, col: int = 0) -> SourceSpan:
        return SourceSpan(self.rel, self.body_line + line_in_body + 1, col + 1)

    def line_text(self, line: int) -> str:
        """The 1-based line of the file, for reporters that show source.

        The text is split once (a report of many findings in one file stays linear)."""
        if self._lines is None or self._lines[0] is not self.text:
            self._lines = (self.text, self.text.split("\n"))
        lines = self._lines[1]
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def _decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n")
        col = len(before) - (before.rfind(b"\n") + 1)
        msg = f"file is not valid UTF-8: byte 0x{raw[err.start]:02x} cannot start or continue a character"
        return None, LoadProblem("encoding", msg, line, col)


def _split_front_matter(src: Source) -> bool:
    text = src.text
    if not (text.startswith(("---\n", "---\r\n"))):
        src.problems.append(
            LoadProblem(
                "front-matter",
                "Markdown policy has no YAML front matter: start the file with a '---' line",
            )
        )
        return False
    start = text.index("\n") + 1
    m = _FM_CLOSE.search(text, start)
    if m is None:
        src.problems.append(
            LoadProblem("front-matter", "front matter is not closed: add a '---' line after it")
        )
        return False
    src.yaml_text = text[start : m.start()]
    src.yaml_line = 1
    body_start = m.end() + 1 if m.end() < len(text) else len(text)
    src.body = text[body_start:]
    src.body_line = text.count("\n", 0, body_start)
    if not src.yaml_text.strip():
        src.problems.append(LoadProblem("front-matter", "front matter is empty", 0, 0))
        return False
    return True


def load_text(src: Source, limits: Limits) -> Source:
    """Fill ``src`` (whose ``text`` is set) with data or problems."""
    from guidekit.loading.yamlio import Unusual, YamlProblem, load_with_nodes, load_yaml, locate_node, refused_shape

    text = src.text
    if not text.strip():
        src.problems.append(LoadProblem("empty-file", "file is empty"))
        return src
    if src.kind is DocKind.PAGE:
        src.data, src.body, src.body_line = {}, text, 0
        return src
    if src.path.suffix.lower() in (".md", ".markdown"):
        if not _split_front_matter(src):
            return src
    else:
        src.yaml_text = text
    try:
        data, src._nodes = load_with_nodes(src.yaml_text)
        src._composed = True  # positions come from the same parse
    except Unusual:
        data = None
    try:
        data = load_yaml(src.yaml_text) if not src._composed else data
    except YamlProblem as p:
        rule = {"duplicate-key": "duplicate-key"}.get(p.kind, "yaml-syntax")
        src.problems.append(LoadProblem(rule, p.message, p.line + src.yaml_line, p.col))
        return src
    refused = refused_shape(src.yaml_text, data, limits.max_alias_expansion, src._root_node)
    if refused is not None:
        rule = "alias-expansion" if refused.kind == "alias-expansion" else "yaml-syntax"
        line = refused.line if refused.kind == "too-deep" else 0
        src.problems.append(LoadProblem(rule, refused.message, line + src.yaml_line, refused.col))
        return src
    if data is None:
        src.problems.append(LoadProblem("empty-file", "document holds no data", src.yaml_line))
        return src
    if not isinstance(data, dict):
        src.problems.append(
            LoadProblem(
                "not-a-mapping",
                f"document must be a mapping of keys to values, not a {_yaml_type(data)}",
                src.yaml_line,
            )
        )
        return src
    if src.path.suffix.lower() not in (".md", ".markdown") and isinstance(data.get("body"), str):
        src.body = data["body"]
        node, _ = locate_node(src._root_node(), ("body",))
        src.body_line = node.start_mark.line + 1 if node is not None else 0
    src.data = data
    return src


# a top-level ``id:`` line, for a file whose YAML does not parse (a plain scalar or a quoted one)
_ID_LINE = re.compile(r"""^id:[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9._-]*)\1[ \t]*(?:#.*)?$""", re.MULTILINE)


def named_document(src: Source) -> str | None:
    """The document a file holds as far as it says, even where it does not fit its schema or
    its YAML does not parse (then its top-level ``id:`` line): its id where that is a string
    ("taxonomy" for a taxonomy file); None where the file names none.

    The one reading of what a broken file still names: check keeps references to that
    document quiet while the file is broken, and leaves its translations unjudged."""
    if src.kind is DocKind.TAXONOMY:
        return "taxonomy"
    if isinstance(src.data, dict):
        ident = src.data.get("id")
        return ident if isinstance(ident, str) and ident else None
    m = _ID_LINE.search(src.yaml_text) if src.data is None else None
    return m.group(2) if m else None


def _yaml_type(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def read_guidance(path: Path, max_bytes: int) -> bytes | LoadProblem:
    """The bytes of one guidance file, read once, or the problem that stopped it.

    Only regular files are read: the file is opened without waiting (a FIFO
    would block until a writer came), checked with fstat on the open file, and
    read up to ``max_bytes`` + 1 bytes, so a device, a pipe or a huge file
    never fills memory. The size is judged by what was read, not by st_size
    (0 for devices and pipes)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except RecursionError:
        return LoadProblem("link-outside-root", "symbolic link loop: the link never reaches a file")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return LoadProblem("link-outside-root", "symbolic link loop: the link never reaches a file")
        return LoadProblem("unreadable", f"cannot read file: {err.strerror or err}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return LoadProblem("unreadable", f"not a regular file ({_file_type(st.st_mode)}); not read")
        if st.st_size > max_bytes:
            return _too_large(st.st_size, max_bytes)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            return _too_large(got, max_bytes)
        return b"".join(chunks)
    except OSError as err:
        return LoadProblem("unreadable", f"cannot read file: {err.strerror or err}")
    finally:
        os.close(fd)


def _too_large(size: int, max_bytes: int) -> LoadProblem:
    return LoadProblem(
        "file-too-large",
        f"file is {size / 1_048_576:.1f} MiB, above the {max_bytes / 1_048_576:.1f} MiB "
        "limit (limits.max_file_bytes); not read",
    )


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def load_source(path: Path, rel: str, kind: DocKind, limits: Limits | None = None) -> Source:
    limits = limits or Limits()
    raw = read_guidance(path, limits.max_file_bytes)
    return load_bytes(path, rel, kind, raw, limits)


def load_bytes(path: Path, rel: str, kind: DocKind, raw: bytes | LoadProblem,
               limits: Limits | None = None) -> Source:
    """A source from bytes already read by read_guidance (or the problem it met)."""
    limits = limits or Limits()
    src = Source(path=path, rel=rel, kind=kind)
    if isinstance(raw, LoadProblem):
        src.problems.append(raw)
        return src
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0 and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = raw.count(b"\n", 0, nul)
        col = len(raw[raw.rfind(b"\n", 0, nul) + 1:nul].decode("utf-8", "replace"))
        src.problems.append(LoadProblem("encoding", "file holds NUL bytes: binary, not text",
                                        line, col))
        return src
    text, problem = _decode(raw)
    if problem is not None or text is None:
        src.problems.append(problem or LoadProblem("encoding", "cannot decode file"))
        return src
    src.text = text
    return load_text(src, limits)
