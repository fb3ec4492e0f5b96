"""JSON, described by schemas/check-result.schema.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from guidekit import __version__
from guidekit.findings import Severity
from guidekit.report.base import ReportOptions
from guidekit.report.paths import report_prefix, shown_span

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["check_result_dict", "write_json"]


def check_result_dict(result: CheckResult) -> dict[str, Any]:
    prefix = report_prefix(result.root)
    return {
        "tool": "guidekit",
        "version": __version__,
        "root": prefix.rstrip("/") or ".",
        "summary": {
            "files": len(result.files),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
        "findings": [f._replace(span=shown_span(prefix, f.span)).to_dict() for f in result.findings],
    }


def write_json(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    # one write: json.dump writes every token on its own (a hundred thousand for a few thousand findings)
    stream.write(json.dumps(check_result_dict(result), indent=2, ensure_ascii=False) + "\n")
