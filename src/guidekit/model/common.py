"""What every guidance model shares: the lifecycle status, a node's location, and
the small converters the builders use."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from guidekit.findings import JsonPath, SourceSpan
from guidekit.loading.source import Source

__all__ = ["Loc", "Status", "as_date", "as_strings"]


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


# named tuple, measured hot: one per model node (14,500 in a 500-policy diff); 0.3 vs 1.0 us a frozen dataclass
class Loc(NamedTuple):
    source: Source
    path: JsonPath

    def span(self, *, key: bool = False) -> SourceSpan:
        return self.source.span(self.path, key=key)

    def at(self, *more: str | int) -> Loc:
        return Loc(self.source, _one(self.path + more))


# Immutable values that recur across documents (JSON paths such as ("rules", 0), vocabulary
# lists such as ("feed", "live"), dates) are shared: one object for all equal ones. check's
# parent holds a model of every policy; sharing them is a fifth of a model's memory. Least
# recently used values are dropped: a value seen once (a list of ids) costs one slot, not memory.
@lru_cache(maxsize=1024)
def _one(value: Any) -> Any:
    return value


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return _one(dt.date.fromisoformat(str(value)))  # type: ignore[no-any-return]
    except ValueError:
        return None


def as_strings(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return _one(tuple(str(v) for v in value))  # type: ignore[no-any-return]
