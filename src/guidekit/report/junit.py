"""JUnit XML: one test case per checked file, a failure per finding at or above error."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from guidekit.findings import Severity
from guidekit.report.base import ReportOptions
from guidekit.report.escape import xml_text
from guidekit.report.paths import report_prefix, shown, shown_span

if TYPE_CHECKING:
    from guidekit.check.engine import CheckResult

__all__ = ["write_junit"]


def write_junit(result: CheckResult, stream: TextIO, options: ReportOptions) -> None:
    by_file = {path: list(g) for path, g in groupby(result.findings, key=lambda f: f.span.path)}
    files = sorted(set(result.files) | set(by_file))
    suites = ET.Element("testsuites", name="guidekit check")
    suite = ET.SubElement(suites, "testsuite", name="guidekit check")
    failures = 0
    prefix = report_prefix(result.root)
    for path in files:
        case = ET.SubElement(suite, "testcase", classname="guidekit.check", name=shown(prefix, path),
                             file=shown(prefix, path))
        findings = by_file.get(path, [])
        errors = [f for f in findings if f.severity is Severity.ERROR]
        for f in errors:
            failures += 1
            el = ET.SubElement(case, "failure", message=f"{f.rule} {f.message}", type=f.name)
            el.text = f"{shown_span(prefix, f.span)}: {f.message}" + "".join(f"\n{n}" for n in f.notes)
        others = [f for f in findings if f.severity is not Severity.ERROR]
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{shown_span(prefix, f.span)}: {f.severity.value} {f.rule} {f.message}"
                                 for f in others)
    suite.set("tests", str(len(files)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    if options.elapsed is not None:
        suite.set("time", f"{options.elapsed:.3f}")
    suites.set("tests", str(len(files)))
    suites.set("failures", str(failures))
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    # file names and messages may hold characters XML 1.0 cannot carry: replaced
    stream.write(xml_text(ET.tostring(suites, encoding="unicode")))
    stream.write("\n")
