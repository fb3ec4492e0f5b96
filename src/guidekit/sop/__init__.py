"""Executable SOPs: the decision-tree engine, the case runner and coverage.

Names are imported from their modules on first use (guidekit.lazy): `check` needs only
the graph (guidekit.sop.graph) and does not pay for the engine, the runner and coverage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidekit.lazy import lazy_exports

if TYPE_CHECKING:
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

__getattr__ = lazy_exports(__name__, {
    **dict.fromkeys(("Coverage", "Metric"), "coverage"),
    **dict.fromkeys(("Resolved", "Walk", "resolve", "walk"), "engine"),
    **dict.fromkeys(("CaseResult", "SopRun", "SuiteRun", "run_cases", "run_sop_tests"), "runner"),
})
