"""Tree analysis in `check` (GK4xx): each fixture states the findings it must produce."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from guidekit.check.engine import run_check
from guidekit.check.registry import all_rules
from guidekit.findings import Finding
from guidekit.loading import load_config

DATA = Path(__file__).resolve().parents[1] / "data"
TREE = DATA / "tree"
CASES: list[dict[str, Any]] = YAML(typ="safe").load((TREE / "cases.yaml").read_text("utf-8"))


def _repo(tmp_path: Path, *fixtures: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA / "sop" / "repo", root)
    for name in fixtures:
        shutil.copyfile(TREE / name, root / "sops" / name)
    return root


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"{f.span} {f.rule} {f.message}" for f in findings)


def test_base_repository_is_clean(tmp_path: Path) -> None:
    assert run_check(load_config(_repo(tmp_path))).findings == []


def test_tree_rules_are_registered() -> None:
    ids = {r.id for r in all_rules()}
    assert {"GK401", "GK402", "GK403", "GK404", "GK405"} <= ids


@pytest.mark.parametrize("case", CASES, ids=[c["fixture"] for c in CASES])
def test_tree_fixture(case: dict[str, Any], tmp_path: Path) -> None:
    root = _repo(tmp_path, case["fixture"])
    findings = run_check(load_config(root)).findings
    rel = f"sops/{case['fixture']}"
    got = [(f.rule, f.span.path, f.span.line, f.span.col) for f in findings]
    want = [(w["rule"], rel, w["line"], w["col"]) for w in case["expect"]]
    assert sorted(got) == sorted(want), _show(findings)
    for w in case["expect"]:
        hit = next(f for f in findings if (f.rule, f.span.line, f.span.col) ==
                   (w["rule"], w["line"], w["col"]))
        assert w["message"] in hit.message
