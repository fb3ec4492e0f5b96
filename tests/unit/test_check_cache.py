"""The result cache: a warm run finds exactly what a cold run finds, and survives sharing."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from guidekit.check.engine import CheckResult, run_check
from guidekit.loading import load_config

Edit = Callable[[Path], None]


def _sub(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text("utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    edit.__name__ = f"{rel}: {old!r} -> {new!r}"
    return edit


def _delete(rel: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).unlink()
    edit.__name__ = f"delete {rel}"
    return edit


def _write(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).write_text(text, encoding="utf-8")
    edit.__name__ = f"write {rel}"
    return edit


ALC = "policies/ads/alcohol.md"
GAMB = "policies/ads/gambling.md"
_SAMPLE_ALC = (Path(__file__).resolve().parents[2] / "guidance" / ALC).read_text("utf-8")
# each edit changes one or two files; the findings they cause land in other files too
EDITS: list[Edit] = [
    _sub(ALC, "related: [", "related: [ADS-NOPE, "),               # GK210 in the edited file
    _sub(ALC, "id: ADS-ALC\n", "id: ADS-ALCOHOL\n"),                # others' references break
    _sub(ALC, "id: ADS-ALCOHOL\n", "id: ADS-GAMB\n"),               # duplicate id with gambling
    _sub(ALC, "id: ADS-GAMB\n", "id: ADS-ALC\n"),                   # and back: all fixed again
    _sub(ALC, "## Definitions", "## Definitions\n\nSee [odds](gambling.md#nowhere)."),  # GK330
    _sub(GAMB, "## Rationale", "## Why"),                           # a link target loses a heading
    _write("policies/ads/lonely.md", re.sub(r"(?m)^related: .*\n", "", _SAMPLE_ALC)
           .replace("ADS-ALC", "ADS-LONELY").replace("## Rationale", "## Rationale\n\nAs in "
                    "[harassment](../community/harassment-bullying.md#terms).")),  # a broken anchor
    _sub("policies/community/harassment-bullying.md", "## Definitions", "## Terms"),  # now it exists
    _sub(ALC, "status: active", "status: draft"),                   # GK342 on the clock of today
    _write("policies/ads/new.md", _SAMPLE_ALC.replace("id: ADS-ALC\n", "id: ADS-NEW\n")
           .replace("ADS-ALC-", "ADS-NEW-")),                       # a new file
    _delete("policies/ads/new.md"),
    _delete(GAMB),                                                  # a referenced file goes
]


def _key(result: CheckResult) -> list[tuple[str, str, int, int, str, str]]:
    return [(f.rule, f.span.path, f.span.line, f.span.col, f.severity.value, f.message)
            for f in result.findings]


def test_every_warm_run_finds_what_a_cold_run_finds(sample_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config = load_config(sample_root)
    first = run_check(config, cache_dir=cache, lean=True)
    assert first.mode == "full"
    again = run_check(config, cache_dir=cache, lean=True)
    assert again.mode == "unchanged" and _key(again) == _key(first)
    modes = []
    for edit in EDITS:
        edit(sample_root)
        config = load_config(sample_root)
        warm = run_check(config, cache_dir=cache, lean=True)
        cold = run_check(config, lean=True)
        assert _key(warm) == _key(cold), edit.__name__
        modes.append(warm.mode)
    assert modes.count("incremental") >= len(EDITS) - 2, modes
    assert any(f.rule == "GK330" for f in cold.findings)  # the edits did produce findings


def test_settings_and_today_are_part_of_the_key(sample_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config_file = sample_root / "guidekit.yaml"
    run_check(load_config(sample_root), cache_dir=cache, lean=True)
    text = config_file.read_text("utf-8").replace("\nrules:\n", "\nrules:\n  GK340: {severity: error}\n")
    assert "GK340" in text
    config_file.write_text(text + "today: \"2030-01-01\"\n", encoding="utf-8")
    warm = run_check(load_config(sample_root), cache_dir=cache, lean=True)
    cold = run_check(load_config(sample_root), lean=True)
    assert warm.mode == "full" and _key(warm) == _key(cold)
    assert any(f.rule == "GK340" and f.severity.value == "error" for f in warm.findings)
    assert len(list(cache.glob("check-*.sqlite"))) == 2


def test_a_damaged_cache_is_ignored(sample_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run_check(load_config(sample_root), cache_dir=cache, lean=True)
    for db in cache.glob("check-*.sqlite*"):
        db.write_bytes(b"not a database" * 100)
    warm = run_check(load_config(sample_root), cache_dir=cache, lean=True)
    assert _key(warm) == _key(cold)


def test_a_damaged_cache_file_leaves_no_connection_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guidekit.check import cache as cache_module

    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = connect(*args, **kwargs)  # type: ignore[arg-type]
        opened.append(db)
        return db

    monkeypatch.setattr(cache_module.sqlite3, "connect", recording)
    store = cache_module.CheckCache(tmp_path / "cache", "0" * 64)
    store.close()
    store.path.write_bytes(b"not a database" * 100)
    damaged = cache_module.CheckCache(tmp_path / "cache", "0" * 64)
    assert not damaged.usable and len(opened) == 2
    for db in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            db.execute("SELECT 1")  # closed


def test_cache_folder_is_ignored_by_git(sample_root: Path, tmp_path: Path) -> None:
    run_check(load_config(sample_root), cache_dir=sample_root / ".guidekit-cache", lean=True)
    assert (sample_root / ".guidekit-cache" / ".gitignore").read_text("utf-8").strip().endswith("*")
    # and discovery never treats it as guidance
    assert not [p for p in run_check(load_config(sample_root)).files if "cache" in p]


def _cli(root: Path, cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "guidekit", "check", str(root), "--format", "json",
         "--cache-dir", str(cache)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.slow
def test_two_concurrent_runs_share_a_cache_without_corruption(sample_root: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for i, edit in enumerate(EDITS[:3]):
        edit(sample_root)
        runs = [_cli(sample_root, cache), _cli(sample_root, cache)]
        outs = [p.communicate(timeout=120) for p in runs]
        cold = run_check(load_config(sample_root), lean=True)
        for p, (out, err) in zip(runs, outs, strict=True):
            assert p.returncode in (0, 1), err
            errors = sum(f.severity.value == "error" for f in cold.findings)
            assert f'"errors": {errors}' in out
            found = re.findall(r'"rule": "(GK\d+)"', out)
            assert found == [f.rule for f in cold.findings], (i, err)
    for db in cache.glob("check-*.sqlite"):
        with contextlib.closing(sqlite3.connect(db)) as con:  # `with` alone does not close
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    warm = run_check(load_config(sample_root), cache_dir=cache, lean=True)
    assert warm.mode == "unchanged"


def _documents(result: CheckResult) -> dict[str, tuple[object, str | None]]:
    assert result.corpus is not None
    docs = [*result.corpus.policies.values(), *result.corpus.sops.values()]
    return {d.id: (d.source.data, d.source.body) for d in docs}


def test_whole_hands_back_every_document_from_a_warm_cache(sample_root: Path, tmp_path: Path) -> None:
    """What `guidekit build` asks for: every document's data and body, unchanged ones from the
    cache, the same as a check without a cache reads from the files."""
    cache = tmp_path / "cache"
    run_check(load_config(sample_root), cache_dir=cache, whole=True)
    for edit in (_sub(ALC, "never below 18", "never below 18 (no exception)"),
                 _delete("policies/ads/personal-loans.md"), _sub(ALC, "(no exception)", "")):
        edit(sample_root)
        config = load_config(sample_root)
        warm = run_check(config, cache_dir=cache, whole=True)
        cold = run_check(config)
        assert warm.mode == "incremental", edit.__name__
        assert _documents(warm) == _documents(cold), edit.__name__
        assert _key(warm) == _key(cold), edit.__name__
    unchanged = run_check(load_config(sample_root), cache_dir=cache, whole=True)
    assert unchanged.mode == "unchanged" and _documents(unchanged) == _documents(cold)
    assert len(_documents(cold)) >= 20


def test_a_cache_that_opens_for_the_translations_stage_only_is_not_half_used(
        sample_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs at once: the first connection can fail ("database is locked") and the translations
    stage's own one, opened a moment later, succeed. The stage was keyed without a cache, so it
    goes on without one (it judged a locale it had no key for, a KeyError, one run in three)."""
    from guidekit.check import cache as cache_module

    opened = cache_module.CheckCache._open
    calls = {"n": 0}

    def first_is_locked(self: cache_module.CheckCache) -> sqlite3.Connection:
        calls["n"] += 1
        if calls["n"] == 1:
            raise sqlite3.OperationalError("database is locked")
        return opened(self)

    monkeypatch.setattr(cache_module.CheckCache, "_open", first_is_locked)
    config = load_config(sample_root)
    got = run_check(config, cache_dir=tmp_path / "cache", jobs=1, lean=True)
    assert calls["n"] >= 2  # the translations stage did open its own connection
    monkeypatch.setattr(cache_module.CheckCache, "_open", opened)
    cold = run_check(config, lean=True)
    assert [(f.rule, f.span.path, f.span.line) for f in got.findings] == \
        [(f.rule, f.span.path, f.span.line) for f in cold.findings]
