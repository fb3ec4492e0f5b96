"""Crashes and hangs from one small file (issue 17): every one is a finding with a position."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from conftest import SAMPLE
from guidekit.loading.source import LoadProblem, read_guidance
from guidekit.loading.yamlio import YamlProblem, load_yaml

POLICY = "policies/ads/alcohol.md"


def _check(root: Path, *args: str, timeout: float = 120) -> tuple[int, list[dict[str, object]], str]:
    """`guidekit check` in a process of its own: a crash (SIGSEGV) or a hang shows as such."""
    out = subprocess.run([sys.executable, "-m", "guidekit", "check", "--no-cache", "--format",
                          "json", *args], cwd=root, capture_output=True, text=True,
                         timeout=timeout, check=False)
    findings = json.loads(out.stdout)["findings"] if out.stdout.startswith("{") else []
    return out.returncode, findings, out.stderr


def _at(findings: list[dict[str, object]], path: str) -> list[tuple[str, int, int, str]]:
    return [(str(f["rule"]), int(f["line"]), int(f["column"]), str(f["message"]))  # type: ignore[call-overload]
            for f in findings if f["path"] == path]


def _sop(root: Path, name: str, text: str) -> str:
    rel = f"sops/{name}.sop.yaml"
    (root / rel).write_text(text, encoding="utf-8")
    return rel


@pytest.mark.parametrize("nested", [
    "a: " + "[" * 30_000 + "]" * 30_000 + "\n",
    "a: " + "{a: " * 30_000 + "1" + "}" * 30_000 + "\n",
    "a:\n  " + "- " * 30_000 + "x\n",
], ids=["flow-sequences", "flow-mappings", "compact-block-sequences"])
def test_thirty_thousand_levels_are_gk001_not_a_crash(sample_root: Path, nested: str) -> None:
    rel = _sop(sample_root, "deep", "id: SOP-DEEP\n" + nested)
    code, findings, err = _check(sample_root)
    assert code == 1, err
    (rule, line, col, message), = _at(findings, rel)
    assert rule == "GK001" and "deeper than 64 levels" in message
    assert line == 2 + nested.count("\n") - 1 and col >= 1


def test_a_constructor_exception_is_gk001_at_its_node(sample_root: Path) -> None:
    rel = _sop(sample_root, "maybe", "id: SOP-X\ntitle: !!bool maybe\n")
    code, findings, _ = _check(sample_root)
    assert code == 1
    assert _at(findings, rel) == [("GK001", 2, 8, "cannot load 'maybe' as !!bool")]


@pytest.mark.parametrize("number", ["0x" + "f" * 3_700, "0o" + "7" * 5_000, "9" * 4_400])
def test_a_huge_number_is_gk001_not_an_int_to_str_error(sample_root: Path, number: str) -> None:
    path = sample_root / POLICY
    path.write_text(path.read_text("utf-8").replace("title: ", f"title: {number}\nx_title: ", 1),
                    encoding="utf-8")
    code, findings, err = _check(sample_root)
    assert code == 1, err
    assert ("GK001", 4, 8, "number is longer than 1,000 characters") in _at(findings, POLICY)


def test_control_character_and_nul_are_reported_where_they_are(sample_root: Path) -> None:
    lines = [f"k{i}: v" for i in range(24)]
    ctl = _sop(sample_root, "ctl", "\n".join([*lines, "title: a\x01b", ""]))
    nul = _sop(sample_root, "nul", "\n".join([*lines, "title: a\x00b", ""]))
    _, findings, _ = _check(sample_root)
    (rule, line, col, message), = _at(findings, ctl)
    assert (rule, line, col) == ("GK001", 25, 9) and "U+0001" in message
    (rule, line, col, _m), = _at(findings, nul)
    assert (rule, line, col) == ("GK004", 25, 9)


def test_a_fifo_is_gk010_and_nothing_blocks(sample_root: Path) -> None:
    os.mkfifo(sample_root / "policies" / "x.md")
    code, findings, _ = _check(sample_root, timeout=60)
    assert code == 1
    assert _at(findings, "policies/x.md") == [
        ("GK010", 1, 1, "not a regular file (a named pipe); not read")]


def test_devices_and_pipes_are_refused_by_the_one_reader() -> None:
    assert read_guidance(Path("/dev/zero"), 100) == LoadProblem(
        "unreadable", "not a regular file (a character device); not read")
    r, w = os.pipe()
    try:
        assert "named pipe" in str(read_guidance(Path(f"/proc/self/fd/{r}"), 100))
    finally:
        os.close(r)
        os.close(w)


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(1 << 30)  # sparse: 1 GiB that costs no disk
    tracemalloc.start()
    try:
        result = read_guidance(big, 5 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, LoadProblem) and result.rule == "file-too-large"
    assert peak < 1 << 20


def test_a_symlink_loop_is_gk008_and_a_broken_link_gk010(sample_root: Path) -> None:
    (sample_root / "policies" / "loop1.md").symlink_to("loop2.md")
    (sample_root / "policies" / "loop2.md").symlink_to("loop1.md")
    (sample_root / "policies" / "gone.md").symlink_to("nowhere.md")
    code, findings, err = _check(sample_root)
    assert code == 1, err
    assert _at(findings, "policies/loop1.md") == [
        ("GK008", 1, 1, "symbolic link loop: the link never reaches a file")]
    assert [r for r, *_ in _at(findings, "policies/gone.md")] == ["GK010"]


def test_an_unreadable_folder_is_a_finding_not_a_silent_skip() -> None:
    # a folder only root could read; as root, the check runs as nobody to see it
    top = Path(tempfile.mkdtemp(prefix="guidekit-unreadable-"))
    try:
        os.chmod(top, 0o755)
        root = top / "guidance"
        shutil.copytree(SAMPLE, root)
        for p in [root, *root.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        locked = root / "policies" / "locked"
        locked.mkdir()
        shutil.copy(root / POLICY, locked / "copy.md")
        os.chmod(locked, 0)
        cmd = [sys.executable, "-m", "guidekit", "check", "--no-cache", "--format", "json"]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        out = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=120,
                             check=False, env={**os.environ, "HOME": str(top)})
        assert out.returncode == 1, out.stderr
        findings = json.loads(out.stdout)["findings"]
        assert [(f["rule"], f["path"]) for f in findings if f["rule"] == "GK010"] == [
            ("GK010", "policies/locked")]
    finally:
        os.chmod(top / "guidance" / "policies" / "locked", stat.S_IRWXU)
        shutil.rmtree(top)


def test_load_yaml_turns_every_loader_error_into_a_problem() -> None:
    for text in ("a: !!binary 'not base64!'\n", "a: !!float nope\n", "a: !!int x\n",
                 "a: !!timestamp 2026-13-45\n", "a: !!omap [1]\n", "a: !!set [1]\n"):
        try:
            load_yaml(text)
        except YamlProblem as p:
            assert p.line == 0 and p.col >= 3, (text, p.message)
