"""Executable SOPs: the decision-tree engine, the case runner and coverage."""

from __future__ import annotations

from guidekit.sop.coverage import Coverage, Metric
from guidekit.sop.engine import Resolved, Walk, resolve, walk
from guidekit.sop.runner import CaseResult, SopRun, SuiteRun, run_cases, run_sop_tests

__all__ = [
    "CaseResult",
    "Coverage",
    "Metric",
    "Resolved",
    "SopRun",
    "SuiteRun",
    "Walk",
    "resolve",
    "run_cases",
    "run_sop_tests",
    "walk",
]
