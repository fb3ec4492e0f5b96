"""Golden files for every export kind on the sample guidance, and byte-identical reruns.

Refresh the goldens after a deliberate change to the sample guidance or to an
export format with:  GUIDEKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/cli/test_export_golden.py
(or `make golden`), then review the diff of tests/data/golden/export/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from guidekit.export import EXPORTERS

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "guidance"
GOLDEN = REPO / "tests" / "data" / "golden" / "export"
UPDATE = os.environ.get("GUIDEKIT_UPDATE_GOLDEN") == "1"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _export(cli, kind: str, root: Path, out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    r = cli("export", kind, "--root", str(root), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    return _files(out)


@pytest.mark.parametrize("kind", list(EXPORTERS))
def test_export_matches_golden(cli, kind: str, tmp_path: Path) -> None:
    got = _export(cli, kind, SAMPLE, tmp_path / kind)
    assert got, f"{kind} wrote nothing"
    golden = GOLDEN / kind
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name, data in got.items():
            (golden / name).write_bytes(data)
    assert golden.is_dir(), f"no golden files for {kind}; run with GUIDEKIT_UPDATE_GOLDEN=1"
    want = _files(golden)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], f"{kind}/{name} differs from its golden file"


@pytest.mark.parametrize("kind", list(EXPORTERS))
def test_two_runs_are_byte_identical(cli, kind: str, sample_root: Path, tmp_path: Path) -> None:
    # a second run from a copy at another absolute path: nothing machine-specific leaks in
    first = _export(cli, kind, SAMPLE, tmp_path / "first")
    second = _export(cli, kind, sample_root, tmp_path / "second")
    assert first == second
