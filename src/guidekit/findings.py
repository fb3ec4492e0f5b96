"""Source locations and findings: the data every engine returns.

Both are named tuples, not dataclasses: every command creates them, and creating
a dataclass (and importing ``dataclasses``, which pulls in ``inspect``) costs a
short command like `guidekit diff` more than a millisecond each.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["Finding", "JsonPath", "Severity", "SourceSpan", "format_json_path"]

JsonPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


# named tuple, measured hot: one per located node or finding (5,800 in a 500-policy diff)
class SourceSpan(NamedTuple):
    """Where a person wrote something: 1-based line and column, end optional.

    Spans order as tuples of their fields (path, line, column, end)."""

    path: str
    line: int = 1
    col: int = 1
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


# named tuple, measured hot: one per finding, made in workers and pickled per file to the parent
class Finding(NamedTuple):
    rule: str
    name: str
    severity: Severity
    message: str
    span: SourceSpan
    json_path: JsonPath | None = None
    notes: tuple[str, ...] = ()
    fix: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.span.path, self.span.line, self.span.col, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.col,
        }
        if self.span.end_line is not None:
            out["end_line"] = self.span.end_line
            out["end_column"] = self.span.end_col
        if self.json_path is not None:
            out["json_path"] = format_json_path(self.json_path)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.fix:
            out["fix"] = self.fix
        return out


def format_json_path(path: JsonPath) -> str:
    parts = ["$"]
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif isinstance(p, str) and p.isidentifier():
            parts.append(f".{p}")
        else:
            parts.append(f"[{p!r}]")
    return "".join(parts)
