"""Ids that are what they look like (issue 17): anchored patterns, a length limit, safe names."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.fsutil import unsafe_name
from guidekit.loading import load_config
from guidekit.schemas import is_valid_fast, validator_for

POLICY = "policies/ads/alcohol.md"


@pytest.mark.parametrize("bad", ["CG-HARASS\n", "CG-HARASS\n\n", "A" * 65, "CG-\nX"])
def test_both_validators_refuse_ids_that_only_look_right(bad: str) -> None:
    data = {"id": bad}
    assert not is_valid_fast("policy", data)
    assert any(e.path and e.path[-1] == "id" for e in validator_for("policy").iter_errors(data))


def test_a_64_character_id_is_still_an_id() -> None:
    errors = validator_for("policy").iter_errors({"id": "A" * 64})
    assert not any(e.path and e.path[-1] == "id" for e in errors)


def test_check_reports_an_id_with_a_trailing_newline_and_a_300_character_id(sample_root: Path) -> None:
    path = sample_root / POLICY
    text = path.read_text("utf-8")
    path.write_text(text.replace("id: ADS-ALC\n", 'id: "ADS-ALC\\n"\n', 1), encoding="utf-8")
    long = sample_root / "policies/ads/long.md"
    long.write_text(text.replace("id: ADS-ALC\n", f"id: ADS-{'L' * 300}\n", 1)
                    .replace("ADS-ALC-", "ADS-LNG-"), encoding="utf-8")
    findings = run_check(load_config(sample_root)).findings
    assert {(f.rule, f.span.path, f.span.line) for f in findings if f.rule == "GK100"} >= {
        ("GK100", POLICY, 3), ("GK100", "policies/ads/long.md", 3)}


def test_a_handbook_name_has_the_same_limits() -> None:
    config = {"handbooks": [{"name": "a" * 65, "title": "T"}, {"name": "ok\n", "title": "T"}]}
    bad = [list(e.path) for e in validator_for("config").iter_errors(config)]
    assert ["handbooks", 0, "name"] in bad and ["handbooks", 1, "name"] in bad


@pytest.mark.parametrize(("name", "ok"), [
    ("ADS-ALC.md", True), ("doc/ADS-ALC.html", True), ("../x.md", False), ("/etc/x", False),
    ("a/./b", False), ("x\n.md", False), ("x\x1b.md", False), ("L" * 256 + ".md", False), ("", False),
])
def test_file_names_are_checked_before_any_write(name: str, ok: bool) -> None:
    assert (unsafe_name(name) is None) is ok
