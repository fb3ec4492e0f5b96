"""The shipped schemas, rules and commands document themselves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import SAMPLE, git
from guidekit.check.registry import REGISTRY, CheckRule, all_rules, register
from guidekit.schemas import available, load_schema

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", available())
def test_schema_passes_the_metaschema(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", ["policy", "sop", "cases", "taxonomy", "config"])
def test_document_schema_properties_have_help(name: str) -> None:
    schema = load_schema(name)
    assert schema.get("title") and schema.get("description")
    for key, prop in schema["properties"].items():
        assert "title" in prop or "$ref" in prop or "const" in prop, f"{name}.{key} lacks a title"


def test_every_rule_has_docs_and_unique_id() -> None:
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert len(r.doc()) > 30, r.id
        assert r.summary()


def test_registry_refuses_duplicates_and_undocumented_rules() -> None:
    existing = next(iter(REGISTRY.values()))

    class Dup(CheckRule):
        """A rule reusing an id."""

        id = existing.id
        name = "brand-new-name"

    with pytest.raises(ValueError):
        register(Dup)

    class NoDoc(CheckRule):
        id = "GK998"
        name = "no-doc"

    with pytest.raises(TypeError):
        register(NoDoc)


def _commands() -> list[str]:
    from guidekit.cli.app import COMMANDS

    return sorted(COMMANDS)


def test_lazy_command_table_matches_the_commands() -> None:
    """The group lists commands with the one-line help held in COMMANDS (so that
    `guidekit --help` imports no command module): it must be the first line of the
    command's own docstring."""
    from guidekit.cli.app import COMMANDS, load_command

    for name, (_module, _function, short) in COMMANDS.items():
        cmd = load_command(name)
        assert cmd.name == name
        assert (cmd.help or "").strip().splitlines()[0] == short, name


def test_a_command_imports_only_its_own_engine() -> None:
    code = (
        "import sys; from guidekit.cli.app import main; "
        "rc = main(['schema']); "
        "heavy = [m for m in ('guidekit.handbook', 'guidekit.diff', 'guidekit.check.engine', 'git', "
        "'markdown_it') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"



def test_a_check_of_named_files_imports_no_sop_engine_nor_renderer(tmp_path: Path) -> None:
    """What a pre-commit hook runs: the check needs the SOP graph (GK4xx) but not the
    walker, the case runner or coverage, nor any handbook, diff engine or Markdown parser."""
    code = (
        "import sys; from guidekit.cli.app import main; "
        "rc = main(['check', '--no-cache', sys.argv[1]]); "
        "print([m for m in ('guidekit.sop.engine', 'guidekit.sop.runner', 'guidekit.sop.coverage', "
        "'guidekit.handbook', 'guidekit.diff.engine', 'markdown_it', 'jinja2', 'rich') if m in sys.modules])"
    )
    shutil.copytree(SAMPLE, tmp_path / "g")
    out = subprocess.run([sys.executable, "-c", code, "policies/ads/alcohol.md"], capture_output=True, text=True,
                         check=True, cwd=tmp_path / "g")
    assert out.stdout.strip().splitlines()[-1] == "[]"

def test_a_warm_check_of_named_files_builds_no_model_and_starts_no_process(tmp_path: Path) -> None:
    """A pre-commit hook's second run, nothing changed: every finding (the translations'
    too: the sample has two locales) comes from the cache, so no model, corpus or Markdown
    rule is imported and no process is forked for the translations stage; the configuration
    comes from its memo (no YAML parser, no schema validator), and the cache folder, outside
    the repository, is known to be out of git's reach without asking git."""
    code = (
        "import sys; from guidekit.cli.app import main; "
        "rc = main(['check', '--cache-dir', sys.argv[1], 'policies/ads/alcohol.md', 'policies/ads/dating.md']); "
        "print(rc, [m for m in ('multiprocessing', 'guidekit.model.policy', 'guidekit.model.sop', "
        "'guidekit.model.taxonomy', 'guidekit.corpus', 'guidekit.check.markdown', 'jsonschema', "
        "'ruamel.yaml', 'jsonschema_rs') if m in sys.modules])"
    )
    shutil.copytree(SAMPLE, tmp_path / "g")
    git(tmp_path / "g", "init", "-q", "-b", "main")
    git(tmp_path / "g", "add", "-A")
    git(tmp_path / "g", "commit", "-q", "-m", "sample")
    # git as ever, with each command it is asked written down
    spy = tmp_path / "bin" / "git"
    spy.parent.mkdir()
    spy.write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "git.log"}\nexec {shutil.which("git")} "$@"\n', "utf-8")
    spy.chmod(0o755)
    env = {**os.environ, "PATH": f"{spy.parent}{os.pathsep}{os.environ['PATH']}"}
    runs = []
    for _ in range(2):
        (tmp_path / "git.log").write_text("", "utf-8")
        runs.append(subprocess.run([sys.executable, "-c", code, str(tmp_path / "cache")], capture_output=True,
                                   text=True, check=True, cwd=tmp_path / "g", env=env).stdout.strip().splitlines()[-1])
    assert runs[0].startswith("0 ['multiprocessing'")  # the cold run forks and builds models
    assert runs[1] == "0 []"
    assert (tmp_path / "git.log").read_text("utf-8") == ""


def test_model_exports_every_name_from_its_module() -> None:
    import guidekit.model as model

    assert set(model.__all__) == {*model._HOME, "Document"}
    for name in model.__all__:
        value = getattr(model, name)
        assert value is not None, name
        if name in model._HOME:
            assert value.__module__ == f"guidekit.model.{model._HOME[name]}" or name == "TaxonomyItem"
    with pytest.raises(AttributeError):
        model.Nothing  # noqa: B018


def test_a_policy_diff_does_not_build_the_sop_and_taxonomy_models() -> None:
    code = (
        "import sys, guidekit.diff, guidekit.report.diff_json; "
        "print([m for m in ('guidekit.model.sop', 'guidekit.model.taxonomy', 'rich', 'jsonschema') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_has_help(cli) -> None:
    names = _commands()
    assert {"check", "rules", "init", "new", "schema"} <= set(names)
    for name in names:
        r = cli(name, "--help")
        assert r.exit_code == 0
        assert len(r.stdout.strip()) > 80, name


def test_rules_command_lists_and_explains(cli) -> None:
    r = cli("rules")
    assert r.exit_code == 0
    for rule in all_rules():
        assert rule.id in r.stdout
    r = cli("rules", "duplicate-key")
    assert r.exit_code == 0 and "GK002" in r.stdout


def test_schema_command_prints_and_exports(cli, tmp_path: Path) -> None:
    r = cli("schema", "policy")
    assert json.loads(r.stdout)["title"] == "guidekit policy"
    r = cli("schema", "sop", "--modeline", "--root", "guidance", cwd=REPO)
    assert r.stdout == "# yaml-language-server: $schema=../../schemas/sop.schema.json\n"
    r = cli("schema", "--export", str(tmp_path / "s"))
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        f"{n}.schema.json" for n in available())


def test_wheel_ships_the_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("guidekit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in available():
        assert f"guidekit/schemas/{name}.schema.json" in names
    assert "guidekit/templates/scaffold/policy.md" in names
