"""Every finding in one run: schema errors in a document no longer hide its reference,
duplicate-id and lint findings. tests/data/one-run/<file> states each finding it must
produce (``# expect: GK210 line 21 col 15``); the findings in that file must be exactly
those: no more (nothing twice, nothing about a node a schema error dropped), no fewer."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from test_lint_fixtures import lint_repo

from guidekit.check.engine import run_check
from guidekit.loading import load_config

ONE_RUN = Path(__file__).resolve().parents[1] / "data" / "one-run"
FIXTURES = sorted(ONE_RUN.iterdir())
_EXPECT = re.compile(r"expect:\s*(GK\d{3})\s+line\s+(\d+)\s+col\s+(\d+)")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_finding_in_one_run(fixture: Path, tmp_path: Path) -> None:
    root = lint_repo(tmp_path)
    dest = f"policies/{fixture.name}"
    shutil.copyfile(fixture, root / dest)
    result = run_check(load_config(root), lean=True)
    found = Counter((f.rule, f.span.line, f.span.col) for f in result.findings if f.span.path == dest)
    expected = Counter((r, int(line), int(col)) for r, line, col in _EXPECT.findall(fixture.read_text("utf-8")))
    listing = "\n".join(f"{f.span} {f.rule} {f.message}" for f in result.findings)
    assert {"GK100"} < {r for r, _l, _c in expected}, "a fixture here mixes schema errors with others"
    assert found == expected, listing
    assert [f for f in result.findings if f.span.path != dest] == [], listing


def test_a_reference_in_a_document_with_schema_errors_keeps_its_suggestion(tmp_path: Path) -> None:
    root = lint_repo(tmp_path)
    shutil.copyfile(ONE_RUN / "all-at-once.md", root / "policies/all-at-once.md")
    result = run_check(load_config(root), lean=True)
    (remov,) = [f for f in result.findings if "'remov'" in f.message]
    assert any("did you mean 'remove'" in n for n in remov.notes) or "remove" in (remov.fix or "")


def test_cached_rerun_reports_the_same(tmp_path: Path) -> None:
    root = lint_repo(tmp_path / "repo")
    shutil.copyfile(ONE_RUN / "all-at-once.md", root / "policies/all-at-once.md")
    cache = tmp_path / "cache"
    first = run_check(load_config(root), lean=True, cache_dir=cache)
    second = run_check(load_config(root), lean=True, cache_dir=cache)
    assert second.findings == first.findings and len(first.findings) == 11
