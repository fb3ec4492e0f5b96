"""Reviewer handbooks: select documents per handbook, render HTML or Markdown, write atomically."""

from __future__ import annotations

from guidekit.handbook.engine import (
    FORMATS,
    PRINT_GRAPHIC,
    BuildOptions,
    BuildResult,
    HandbookOutput,
    build,
)
from guidekit.handbook.handbook import Handbook, HandbookSpec, handbook_specs, select_handbook

__all__ = [
    "FORMATS",
    "PRINT_GRAPHIC",
    "BuildOptions",
    "BuildResult",
    "Handbook",
    "HandbookOutput",
    "HandbookSpec",
    "build",
    "handbook_specs",
    "select_handbook",
]
