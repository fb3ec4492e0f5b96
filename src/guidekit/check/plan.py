"""Which files a check loads and which it reports on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover, select_named

__all__ = ["Plan", "make_plan"]


@dataclass
class Plan:
    items: list[Discovered]
    wanted: Callable[[str], bool]
    # files given by name that the configuration does not cover (see select_named)
    skipped: list[str] = field(default_factory=list)
    # every path given was skipped: nothing to load or report
    nothing: bool = False


def make_plan(config: Config, paths: Sequence[Path]) -> Plan:
    items = discover(config)
    named = select_named(config, paths, (d.rel for d in items))
    return Plan(items, named.wanted, skipped=list(named.skipped), nothing=named.nothing)
