"""Data-driven broken fixtures: each states the finding, file, line and column it must produce."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from guidekit.check.engine import run_check
from guidekit.findings import Finding, format_json_path
from guidekit.loading import load_config
from guidekit.scaffold import init_files

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
CASES: list[dict[str, Any]] = YAML(typ="safe").load((BROKEN / "cases.yaml").read_text("utf-8"))


def _dest(name: str) -> str:
    if name.endswith((".sop.yaml", ".cases.yaml")):
        return f"sops/{name}"
    if name.endswith(".md"):
        return f"policies/{name}"
    return f"taxonomy/{name}"


def make_base(root: Path) -> Path:
    """A repository made by `guidekit init`: clean on its own."""
    for rel, text in init_files("fixture", dt.date(2026, 1, 1)).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # the documents are dated 2026-01-01: date rules (GK340, GK342) compare with that day
    with (root / "guidekit.yaml").open("a", encoding="utf-8") as fh:
        fh.write('today: "2026-01-01"\n')
    return root


def _matches(f: Finding, want: dict[str, Any], default_path: str) -> bool:
    return (
        f.rule == want["rule"]
        and f.span.path == want.get("path", default_path)
        and f.span.line == want["line"]
        and f.span.col == want.get("col", f.span.col)
        and want["message"] in f.message
        and ("json_path" not in want or (f.json_path is not None
                                         and format_json_path(f.json_path) == want["json_path"]))
        and ("note" not in want or want["note"] in f.notes)
    )


def test_base_repository_is_clean(tmp_path: Path) -> None:
    result = run_check(load_config(make_base(tmp_path)))
    assert result.findings == []


def test_there_are_enough_fixtures() -> None:
    assert len(CASES) >= 25
    rules = {e["rule"] for c in CASES for e in (c["expect"] if isinstance(c["expect"], list) else [c["expect"]])}
    assert {"GK001", "GK002", "GK003", "GK004", "GK005", "GK007", "GK100", "GK201", "GK210",
            "GK220", "GK221", "GK230"} <= rules


@pytest.mark.parametrize(
    "case", CASES, ids=[str(c["fixture"]) for c in CASES]
)
def test_broken_fixture(case: dict[str, Any], tmp_path: Path) -> None:
    root = make_base(tmp_path)
    names = case["fixture"] if isinstance(case["fixture"], list) else [case["fixture"]]
    for name in names:
        shutil.copyfile(BROKEN / name, root / _dest(name))
    result = run_check(load_config(root))
    wants = case["expect"] if isinstance(case["expect"], list) else [case["expect"]]
    for want in wants:
        hits = [f for f in result.findings if _matches(f, want, _dest(names[0]))]
        assert hits, f"expected {want} in:\n" + "\n".join(
            f"{f.span} {f.rule} {f.message} {f.notes}" for f in result.findings
        )
    # nothing but the findings the fixture states (no cascades of noise)
    stated = {w["rule"] for w in wants}
    assert {f.rule for f in result.findings} <= stated


def test_symlink_outside_root_is_reported_not_followed(tmp_path: Path) -> None:
    root = make_base(tmp_path / "repo")
    secret = tmp_path / "secret.md"
    secret.write_text("---\nid: X\n---\n", encoding="utf-8")
    os.symlink(secret, root / "policies" / "linked.md")
    os.symlink(tmp_path, root / "policies" / "linked-dir")
    result = run_check(load_config(root))
    spans = {(f.rule, f.span.path, f.span.line) for f in result.findings}
    assert spans == {
        ("GK008", "policies/linked.md", 1),
        ("GK008", "policies/linked-dir", 1),
    }


def test_symlink_inside_root_is_read(tmp_path: Path) -> None:
    root = make_base(tmp_path)
    (root / "shared").mkdir()
    (root / "taxonomy" / "markets.yaml").rename(root / "shared" / "markets.yaml")
    os.symlink(root / "shared" / "markets.yaml", root / "taxonomy" / "markets.yaml")
    result = run_check(load_config(root))
    assert [f.rule for f in result.findings] == []
    assert "markets" in result.corpus.taxonomy.present if result.corpus else False


def test_fifty_megabyte_file_is_refused_without_reading(tmp_path: Path) -> None:
    root = make_base(tmp_path)
    big = root / "policies" / "huge.md"
    with big.open("wb") as fh:
        fh.write(b"---\nid: CG-HUGE\n---\n")
        fh.truncate(50 * 1024 * 1024)
    result = run_check(load_config(root))
    [f] = result.findings
    assert (f.rule, f.span.path, f.span.line) == ("GK006", "policies/huge.md", 1)
    assert "50.0 MiB" in f.message
