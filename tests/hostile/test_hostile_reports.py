"""Linear reports and loading (issue 17): no work per finding that grows with the file."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import guidekit.loading.yamlio as yamlio
from guidekit.check.engine import CheckResult
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.source import DocKind, Source, load_source
from guidekit.report.base import ReportOptions
from guidekit.report.json_report import write_json
from guidekit.report.text import write_text


class _CountingText(str):
    """A file's text that counts how often it is split into lines."""

    splits = 0

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        type(self).splits += 1
        return super().split(*args, **kwargs)


def _result(n: int = 20_000) -> CheckResult:
    text = "rules:\n" + "\n".join(f"  - id: R{i}\n    text: some words here and there {i}"
                                  for i in range(n // 2)) + "\n"  # ~0.5 MB
    src = Source(Path("/nowhere/p.yaml"), "p.yaml", DocKind.POLICY, text=_CountingText(text))
    findings = [Finding("GK320", "wording", Severity.WARNING, f"message {i}",
                        SourceSpan("p.yaml", 2 + i // 2, 5, 2 + i // 2, 9), None, ("a note",), None)
                for i in range(n)]
    return CheckResult(root=Path("/nowhere"), findings=findings, files=["p.yaml"],
                       sources={"p.yaml": src})


def _calls(write: Callable[..., None], result: CheckResult) -> int:
    """Python and C function calls a reporter makes: a deterministic measure of its work."""
    n = 0

    def count(_frame: Any, event: str, _arg: Any) -> None:
        nonlocal n
        if event in ("call", "c_call"):
            n += 1

    sys.setprofile(count)
    try:
        write(result, io.StringIO(), ReportOptions())
    finally:
        sys.setprofile(None)
    return n


def test_the_text_report_of_20000_findings_costs_at_most_twice_the_json_report() -> None:
    result = _result()
    _CountingText.splits = 0
    text_calls = _calls(write_text, result)
    assert _CountingText.splits == 1  # the file's lines are split once, not once a finding
    json_calls = _calls(write_json, result)
    assert text_calls <= 2 * json_calls, (text_calls, json_calls)


def test_every_finding_still_shows_its_line() -> None:
    out = io.StringIO()
    write_text(_result(10), out, ReportOptions())
    assert out.getvalue().count("| ") == 20 and "text: some words here and there 0" in out.getvalue()


def test_a_long_list_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A million-item list took 51 s: the safe loader resolved every scalar in Python and
    the positions took a second parse. Now one parse (in C) gives data and positions."""
    path = tmp_path / "list.sop.yaml"
    path.write_text("id: SOP-LIST\nnotes:\n" + "  - x\n" * 200_000, encoding="utf-8")
    parses: list[str] = []
    # the loader takes its parsers from yamlio where it parses
    monkeypatch.setattr(yamlio, "load_yaml", lambda t: parses.append("load_yaml"))
    monkeypatch.setattr(yamlio, "compose", lambda t: parses.append("compose"))
    src = load_source(path, "sops/list.sop.yaml", DocKind.SOP)
    assert src.ok and len(src.data["notes"]) == 200_000
    assert src.span(("notes", 199_999)).line == 200_002
    assert parses == []
