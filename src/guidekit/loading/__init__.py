"""Discover guidance files and load them with source positions."""

from __future__ import annotations

from guidekit.loading.config import Config, find_root, load_config
from guidekit.loading.discover import discover
from guidekit.loading.source import DocKind, LoadProblem, Source, load_source

__all__ = [
    "Config",
    "DocKind",
    "LoadProblem",
    "Source",
    "discover",
    "find_root",
    "load_config",
    "load_source",
]
