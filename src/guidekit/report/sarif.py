"""SARIF 2.1.0, the format code-scanning dashboards read."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from guidekit import __version__
from guidekit.findings import Severity
from guidekit.report.base import ReportOptions
from guidekit.report.paths import report_prefix, shown

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["write_sarif"]

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _region(f: Any) -> dict[str, int]:
    region = {"startLine": f.span.line, "startColumn": f.span.col}
    if f.span.end_line is not None and f.span.end_line >= f.span.line:
        region["endLine"] = f.span.end_line
        if f.span.end_col is not None and (
            f.span.end_line > f.span.line or f.span.end_col >= f.span.col
        ):
            region["endColumn"] = f.span.end_col
    return region


def _uri(path: str) -> str:
    """A relative URI reference: the path with its reserved characters percent-encoded."""
    return quote(path, safe="/")


def write_sarif(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    rules = sorted({r.id: r for r in result.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    prefix = report_prefix(result.root)
    for f in result.findings:
        item: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + "".join(f"\n{n}" for n in f.notes)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(shown(prefix, f.span.path)),
                                             "uriBaseId": "%SRCROOT%"},
                        "region": _region(f),
                    }
                }
            ],
        }
        if f.rule in index:
            item["ruleIndex"] = index[f.rule]
        if f.json_path is not None:
            from guidekit.findings import format_json_path

            item["properties"] = {"jsonPath": format_json_path(f.json_path)}
        results.append(item)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guidekit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [
                            {
                                "id": r.id,
                                "name": r.name,
                                "shortDescription": {"text": r.summary()},
                                "fullDescription": {"text": r.doc()},
                                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                # columns count characters (code points), not UTF-16 units
                "columnKind": "unicodeCodePoints",
                # no machine path: readers resolve %SRCROOT% to their checkout of the repository
                "originalUriBaseIds": {"%SRCROOT%": {"description": {
                    "text": "The top of the git work tree (else the working directory)."}}},
                "results": results,
            }
        ],
    }
    json.dump(doc, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
