"""`guidekit fmt` on the command line: --check diffs, atomic writes, exit codes."""

from __future__ import annotations

from pathlib import Path

ALC = "policies/ads/alcohol.md"


def _scramble(root: Path) -> str:
    path = root / ALC
    text = path.read_text("utf-8")
    scrambled = text.replace("kind: ads\nstatus: active\n", "status: active\nkind: ads\n", 1)
    assert scrambled != text
    path.write_text(scrambled, encoding="utf-8")
    return scrambled


def test_check_prints_a_diff_and_exits_1_without_writing(cli, sample_root: Path) -> None:
    cli("fmt", str(sample_root))                      # canonical first
    scrambled = _scramble(sample_root)
    r = cli("fmt", "--check", str(sample_root))
    assert r.exit_code == 1
    assert f"--- a/{ALC}\n+++ b/{ALC}\n" in r.stdout
    assert "+kind: ads\n status: active\n-kind: ads\n" in r.stdout
    assert "would reformat" in r.stderr
    assert (sample_root / ALC).read_text("utf-8") == scrambled


def test_fmt_writes_atomically_then_check_is_clean(cli, sample_root: Path) -> None:
    cli("fmt", str(sample_root))
    _scramble(sample_root)
    r = cli("fmt", str(sample_root / "policies"))
    assert r.exit_code == 0
    assert r.stdout == f"formatted {ALC}\n"
    assert not list(sample_root.rglob(".*.tmp"))
    assert cli("fmt", "--check", str(sample_root)).exit_code == 0
    assert cli("check", str(sample_root), "--no-cache").exit_code == 0


def test_a_file_that_does_not_parse_is_reported_and_left_alone(cli, sample_root: Path) -> None:
    bad = sample_root / "taxonomy" / "markets.yaml"
    bad.write_text("taxonomy: markets\nitems: [\n", encoding="utf-8")
    r = cli("fmt", "--check", str(sample_root))
    assert r.exit_code == 1
    assert "taxonomy/markets.yaml:3:1: error:" in r.stdout
    assert bad.read_text("utf-8") == "taxonomy: markets\nitems: [\n"
