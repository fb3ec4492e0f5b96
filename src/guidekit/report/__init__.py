"""Reporters: each turns a CheckResult into one output format on a stream."""

from __future__ import annotations

from guidekit.report.base import REPORTERS, Reporter, ReportOptions, get_reporter

__all__ = ["REPORTERS", "ReportOptions", "Reporter", "get_reporter"]
