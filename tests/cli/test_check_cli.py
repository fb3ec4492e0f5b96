"""`guidekit check` through the CLI: formats, exit codes, output files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from junitparser import Failure, JUnitXml

from guidekit.schemas import load_schema

DATA = Path(__file__).resolve().parents[1] / "data"
BROKEN = DATA / "broken"


@pytest.fixture
def broken_root(sample_root: Path) -> Path:
    """The sample guidance with three broken files added."""
    shutil.copyfile(BROKEN / "schema-enum.md", sample_root / "policies" / "schema-enum.md")
    shutil.copyfile(BROKEN / "duplicate-key.yaml", sample_root / "taxonomy" / "duplicate-key.yaml")
    shutil.copyfile(BROKEN / "unknown-action.md", sample_root / "policies" / "unknown-action.md")
    return sample_root


def test_sample_guidance_is_clean(cli, sample_root: Path) -> None:
    r = cli("check", str(sample_root), "-f", "json")
    assert r.exit_code == 0, r.stdout
    findings = json.loads(r.stdout)["findings"]
    # one deliberate finding: a pt-BR translation left behind by a stricter rule (docs/translations.md)
    assert [(f["rule"], f["path"]) for f in findings] == [("GK603", "policies/ads/gambling.md")], findings


def test_text_output_shows_location_source_line_and_caret(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root))
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    i = next(i for i, line in enumerate(lines) if "policies/schema-enum.md:5:9" in line)
    assert "GK100" in lines[i] and "'actve' is not one of" in lines[i]
    assert lines[i + 1].strip().endswith("status: actve")
    caret = lines[i + 2]
    # the caret sits under the value
    assert caret.index("^") == lines[i + 1].index("actve")
    assert "did you mean 'active'?" in r.stdout
    assert "3 errors" in r.stdout


def test_json_output_validates_against_its_schema(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root), "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    Draft202012Validator(load_schema("check-result")).validate(doc)
    assert doc["summary"]["errors"] == 3
    found = {(f["rule"], f["path"], f["line"]) for f in doc["findings"]}
    assert ("GK002", "taxonomy/duplicate-key.yaml", 5) in found
    assert ("GK210", "policies/unknown-action.md", 14) in found


def test_sarif_output_validates_against_the_official_schema(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root), "--format", "sarif")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
    errors = list(Draft7Validator(schema).iter_errors(doc))
    assert errors == []
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "guidekit"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
    regions = {(x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in run["results"]}
    assert ("policies/schema-enum.md", 5) in regions


def test_junit_output_parses_with_a_junit_consumer(cli, broken_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    r = cli("check", str(broken_root), "--format", "junit", "--output", str(out))
    assert r.exit_code == 1
    xml = JUnitXml.fromfile(str(out))
    suites = list(xml)
    cases = [case for suite in suites for case in suite]
    failed = {case.name for case in cases if any(isinstance(x, Failure) for x in case.result)}
    assert failed == {"policies/schema-enum.md", "taxonomy/duplicate-key.yaml",
                      "policies/unknown-action.md"}
    assert len(cases) > 10  # every checked file is a test case


def test_github_annotations(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root), env={"GITHUB_ACTIONS": "true"})
    assert r.exit_code == 1
    lines = [line for line in r.stdout.splitlines() if line.startswith("::error ")]
    assert len(lines) == 3
    line = next(x for x in lines if "schema-enum" in x)
    assert line.startswith("::error file=policies/schema-enum.md,line=5,col=9,")
    assert "title=GK100 schema::" in line


def test_output_file_is_written_and_stdout_is_empty(cli, broken_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "findings.json"
    r = cli("check", str(broken_root), "-f", "json", "-o", str(out))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert json.loads(out.read_text("utf-8"))["summary"]["errors"] == 3
    assert [p.name for p in out.parent.iterdir()] == ["findings.json"]  # no temp files left


def test_fail_on_warning_and_severity_from_config(cli, sample_root: Path) -> None:
    shutil.copyfile(BROKEN / "unknown-action.md", sample_root / "policies" / "unknown-action.md")
    cfg = sample_root / "guidekit.yaml"
    text, setting = cfg.read_text("utf-8"), "  unresolved-reference: {severity: warning}\n"
    # the sample configures rules already (GK310's sections): add to its rules: mapping
    text = (text.replace("\nrules:\n", "\nrules:\n" + setting, 1) if "\nrules:\n" in text
            else text + "rules:\n" + setting)
    cfg.write_text(text, "utf-8")
    r = cli("check", str(sample_root))
    assert r.exit_code == 0  # a warning alone passes
    assert "warning GK210" in r.stdout
    assert "guidekit: failed" not in r.stderr
    r = cli("check", str(sample_root), "--fail-on", "warning")
    assert r.exit_code == 1
    # the gate says why on standard error: the findings count and the threshold
    # the GK210s now warnings, and the sample's deliberately stale translation (GK603)
    assert r.stderr.splitlines()[-1] == "guidekit: failed: 4 findings at or above warning (--fail-on warning)"
    cfg.write_text(cfg.read_text("utf-8").replace("fail_on: error", "fail_on: warning"), "utf-8")
    r = cli("check", str(sample_root))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1] == ("guidekit: failed: 4 findings at or above warning "
                                         "(fail_on in guidekit.yaml warning)")


def test_select_and_ignore(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root), "--select", "GK2", "-f", "json")
    rules = {f["rule"] for f in json.loads(r.stdout)["findings"]}
    assert rules == {"GK210"}
    # GK3: the lint rules (the fixtures' bodies lack the sample's required sections)
    r = cli("check", str(broken_root), "--ignore", "schema", "--ignore", "GK002", "--ignore", "GK3",
            "--ignore", "GK6", "-f", "json")
    rules = {f["rule"] for f in json.loads(r.stdout)["findings"]}
    assert rules == {"GK210"}
    r = cli("check", str(broken_root), "--select", "no-such-rule")
    assert r.exit_code == 2
    assert "no rule matches" in r.stderr


def test_path_arguments_limit_what_is_reported(cli, broken_root: Path) -> None:
    r = cli("check", str(broken_root / "policies" / "schema-enum.md"), "-f", "json")
    doc = json.loads(r.stdout)
    assert {f["path"] for f in doc["findings"]} == {"policies/schema-enum.md"}
    # the corpus was still loaded: a reference into another file resolves
    r = cli("check", str(broken_root / "sops"), "-f", "json")
    assert r.exit_code == 0


def test_verbose_shows_the_rest_of_the_messages(cli, sample_root: Path) -> None:
    p = sample_root / "policies" / "ads" / "financial-services.md"
    text = p.read_text("utf-8")
    p.write_text(text.replace("version: 4", "version: -4.5", 1), encoding="utf-8")
    quiet = cli("check", str(sample_root))
    loud = cli("check", str(sample_root), "-v")
    assert quiet.exit_code == loud.exit_code == 1
    assert "also:" not in quiet.stdout
    assert "also:" in loud.stdout
    assert "at $.version" in loud.stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["check", "--format", "xml"], 2, "not one of"),
        (["check", "does-not-exist"], 2, "no such file"),
        (["chekc"], 2, "No such command"),
        (["rules", "GK999"], 2, "unknown rule"),
        (["schema", "nope"], 2, "unknown schema"),
        (["new", "policy", "lower-case"], 2, "not a valid id"),
    ],
)
def test_usage_errors_exit_2(cli, sample_root: Path, args: list[str], code: int, words: str) -> None:
    r = cli(*args, cwd=sample_root)
    assert r.exit_code == code
    assert words in r.stdout + r.stderr


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("fail_on: error", "fail_on: sometimes", "'sometimes' is not one of: error, warning, info"),  # enum
        ("guidekit: 1", "guidekit: 2", "must be 1"),  # const
        ("fail_on: error", "fail_on: error\nhandbooks_: []", "unknown key 'handbooks_'"),  # additionalProperties
    ],
)
def test_broken_config_is_a_usage_error(cli, sample_root: Path, old: str, new: str, words: str) -> None:
    cfg = sample_root / "guidekit.yaml"
    text = cfg.read_text("utf-8")
    assert old in text
    cfg.write_text(text.replace(old, new, 1), "utf-8")
    r = cli("check", str(sample_root))
    assert r.exit_code == 2
    assert "guidekit.yaml:" in r.stderr and "invalid configuration" in r.stderr
    assert words in r.stderr


def test_config_found_by_walking_up(cli, sample_root: Path) -> None:
    r = cli("check", cwd=sample_root / "policies" / "ads")
    assert r.exit_code == 0
    assert "files checked" in r.stdout


def test_internal_errors_exit_3_without_traceback(cli, sample_root: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from guidekit import corpus

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(corpus, "build_corpus", boom)
    r = cli("check", str(sample_root))
    assert r.exit_code == 3
    assert "internal error" in r.stderr and "Traceback" not in r.stderr + r.stdout


def test_python_m_guidekit_runs(tmp_path: Path, sample_root: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "guidekit", "check", str(sample_root)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_nothing_to_check_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "guidekit.yaml").write_text("guidekit: 1\n", "utf-8")
    (tmp_path / "policies").mkdir()
    r = cli("check", str(tmp_path))
    assert r.exit_code == 2
    assert "nothing to check" in r.stderr


def test_a_bad_translations_folder_is_an_error_that_leaves_no_connection_open(sample_root: Path) -> None:
    """The check cache is open when the translations stage reads its configuration: an error
    there closes it too (Python 3.13 reports an unclosed SQLite connection as a ResourceWarning)."""
    config = sample_root / "guidekit.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  locales: [pt-BR, id]\n", "  locales: [pt-BR, id]\n  folder: ../../etc\n"),
                      encoding="utf-8")
    run = subprocess.run([sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-m", "guidekit", "check"],
                         cwd=sample_root, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "translations.folder" in run.stderr and "outside the guidance repository" in run.stderr
    assert "ResourceWarning" not in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_checks_on_off_options_are_flags() -> None:
    """Typer takes a boolean flag's value as it is, without building a converter for it (a
    converter costs every run ~2 ms, whatever the value): the options of `check` that say yes
    or no stay flags (--no-cache, --verbose); the other ten carry a value."""
    from guidekit.cli.app import load_command

    params = {p.name: p for p in load_command("check").params}
    flags = sorted(name for name, p in params.items() if getattr(p, "is_flag", False))
    assert flags == ["no_cache", "verbose"]
    assert len(params) == 12
