"""GitHub Actions workflow commands: annotations on the pull request's changed lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from guidekit.findings import Severity
from guidekit.report.base import ReportOptions
from guidekit.report.paths import report_prefix, shown

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["write_github"]

_CMD = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    prefix = report_prefix(result.root) if result.findings else ""  # asks git: only to show a path
    for f in result.findings:
        props = [f"file={_prop(shown(prefix, f.span.path))}", f"line={f.span.line}", f"col={f.span.col}"]
        if f.span.end_line is not None and f.span.end_line >= f.span.line:
            props.append(f"endLine={f.span.end_line}")
        props.append(f"title={_prop(f'{f.rule} {f.name}')}")
        message = f.message + "".join(f"\n{n}" for n in f.notes)
        stream.write(f"::{_CMD[f.severity]} {','.join(props)}::{_data(message)}\n")
