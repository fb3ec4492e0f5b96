"""`guidekit check` remembers guidekit.yaml as a past run validated it (check.cache.ConfigMemo):
a re-run reads no YAML for it, and no edit is ever hidden by the memo."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GitRepo
from guidekit.check.cache import ConfigMemo, default_folder

POLICY = "policies/ads/alcohol.md"


def _memos(folder: Path) -> list[Path]:
    return sorted(folder.glob("config-*.json"))


def test_an_edit_of_a_remembered_configuration_is_always_validated(cli, sample_root: Path) -> None:
    config = sample_root / "guidekit.yaml"
    good = config.read_text("utf-8")
    assert cli("check", POLICY, cwd=sample_root).exit_code == 0
    folder = default_folder(sample_root)
    assert len(_memos(folder)) == 1
    assert ConfigMemo(folder, sample_root).load().settled  # the next run reads no YAML for it
    assert cli("check", POLICY, cwd=sample_root).exit_code == 0

    edits = {  # each a miss, validated as if there were no memo
        "schema": (good.replace("fail_on: error", "fail_on: sometimes"), "invalid configuration"),
        "yaml": (good.replace("fail_on: error", "fail_on: [error"), "guidekit.yaml:"),
        "rule options": (good.replace("    options:\n", "    options:\n      colour: red\n"),
                         "rule GK310 has no option 'colour'"),
        "unknown rule": (good.replace("rules:\n", "rules:\n  GK999: {}\n"), "unknown rule 'GK999'"),
    }
    for name, (text, message) in edits.items():
        config.write_text(text, "utf-8")
        r = cli("check", POLICY, cwd=sample_root)
        assert r.exit_code == 2, (name, r.stdout, r.stderr)
        assert message in r.stderr, (name, r.stderr)
        r = cli("check", POLICY, cwd=sample_root)  # and again: a failed run remembers nothing
        assert r.exit_code == 2 and message in r.stderr, (name, r.stderr)
    assert len(_memos(folder)) == 1
    # an edit that is valid and changes the outcome is seen too
    config.write_text(good.replace("fail_on: error", "fail_on: warning"), "utf-8")
    r = cli("check", cwd=sample_root)
    assert r.exit_code == 1 and "GK603" in r.stdout, r.stdout  # the sample's one warning now fails
    assert len(_memos(folder)) == 2
    config.write_text(good, "utf-8")
    assert cli("check", cwd=sample_root).exit_code == 0


def test_no_memo_without_the_cache(cli, sample_root: Path) -> None:
    assert cli("check", "--no-cache", POLICY, cwd=sample_root).exit_code == 0
    assert not default_folder(sample_root).exists()


def test_a_memo_in_a_folder_git_tracks_is_never_read(cli, sample_repo: GitRepo, tmp_path: Path) -> None:
    """A memo shipped with the repository that says the configuration is lenient changes nothing."""
    root = sample_repo.path
    mine = tmp_path / "mine"
    assert cli("check", "--cache-dir", str(mine), POLICY, cwd=root).exit_code == 0
    (memo,) = _memos(mine)
    forged = json.loads(memo.read_text("utf-8"))
    forged["data"]["fail_on"] = "info"  # the sample has a warning: with it, check would fail
    shipped = root / ".guidekit-cache"
    shipped.mkdir()
    (shipped / memo.name).write_text(json.dumps(forged), "utf-8")
    # the forgery works on a folder of this machine's (so the test below means something)
    memo.write_text(json.dumps(forged), "utf-8")
    assert cli("check", "--cache-dir", str(mine), cwd=root).exit_code == 1
    sample_repo.commit("a memo that changes the configuration")
    r = cli("check", "--cache-dir", ".guidekit-cache", cwd=root)
    assert r.exit_code == 0, r.stdout
    assert "git tracks files in the cache folder" in r.stderr
    assert [p.name for p in shipped.iterdir()] == [memo.name]  # nor written
