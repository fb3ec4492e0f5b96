"""Reporters: each turns a result (of check, diff, test or export) into one output
format on a stream. ``base`` holds the check reporters' interface and registry,
``diff_base`` the diff's. Nothing is imported here, so that a diff does not load
the check reporters' machinery (the names below are re-exported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidekit.lazy import lazy_exports

if TYPE_CHECKING:
    from guidekit.report.base import REPORTERS, Reporter, ReportOptions, get_reporter

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "get_reporter"]

__getattr__ = lazy_exports(__name__, dict.fromkeys(__all__, "base"))
