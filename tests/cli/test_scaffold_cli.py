"""`guidekit init` and `guidekit new` write documents that pass check."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_init_output_passes_check(cli, tmp_path: Path) -> None:
    target = tmp_path / "new-guidance"
    r = cli("init", str(target))
    assert r.exit_code == 0, r.stderr
    for rel in ("guidekit.yaml", ".pre-commit-config.yaml", ".github/workflows/guidance.yaml",
                "taxonomy/actions.yaml", "policies/example-scams.md", "sops/example-triage.sop.yaml",
                "schemas/policy.schema.json"):
        assert (target / rel).is_file(), rel
    r = cli("check", str(target))
    assert r.exit_code == 0, r.stdout


def test_init_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path)).exit_code == 0
    r = cli("init", str(tmp_path))
    assert r.exit_code == 2 and "--force" in r.stderr
    assert cli("init", str(tmp_path), "--force").exit_code == 0


def test_new_policy_and_sop_pass_check(cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path)).exit_code == 0
    r = cli("new", "policy", "CG-SPAM", "--title", 'Spam: bulk & "fake" posts', cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    r = cli("new", "sop", "SOP-SPAM", "--policy", "CG-SPAM", cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "policies" / "cg-spam.md").is_file()
    assert (tmp_path / "sops" / "sop-spam.sop.yaml").is_file()
    r = cli("check", str(tmp_path), "-f", "json")
    assert r.exit_code == 0, r.stdout


def test_new_in_the_sample_guidance_passes_check(cli, sample_root: Path) -> None:
    r = cli("new", "policy", "CG-SPAM", "--root", str(sample_root))
    assert r.exit_code == 0
    r = cli("check", str(sample_root), "--select", "GK0", "--select", "GK1", "--select", "GK2")
    assert r.exit_code == 0, r.stdout


def test_new_sop_needs_a_policy(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    r = cli("new", "sop", "SOP-X", cwd=tmp_path)
    assert r.exit_code == 2 and "--policy" in r.stderr


@pytest.mark.parametrize("name", ["a: b", "#hash", "null", "[x]", "it's \"quoted\""])
def test_init_quotes_any_folder_name(cli, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    assert cli("init", str(target)).exit_code == 0
    r = cli("check", str(target))
    assert r.exit_code == 0, r.stdout + r.stderr


def test_new_policy_refuses_an_unknown_kind(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    r = cli("new", "policy", "CG-X", "--kind", "bogus", cwd=tmp_path)
    assert r.exit_code == 2 and "bogus" in r.stderr and "community" in r.stderr
    assert not (tmp_path / "policies" / "cg-x.md").exists()


def test_init_where_a_file_blocks_the_folder_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", "utf-8")
    r = cli("init", str(tmp_path / "afile" / "sub"))
    assert r.exit_code == 2, r.stderr
    assert "Not a directory" in r.stderr and "internal error" not in r.stderr


def test_new_sop_refuses_an_unknown_policy_with_a_guess(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    r = cli("new", "sop", "SOP-X", "--policy", "CG-EXAMPLES", cwd=tmp_path)
    assert r.exit_code == 2
    assert "--policy CG-EXAMPLES: no policy of that id" in r.stderr
    assert "did you mean CG-EXAMPLE?" in r.stderr
    assert not (tmp_path / "sops" / "sop-x.sop.yaml").exists()


def test_new_takes_titles_verbatim(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    assert cli("new", "sop", "SOP-SPAM", "--policy", "CG-EXAMPLE", cwd=tmp_path).exit_code == 0
    assert 'title: "SOP-SPAM"' in (tmp_path / "sops" / "sop-spam.sop.yaml").read_text()
    assert cli("new", "policy", "CG-DM", "--title", "DMs of iOS users", cwd=tmp_path).exit_code == 0
    assert 'title: "DMs of iOS users"' in (tmp_path / "policies" / "cg-dm.md").read_text()


def test_new_policy_goes_where_its_kind_lives(cli, sample_root: Path) -> None:
    r = cli("new", "policy", "ADS-NEW", "--kind", "ads", "--root", str(sample_root))
    assert r.exit_code == 0, r.stderr
    made = sample_root / "policies" / "ads" / "ads-new.md"
    assert made.is_file()
    # a kind the sample has no policy of: a folder named after it, as the sample sorts by kind
    assert cli("new", "policy", "CR-NEW", "--kind", "creator", "--root", str(sample_root)).exit_code == 0
    assert (sample_root / "policies" / "creator" / "cr-new.md").is_file()
    # no schemas/ beside the copy of the sample: no modeline that would point nowhere
    assert "yaml-language-server" not in made.read_text()


def test_new_names_the_schemas_relative_to_the_file(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    assert cli("new", "policy", "CG-NEW", cwd=tmp_path).exit_code == 0
    text = (tmp_path / "policies" / "cg-new.md").read_text()
    assert "$schema=../schemas/policy.schema.json" in text


def test_new_help_is_its_own(cli) -> None:
    r = cli("new", "--help")
    assert r.exit_code == 0
    assert "first PATH" not in r.stdout  # new takes no PATH
    assert "policy|sop" in r.stdout and "ads" in r.stdout


def test_schema_modeline_is_relative_to_the_file(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    r = cli("schema", "policy", "--modeline", cwd=tmp_path)
    assert r.exit_code == 0
    assert r.stdout.strip() == "# yaml-language-server: $schema=../schemas/policy.schema.json"
    r = cli("schema", "sop", "--modeline", "--for", "deep/x.sop.yaml", cwd=tmp_path / "sops")
    assert r.stdout.strip().endswith("$schema=../../schemas/sop.schema.json")
    r = cli("schema", "config", "--modeline", cwd=tmp_path)
    assert r.stdout.strip().endswith("$schema=schemas/config.schema.json")
    assert "file:" not in r.stdout and str(tmp_path) not in r.stdout


def test_schema_modeline_without_schemas_says_to_export_them(cli, sample_root: Path) -> None:
    r = cli("schema", "policy", "--modeline", cwd=sample_root)
    assert r.exit_code == 2
    assert "no schemas/ folder" in r.stderr and "guidekit schema --export schemas" in r.stderr
    assert r.stdout == ""
