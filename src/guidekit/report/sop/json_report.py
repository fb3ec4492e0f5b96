"""JSON, described by schemas/test-result.schema.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from guidekit import __version__
from guidekit.report.paths import report_prefix, shown, shown_span
from guidekit.report.sop import SuiteReportOptions
from guidekit.sop.coverage import Coverage

if TYPE_CHECKING:
    from guidekit.sop.runner import CaseResult, SuiteRun

__all__ = ["suite_run_dict", "write_json"]


def _coverage(c: Coverage, prefix: str) -> dict[str, Any]:
    return {
        m.name: {
            "covered": m.covered,
            "total": m.total,
            "percent": round(m.percent, 2),
            "missed": [{"item": x.what, **_where(shown_span(prefix, x.loc.span()))} for x in m.missed],
        }
        for m in c.all()
    }


def _where(span: Any) -> dict[str, Any]:
    return {"path": span.path, "line": span.line, "column": span.col}


def _case(r: CaseResult, prefix: str) -> dict[str, Any]:
    c = r.case
    out: dict[str, Any] = {
        "id": c.id,
        "status": "passed" if r.passed else "failed",
        **_where(shown_span(prefix, c.loc.span())),
        "market": c.market,
        "path_taken": [{"node": h.node, "answer": h.answer} for h in r.walk.hops],
        "stop": r.walk.stop.value,
        "reached": r.walk.at if r.walk.reached else None,
        "diverged_at": r.diverged_at,
        "branches": [{"path_taken": [{"node": h.node, "answer": h.answer} for h in w.hops],
                      "stop": w.stop.value, "reached": w.at if w.reached else None}
                     for w, _res in r.branches[1:]],
        "expected": {
            "outcome": c.expect.outcome,
            "outcomes": list(c.expect.outcomes),
            "actions": list(c.expect.actions) if c.expect.actions is not None else None,
            "rules": list(c.expect.rules) if c.expect.rules is not None else None,
            "not_rules": list(c.expect.not_rules),
        },
        "actual": None if r.resolved is None else {
            "outcome": r.resolved.outcome.id,
            "outcomes": list(r.reached),
            "actions": list(r.actions),
            "rules": list(r.rules),
        },
        "failures": list(r.failures),
        "notes": list(r.notes),
    }
    return out


def suite_run_dict(run: SuiteRun, options: SuiteReportOptions) -> dict[str, Any]:
    below = run.below(options.min_coverage, options.coverage_of) \
        if options.min_coverage is not None else []
    prefix = report_prefix(run.root)
    return {
        "tool": "guidekit",
        "version": __version__,
        "root": prefix.rstrip("/") or ".",
        "summary": {
            "passed": run.passed,
            "failed": run.failed,
            "problems": len(run.problems),
            "min_coverage": options.min_coverage,
            "coverage_below": below,
        },
        "coverage": _coverage(run.coverage, prefix),
        "problems": [f._replace(span=shown_span(prefix, f.span)).to_dict() for f in run.problems],
        "sops": [
            {
                "id": s.sop.id,
                "path": shown(prefix, s.sop.source.rel),
                "coverage": _coverage(s.coverage, prefix),
                "cases": [_case(r, prefix) for r in s.results],
            }
            for s in run.sops
        ],
    }


def write_json(run: SuiteRun, stream: TextIO, options: SuiteReportOptions) -> None:
    json.dump(suite_run_dict(run, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
