"""`guidekit test` through the CLI: sample guidance, a broken fixture, formats, exit codes."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from guidekit.loading import load_config
from guidekit.schemas import validator_for
from guidekit.sop.runner import run_sop_tests

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "guidance"
DATA = REPO / "tests" / "data" / "sop"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")


@pytest.fixture
def broken_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA / "repo", root)
    shutil.copyfile(DATA / "broken" / "insults-broken.sop.yaml", root / "sops" / "broken.sop.yaml")
    return root


def test_every_sample_sop_has_cases() -> None:
    run = run_sop_tests(load_config(SAMPLE))
    assert run.sops, "the sample guidance has no SOPs"
    assert [s.sop.id for s in run.sops if not s.results] == []


def test_sample_guidance_passes_with_90_percent_coverage(cli) -> None:
    r = cli("test", str(SAMPLE), "--min-coverage", "90")
    assert r.exit_code == 0, r.stdout
    lines = r.stdout.splitlines()
    m = SUMMARY.match(lines[-1])
    assert m is not None and int(m.group(1)) > 0 and m.group(2) == "0"
    data = json.loads(cli("test", str(SAMPLE), "-f", "json").stdout)
    for name in ("nodes", "outcomes"):
        assert data["coverage"][name]["percent"] >= 90, name


def test_broken_sop_fails_naming_the_diverging_node(cli, broken_root: Path) -> None:
    r = cli("test", str(broken_root))
    assert r.exit_code == 1
    assert "diverged at node 'q-severity'" in r.stdout
    assert "FAIL wrong-branch" in r.stdout
    assert "sops/broken.sop.yaml:" in r.stdout
    last = r.stdout.splitlines()[-1]
    assert last == "6 passed, 9 failed"


def test_min_coverage_gate(cli, broken_root: Path) -> None:
    (broken_root / "sops" / "broken.sop.yaml").unlink()
    assert cli("test", str(broken_root), "--min-coverage", "100").exit_code == 0
    cases = broken_root / "sops" / "insults.cases.yaml"
    cases.unlink()  # without the case file, 'keep' and q-insult=no are never reached
    r = cli("test", str(broken_root), "--min-coverage", "90")
    assert r.exit_code == 1
    assert "coverage of answers is 75.0%, below --min-coverage 90%" in r.stdout
    assert "outcome keep" in r.stdout
    assert r.stdout.splitlines()[-1] == "2 passed, 0 failed"
    # the gate says why on standard error, one line per metric below its threshold
    assert r.stderr.splitlines() == ["guidekit: failed: coverage below --min-coverage 90%: "
                                     "answers 75.0% (3 of 4), outcomes 66.7% (2 of 3)"]
    assert cli("test", str(broken_root), "--min-coverage", "90",
               "--coverage-of", "nodes").exit_code == 0
    assert cli("test", str(broken_root), "--coverage-of", "branches").exit_code == 2


def test_json_report_validates_against_its_schema(cli, broken_root: Path) -> None:
    r = cli("test", str(broken_root), "-f", "json", "--min-coverage", "95")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    errors = list(validator_for("test-result").iter_errors(data))
    assert errors == []
    assert data["summary"]["passed"] == 6 and data["summary"]["failed"] == 9
    assert data["summary"]["coverage_below"] == ["outcomes"]
    broken = next(s for s in data["sops"] if s["id"] == "SOP-INSULT-BROKEN")
    case = next(c for c in broken["cases"] if c["id"] == "wrong-branch")
    assert case["diverged_at"] == "q-severity"
    assert case["path_taken"] == [{"node": "q-insult", "answer": "yes"},
                                  {"node": "q-severity", "answer": "mild"}]


def test_junit_report(cli, broken_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "report" / "junit.xml"
    r = cli("test", str(broken_root), "-f", "junit", "--output", str(out))
    assert r.exit_code == 1 and r.stdout == ""
    root = ET.fromstring(out.read_text("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("15", "9")
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "SOP-INSULT-BROKEN")
    failed = {c.get("name"): c.find("failure") for c in suite.iter("testcase")}
    assert failed["passes"] is None
    failure = failed["wrong-branch"]
    assert failure is not None and "q-severity" in (failure.get("message") or "")


def test_paths_and_usage_errors(cli, broken_root: Path) -> None:
    r = cli("test", str(broken_root / "sops" / "insults.sop.yaml"))
    assert r.exit_code == 0 and r.stdout.splitlines()[-1] == "4 passed, 0 failed"
    assert cli("test", str(broken_root / "nope.sop.yaml")).exit_code == 2
    assert cli("test", str(broken_root), "-f", "sarif").exit_code == 2
    assert cli("test", str(broken_root), "--min-coverage", "120").exit_code == 2


def test_broken_case_file_exits_1_without_traceback(cli, broken_root: Path) -> None:
    (broken_root / "sops" / "insults.cases.yaml").write_text("sop: SOP-INSULT\ncases: [\n", "utf-8")
    r = cli("test", str(broken_root / "sops" / "insults.sop.yaml"), str(broken_root / "sops"))
    assert r.exit_code == 1
    assert "sops/insults.cases.yaml:3:1" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_summary_uses_singular_for_one_sop(cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path)).exit_code == 0
    r = cli("test", str(tmp_path))
    assert r.exit_code == 0, r.stdout
    assert "ran 2 cases of 1 SOP in" in r.stdout
