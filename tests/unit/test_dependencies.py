"""What guidance imports is what pyproject.toml declares, and the lock pins it all."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-").replace(".", "-")


def test_deptry_finds_no_undeclared_or_unused_dependency() -> None:
    out = subprocess.run([sys.executable, "-m", "deptry", "src"], cwd=REPO, capture_output=True, text=True,
                         env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No dependency issues found" in out.stdout + out.stderr


def test_the_lock_pins_every_declared_package_with_hashes() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        declared |= {_name(r) for r in extra}
    lock = (REPO / "requirements" / "dev.lock").read_text("utf-8")
    pinned = {_name(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9][\w.-]*)==", lock, re.M)}
    missing = sorted(declared - pinned)
    assert not missing, f"not in requirements/dev.lock: {missing}; run `make lock`"
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 1)[1]):
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]
