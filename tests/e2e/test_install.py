"""Install as the README says: the wheel `make dist` builds goes into a fresh virtual
environment (through the action's installer, with its dependencies from the package
index, nothing from this one) and checks the sample. (Installing from a git repository at
a commit is what pre-commit does in tests/e2e/test_pre_commit.py.) The release workflow
builds with the same command as `make dist`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO, SAMPLE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _sh(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                         check=False, timeout=900)
    assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _sh("make", "--no-print-directory", "-C", REPO, "dist", f"VENV={sys.prefix}", f"DIST={out}")
    return out


def test_make_dist_builds_the_sdist_and_the_wheel(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert len(names) == 2 and names[0].endswith("-py3-none-any.whl") and names[1].endswith(".tar.gz")


def test_the_wheel_installs_in_a_fresh_environment_and_checks_the_sample(
        dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(GUIDEKIT_SOURCE=str(wheel), GUIDEKIT_PYTHON=sys.executable, RUNNER_TEMP=str(tmp_path),
               GITHUB_PATH=str(tmp_path / "github-path"))
    _sh("bash", REPO / "action" / "install.sh", env=env)
    bin_dir = Path((tmp_path / "github-path").read_text("utf-8").strip())
    venv = bin_dir.parent
    assert venv.is_relative_to(tmp_path)
    where = _sh(bin_dir / "python", "-c", "import guidekit, sys; print(guidekit.__file__); print(sys.path)")
    assert where.splitlines()[0].startswith(str(venv)), where
    assert sys.prefix not in where and str(REPO / "src") not in where  # nothing of this environment
    out = subprocess.run([bin_dir / "guidekit", "check", "--no-cache", SAMPLE], capture_output=True,
                         text=True, check=False, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    # the sample's one finding: its deliberately stale pt-BR translation, a warning
    assert re.search(r"0 errors, 1 warning in 1 file \(\d+ files checked", out.stdout), out.stdout


def test_the_release_workflow_builds_like_make_dist_and_publishes_with_trusted_publishing() -> None:
    workflow = YAML(typ="safe").load((REPO / ".github/workflows/release.yml").read_text("utf-8"))
    assert workflow["on"]["push"]["tags"] == ["v*"]
    runs = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    make_dist = re.search(r"^dist:.*\n(?:\t.*\n)*", (REPO / "Makefile").read_text("utf-8"), re.M)
    assert make_dist and "-m hatchling build -d" in make_dist.group(0)
    assert any("-m hatchling build -d dist" in r for r in runs)
    assert any("twine check" in r for r in runs)
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in publish["steps"])


def test_nothing_tells_users_to_install_an_unpublished_name() -> None:
    from guidekit.scaffold import init_files

    texts = [(REPO / "README.md").read_text("utf-8"), *(p.read_text("utf-8") for p in (REPO / "docs").glob("*.md")),
             (REPO / ".pre-commit-hooks.yaml").read_text("utf-8"), *init_files("x").values()]
    for text in texts:
        assert not re.search(r"pip(x)? install (-\S+ )*guidekit\b(?![ @]*git\+)", text), text[:200]
        assert "rev: v0.1.0" not in text
