"""bench/bench_i18n.py runs end to end on a tiny corpus: both peers run, its change is classed stricter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parents[2]


def test_bench_i18n_runs_and_its_change_is_stricter(tmp_path: Path) -> None:
    out = tmp_path / "i18n"
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "bench_i18n.py"), "--n", "4", "--locales", "2",
                           "--rounds", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert "i18n update" in proc.stdout and "x msgmerge (target <= 2x)" in proc.stdout
    assert "check with 2 locales" in proc.stdout
    for loc in ("pt-BR", "de"):  # msgmerge wrote its catalogs, with the translations kept
        merged = polib.pofile(str(out / "msgmerge" / f"{loc}.po"))
        assert any(e.msgstr.startswith(f"[{loc}] ") for e in merged)
    # the catalogs the bench restores, brought up to date: the changed action reads as stricter
    shutil.rmtree(out / "corpus" / "translations")
    shutil.copytree(out / "catalogs-before", out / "corpus" / "translations")
    update = subprocess.run([str(Path(sys.executable).with_name("guidekit")), "i18n", "update", "--root",
                             str(out / "corpus")], capture_output=True, text=True, timeout=300)
    assert update.returncode == 0, update.stderr
    assert "stricter" in update.stdout
