"""JUnit XML: a test suite per SOP, a test case per labelled case."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, TextIO

from guidekit.report.escape import xml_text
from guidekit.report.paths import report_prefix, shown, shown_span
from guidekit.report.sop import SuiteReportOptions

if TYPE_CHECKING:
    from guidekit.sop.runner import SuiteRun

__all__ = ["write_junit"]


def write_junit(run: SuiteRun, stream: TextIO, options: SuiteReportOptions) -> None:
    suites = ET.Element("testsuites", name="guidekit test",
                        tests=str(len(run.results)), failures=str(run.failed),
                        errors=str(len(run.problems)))
    prefix = report_prefix(run.root)
    if run.problems:
        suite = ET.SubElement(suites, "testsuite", name="files", tests=str(len(run.problems)),
                              failures="0", errors=str(len(run.problems)), skipped="0")
        for f in run.problems:
            span = shown_span(prefix, f.span)
            case = ET.SubElement(suite, "testcase", classname="guidekit.files",
                                 name=span.path, file=span.path)
            err = ET.SubElement(case, "error", message=f"{f.rule} {f.message}", type=f.name)
            err.text = f"{span}: {f.message}"
    for s in run.sops:
        failed = sum(1 for r in s.results if not r.passed)
        suite = ET.SubElement(suites, "testsuite", name=s.sop.id, tests=str(len(s.results)),
                              failures=str(failed), errors="0", skipped="0",
                              file=shown(prefix, s.sop.source.rel))
        for r in s.results:
            span = shown_span(prefix, r.case.loc.span())
            case = ET.SubElement(suite, "testcase", classname=s.sop.id, name=r.case.id,
                                 file=span.path, line=str(span.line))
            if not r.passed:
                fail = ET.SubElement(case, "failure", message=r.failures[0], type="case-failed")
                fail.text = "\n".join([f"{span}: {m}" for m in r.failures]
                                      + [f"path: {p}" for p in r.paths()]
                                      + [f"note: {n}" for n in r.notes])
            elif r.notes:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join([f"path: {p}" for p in r.paths()] + [f"note: {n}" for n in r.notes])
    if options.elapsed is not None:
        suites.set("time", f"{options.elapsed:.3f}")
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    # file names and messages may hold characters XML 1.0 cannot carry: replaced
    stream.write(xml_text(ET.tostring(suites, encoding="unicode")))
    stream.write("\n")
