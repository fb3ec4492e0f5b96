"""Discover guidance files and load them with source positions.

Names are imported from their modules on first use (guidekit.lazy), so that
importing one module of the package (e.g. guidekit.loading.root) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidekit.lazy import lazy_exports

if TYPE_CHECKING:
    from guidekit.loading.config import Config, load_config
    from guidekit.loading.discover import discover
    from guidekit.loading.root import find_root
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

__getattr__ = lazy_exports(__name__, {
    "Config": "config", "load_config": "config", "discover": "discover", "find_root": "root",
    "DocKind": "source", "LoadProblem": "source", "Source": "source", "load_source": "source",
})
