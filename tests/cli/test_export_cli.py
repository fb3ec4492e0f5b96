"""`guidekit export` through the CLI: output targets, refusals and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "sop" / "repo"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(FIXTURE, dest)
    return dest


def test_single_file_kind_prints_to_stdout_or_writes_a_file(cli, root: Path, tmp_path: Path) -> None:
    r = cli("export", "bundle", "--root", str(root))
    assert r.exit_code == 0
    assert json.loads(r.stdout)["policies"][0]["id"] == "CG-INSULT"
    out = tmp_path / "nested" / "b.json"
    r = cli("export", "bundle", "--root", str(root), "--out", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(out.read_text("utf-8"))["format"] == 1
    assert [p.name for p in out.parent.iterdir()] == ["b.json"]  # no temporary files left


def test_multi_file_kind_needs_a_folder(cli, root: Path, tmp_path: Path) -> None:
    r = cli("export", "dsa", "--root", str(root))
    assert r.exit_code == 2 and "give --out FOLDER" in r.stderr
    afile = tmp_path / "x.txt"
    afile.write_text("keep me", "utf-8")
    r = cli("export", "cope", "--root", str(root), "--out", str(afile))
    assert r.exit_code == 2 and "must be a folder" in r.stderr
    assert afile.read_text("utf-8") == "keep me"
    r = cli("export", "dsa", "--root", str(root), "--out", str(tmp_path / "dsa"))
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "dsa").iterdir()) == ["dsa.csv", "dsa.json"]


def test_unknown_kind_is_a_usage_error(cli, root: Path) -> None:
    r = cli("export", "onnx", "--root", str(root))
    assert r.exit_code == 2


def test_guidance_with_check_errors_is_not_exported(cli, root: Path, tmp_path: Path) -> None:
    sop = root / "sops" / "insults.sop.yaml"
    sop.write_text(sop.read_text("utf-8").replace("actions: [label]", "actions: [labell]"), "utf-8")
    out = tmp_path / "bundle.json"
    r = cli("export", "bundle", "--root", str(root), "--out", str(out))
    assert r.exit_code == 1
    assert "sops/insults.sop.yaml:27:" in r.stderr and "unknown action 'labell'" in r.stderr
    assert not out.exists()


def test_export_error_writes_nothing(cli, root: Path, tmp_path: Path) -> None:
    policy = root / "policies" / "insults.md"
    policy.write_text(policy.read_text("utf-8").replace("codes: {llama_guard: S1}\n", ""), "utf-8")
    out = tmp_path / "lg.txt"
    r = cli("export", "llama-guard", "--root", str(root), "--out", str(out))
    assert r.exit_code == 1
    assert "policies/insults.md:2:5: error GK501 CG-INSULT has no pinned Llama Guard code" in r.stderr
    assert "fix: add 'codes: {llama_guard: S1}'" in r.stderr
    assert not out.exists()


def test_warnings_go_to_stderr_and_exit_0(cli, tmp_path: Path) -> None:
    out = tmp_path / "sg"
    r = cli("export", "safeguard", "--root", str(REPO / "guidance"), "--out", str(out))
    assert r.exit_code == 0
    assert "warning GK506" in r.stderr and r.stdout == ""
    assert (out / "index.json").is_file()
