"""Reporters: each turns a result (of check, diff, test or export) into one output
format on a stream. ``base`` holds the check reporters' interface and registry,
``diff_base`` the diff's. Nothing is imported here, so that a diff does not load
the check reporters' machinery (the names below are re-exported on first use)."""

from __future__ import annotations

from typing import Any

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "get_reporter"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from guidekit.report import base

        return getattr(base, name)
    raise AttributeError(f"module 'guidekit.report' has no attribute {name!r}")
