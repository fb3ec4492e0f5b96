"""guidekit works on ruamel.yaml's public API alone when its internals are gone.

guidekit.loading.yamlcompat holds every ruamel internal guidekit uses; when its
probe finds one missing, check, diff and fmt take the public path. These tests
take the internals away and run the commands on the sample guidance.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.resolver import VersionedResolver

from conftest import SAMPLE, GitRepo
from guidekit.loading import yamlcompat, yamlio

POLICY = "policies/ads/gambling.md"


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a ruamel internal was used although the probe found none")


@pytest.fixture
def no_internals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The probe finds no ruamel internal; any use of one fails the test."""
    monkeypatch.setattr(yamlcompat, "probe", lambda: None)
    monkeypatch.setattr(yamlio, "_loader", None)  # the per-process loader is rebuilt
    monkeypatch.setattr(yamlcompat, "_compose", _refuse)
    monkeypatch.setattr(yamlcompat, "_scanned_comments", _refuse)
    monkeypatch.setattr(yamlcompat, "_Comments", _refuse)
    yield


def _diff_repo(repo: GitRepo) -> GitRepo:
    shutil.copytree(SAMPLE, repo.path, dirs_exist_ok=True)
    repo.commit("sample guidance")
    repo.git("tag", "v1")
    p = repo.path / POLICY
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("action: ad_disapprove", "action: label", 1), encoding="utf-8")
    repo.commit("gambling: label instead of disapprove")
    return repo


def _run_all(cli: Callable[..., Any], repo: GitRepo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    r = cli("check", "--no-cache", "--format", "json", cwd=repo.path)
    assert r.exit_code == 0, r.stdout + r.stderr
    out["check"] = json.loads(r.stdout)["findings"]
    r = cli("diff", "v1", "HEAD", "--format", "json", cwd=repo.path)
    assert r.exit_code == 0, r.stdout + r.stderr
    out["diff"] = json.loads(r.stdout)["documents"]
    r = cli("fmt", "--check", cwd=repo.path)
    assert r.exit_code == 0, r.stdout + r.stderr
    return out


def test_the_probe_finds_the_internals_here() -> None:
    # the fallback is the exception, not the rule: this environment has them all
    assert yamlcompat.probe() is not None
    assert yamlio._safe_yaml().Resolver is not VersionedResolver


@pytest.mark.parametrize("missing", ["versioned_resolver", "cyaml"])
def test_the_probe_notices_a_missing_internal(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setattr(yamlcompat, "_probed", [])
    if missing == "cyaml":
        monkeypatch.setitem(sys.modules, "ruamel.yaml.cyaml", None)  # import fails
    else:
        monkeypatch.delattr(VersionedResolver, missing)
    assert yamlcompat.probe() is None
    assert yamlcompat.safe_resolver() is VersionedResolver
    with pytest.raises(yamlcompat.Unusual):
        yamlcompat.compose_and_construct("a: 1\n")


def test_check_diff_and_fmt_work_without_the_internals(  # type: ignore[no-untyped-def]
    cli, git_repo: GitRepo, request: pytest.FixtureRequest
) -> None:
    repo = _diff_repo(git_repo)
    fast = _run_all(cli, repo)
    request.getfixturevalue("no_internals")
    assert yamlio._safe_yaml().Resolver is VersionedResolver
    slow = _run_all(cli, repo)
    assert slow == fast  # the same findings and the same diff, by the public path
    assert any(d["id"] == "ADS-GAMB" for d in slow["diff"])


def test_fmt_orders_keys_without_the_internals(cli, sample_root: Path, no_internals: None) -> None:  # type: ignore[no-untyped-def]
    taxonomy = sample_root / "taxonomy" / "surfaces.yaml"
    text = taxonomy.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # move the first top-level key below the others: fmt must put it back
    first = next(i for i, line in enumerate(lines) if line[:1].isalpha())
    end = next((i for i in range(first + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    moved = lines[:first] + lines[end:] + lines[first:end]
    assert moved != lines
    taxonomy.write_text("".join(moved), encoding="utf-8")
    r = cli("fmt", str(taxonomy), cwd=sample_root)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert yamlio.load_yaml(taxonomy.read_text(encoding="utf-8")) == yamlio.load_yaml(text)
