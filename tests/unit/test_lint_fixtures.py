"""Data-driven lint fixtures: tests/data/lint/<RULE>/{good,bad}/<file>.

Each file is copied into a fresh repository made by `guidekit init` (dated
2026-01-01, which is also `today`). A bad fixture states every finding it must
produce in comments, ``# expect: GK301 line 18`` (or ``<!-- expect: ... -->``
in a Markdown body): the findings in that file must be exactly those. A good
fixture must produce none. ``<RULE>/rules.yaml`` holds rule settings merged
into guidekit.yaml for that rule's fixtures.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from guidekit.check.engine import run_check
from guidekit.check.registry import all_rules
from guidekit.loading import load_config
from guidekit.scaffold import init_files

LINT = Path(__file__).resolve().parents[1] / "data" / "lint"
FIXTURES = sorted(p for p in LINT.glob("GK*/*/*") if p.parent.name in ("good", "bad"))
_EXPECT = re.compile(r"expect:\s*(GK\d{3})\s+line\s+(\d+)")


def lint_repo(root: Path, rule_dir: Path | None = None) -> Path:
    for rel, text in init_files("lint", dt.date(2026, 1, 1)).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "guidekit.yaml"
    extra = 'today: "2026-01-01"\n'
    settings = rule_dir / "rules.yaml" if rule_dir is not None else None
    if settings is not None and settings.exists():
        extra += "rules:\n" + "".join(f"  {line}\n" for line in settings.read_text("utf-8").splitlines())
    config.write_text(config.read_text("utf-8") + extra, encoding="utf-8")
    return root


def _dest(fixture: Path) -> str:
    folder = "sops" if fixture.name.endswith(".sop.yaml") else "policies"
    return f"{folder}/{fixture.name}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.relative_to(LINT).as_posix() for p in FIXTURES])
def test_lint_fixture(fixture: Path, tmp_path: Path) -> None:
    root = lint_repo(tmp_path, fixture.parents[1])
    dest = _dest(fixture)
    shutil.copyfile(fixture, root / dest)
    result = run_check(load_config(root), lean=True)
    found = Counter((f.rule, f.span.line) for f in result.findings if f.span.path == dest)
    expected = Counter((r, int(n)) for r, n in _EXPECT.findall(fixture.read_text("utf-8")))
    listing = "\n".join(f"{f.span} {f.rule} {f.message}" for f in result.findings)
    if fixture.parent.name == "bad":
        rule = fixture.parents[1].name
        assert expected and {r for r, _ in expected} == {rule}, "a bad fixture states its rule"
        assert found == expected, listing
    else:
        assert not expected
        assert found == Counter(), listing
    assert all(f.span.path == dest for f in result.findings), listing  # the base stays clean


def test_every_lint_rule_has_good_and_bad_fixtures() -> None:
    lint_rules = {r.id for r in all_rules() if r.id.startswith("GK3")}
    for rid in lint_rules:
        assert list((LINT / rid / "bad").iterdir()), rid
        assert list((LINT / rid / "good").iterdir()), rid
    assert {p.name for p in LINT.iterdir()} == lint_rules


def test_lint_base_is_clean(tmp_path: Path) -> None:
    assert run_check(load_config(lint_repo(tmp_path))).findings == []


def test_rules_yaml_is_valid_settings() -> None:
    for settings in LINT.glob("*/rules.yaml"):
        data = YAML(typ="safe").load(settings.read_text("utf-8"))
        assert list(data) == [settings.parent.name]
