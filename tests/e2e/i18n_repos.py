"""Helpers of the translation tests in real git repositories: git and guidekit as a user runs
them, and a translator's work on a catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

__all__ = ["PO", "POLICY", "configure", "edit", "git", "gk", "line_of", "translate", "translated_sample"]


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


POLICY = "policies/ads/gambling.md"
PO = "translations/pt-BR/guidance.po"


def configure(root: Path, translations: str | None) -> None:
    """guidekit.yaml with this ``translations:`` block (None: without one)."""
    config = root / "guidekit.yaml"
    text = config.read_text("utf-8")
    text = text[: text.index("translations:")] if "translations:" in text else text
    config.write_text(text.rstrip("\n") + "\n" + (translations or ""), "utf-8")


def translated_sample(sample: Path, tmp_path: Path) -> Path:
    """The sample in git (in a subfolder of the work tree) with a fresh pt-BR catalog,
    required, whose ADS-GAMB units are translated and committed."""
    root = tmp_path / "repo" / "guidance"
    shutil.copytree(sample, root)
    shutil.rmtree(root / "translations")  # the sample's own catalog aside
    configure(root, "translations:\n  locales: [pt-BR]\n  required: [pt-BR]\n  min_translated: 0\n")
    git(root.parent, "init", "-q")
    git(root.parent, "add", "-A")
    git(root.parent, "commit", "-qm", "guidance")
    gk(root, "i18n", "init", "--locale", "pt-BR")
    translate(root / PO)
    git(root.parent, "add", "-A")
    git(root.parent, "commit", "-qm", "pt-BR translation of ADS-GAMB")
    return root


def edit(root: Path, old: str, new: str, rel: str = POLICY) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(root: Path, needle: str, rel: str = POLICY) -> int:
    lines = (root / rel).read_text("utf-8").split("\n")
    return next(i for i, t in enumerate(lines, 1) if needle in t)
