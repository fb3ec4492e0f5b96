"""`guidekit diff` on policy changes never imports ``dataclasses`` (nor ``inspect``,
which it pulls in): that import and the classes it would create cost a short
command like the diff more than a tenth of its start-up on a slow machine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import GitRepo

GAMB = "policies/ads/gambling.md"
HAR = "policies/community/harassment-bullying.md"


@pytest.fixture
def edited(sample_repo: GitRepo) -> GitRepo:
    """A stricter action, a reworded paragraph, a moved policy; then a working-tree edit."""
    gamb = sample_repo.path / GAMB
    gamb.write_text(gamb.read_text().replace("action: ad_restrict", "action: ad_disapprove", 1))
    har = sample_repo.path / HAR
    har.write_text(har.read_text().replace(" the ", " the whole ", 1))
    sample_repo.git("mv", "policies/ads/dating.md", "policies/dating.md")
    sample_repo.commit("edits")
    alcohol = sample_repo.path / "policies/ads/alcohol.md"
    alcohol.write_text(alcohol.read_text().replace("severity: high", "severity: low", 1))
    return sample_repo


@pytest.mark.parametrize("args", [
    ["diff", "HEAD~1", "HEAD", "--format", "json"],
    ["diff", "HEAD~1", "--format", "text"],  # the working tree
    ["diff", "HEAD~1", "HEAD", "-f", "markdown", "--fail-on", "stricter"],
    ["diff", "HEAD~1", "HEAD", "-f", "html", "-o", "out.html"],
])
def test_a_policy_diff_never_imports_dataclasses(edited: GitRepo, args: list[str]) -> None:
    probe = (f"import sys; from guidekit.cli.entry import main; rc = main({args!r}); "
             "print(rc, [m for m in ('dataclasses', 'inspect') if m in sys.modules], file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=edited.path, capture_output=True, text=True,
                         check=True)
    rc, loaded = out.stderr.strip().splitlines()[-1].split(" ", 1)
    assert loaded == "[]"
    assert rc == ("1" if "--fail-on" in args else "0")
    if args[-1] == "json":
        assert '"ADS-GAMB"' in out.stdout and '"stricter"' in out.stdout
