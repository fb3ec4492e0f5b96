"""Helpers of the translation tests in real git repositories: git and guidekit as a user runs
them, and a translator's work on a catalog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

__all__ = ["git", "gk", "translate"]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          check=True, capture_output=True, text=True).stdout


def gk(root: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "guidekit", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=root)
    assert proc.returncode in ok, (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def translate(po_path: Path, prefix: str = "ADS-GAMB/") -> None:
    """A translator's work: every unit of one policy translated (Portuguese stand-ins keep ids,
    numbers and links so GK604 has nothing to say)."""
    po = polib.pofile(str(po_path))
    for e in po:
        if e.msgctxt and e.msgctxt.startswith(prefix):
            e.msgstr = "[pt-BR] " + e.msgid
    po.save()
