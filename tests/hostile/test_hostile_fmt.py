"""fmt on hostile input (issue 17): check's limits, body bytes kept, BOM, temp files swept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from guidekit.fmt import FormatError, format_text
from guidekit.fsutil import sweep_temp_files
from guidekit.loading.source import Limits

POLICY = "policies/ads/alcohol.md"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def _fmt(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guidekit", "fmt", *args], cwd=root,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_an_alias_bomb_is_refused_fast() -> None:
    started = time.process_time()  # this process's CPU, not the wall clock of a busy machine
    try:
        format_text("id: SOP-X\n" + BOMB, "sop")
    except FormatError as err:
        assert "alias bomb" in err.message
    else:
        raise AssertionError("an alias bomb was formatted")
    assert time.process_time() - started < 10  # generous: it used to take over a minute


def test_fmt_applies_the_size_limit_and_never_blocks(sample_root: Path) -> None:
    (sample_root / "sops" / "big.sop.yaml").write_text("id: SOP-BIG\nnotes:\n" + "  - x\n" * 400,
                                                       encoding="utf-8")
    (sample_root / "guidekit.yaml").write_text(
        (sample_root / "guidekit.yaml").read_text("utf-8") + "limits:\n  max_file_bytes: 1024\n",
        encoding="utf-8")
    os.mkfifo(sample_root / "sops" / "pipe.sop.yaml")
    out = _fmt(sample_root, "--check", "sops")
    assert out.returncode == 1
    assert "sops/big.sop.yaml:1:1: error: file is 0.0 MiB, above" in out.stdout
    assert "sops/pipe.sop.yaml:1:1: error: not a regular file (a named pipe)" in out.stdout


def test_deep_nesting_is_refused_by_fmt() -> None:
    try:
        format_text("id: SOP-X\na: " + "[" * 30_000 + "]" * 30_000 + "\n", "sop")
    except FormatError as err:
        assert "deeper than 64 levels" in err.message and err.line == 2
    else:
        raise AssertionError("formatted")
    try:
        format_text("id: SOP-X\na: " + "[" * 100 + "]" * 100 + "\n", "sop", limits=Limits())
    except FormatError as err:
        assert "deeper than 64 levels" in err.message
    else:
        raise AssertionError("formatted")


def test_the_body_keeps_its_bytes_whatever_the_front_matter_line_ends() -> None:
    body = "\n# Title\n\nLF body line.\r\nA CRLF line in the body.\n"
    text = "---\r\ntitle: T\r\nid: ADS-X\r\n---\r\n" + body
    out = format_text(text, "policy", markdown=True)
    assert out.text == "---\r\nid: ADS-X\r\ntitle: T\r\n---\r\n" + body
    lf = format_text("---\ntitle: T\nid: ADS-X\n---\r\n" + body.replace("\n", "\r\n"), "policy",
                     markdown=True)
    assert lf.text == "---\nid: ADS-X\ntitle: T\n---\r\n" + body.replace("\n", "\r\n")


def test_a_bom_file_is_formatted_like_check_reads_it() -> None:
    out = format_text("\ufeff---\ntitle: T\nid: ADS-X\n---\nbody\n", "policy", markdown=True)
    assert out.text == "\ufeff---\nid: ADS-X\ntitle: T\n---\nbody\n"
    same = format_text("\ufeffid: SOP-X\ntitle: T\n", "sop")
    assert same.text == "\ufeffid: SOP-X\ntitle: T\n" and not same.changed


def test_fmt_sweeps_temporary_files_a_killed_run_left(sample_root: Path) -> None:
    folder = sample_root / "policies" / "ads"
    stale = folder / ".alcohol.md.k1ll3d.tmp"
    fresh = folder / ".gambling.md.wr1t1ng.tmp"
    foreign = folder / ".notes.txt.abc.tmp"
    for p in (stale, fresh, foreign):
        p.write_text("half", "utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    assert _fmt(sample_root).returncode == 0
    assert not stale.exists()
    assert fresh.exists()  # young: may belong to a run still writing
    assert foreign.exists()  # not a temporary file of a guidance file
    assert sweep_temp_files([folder / "gambling.md"], older_than=0) == [fresh]
