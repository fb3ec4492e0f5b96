"""Rule settings in guidekit.yaml (options, per-path overrides) and inline suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_lint_fixtures import LINT, lint_repo

from guidekit.check.engine import Selection, run_check
from guidekit.errors import GuidekitError
from guidekit.loading import load_config

HEDGE = LINT / "GK320" / "bad" / "hedges-in-rule-text.md"


def _repo(tmp_path: Path, rules: str, files: dict[str, str]) -> Path:
    root = lint_repo(tmp_path)
    config = root / "guidekit.yaml"
    if rules:
        config.write_text(config.read_text("utf-8") + "rules:\n" + rules, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _found(root: Path, **kw: object) -> list[tuple[str, str, int, str]]:
    result = run_check(load_config(root), **kw)  # type: ignore[arg-type]
    return [(f.rule, f.span.path, f.span.line, f.severity.value) for f in result.findings]


# (settings under rules:, message, line below "rules:" and column of the culprit)
@pytest.mark.parametrize(("rules", "message", "line", "col"), [
    ("  GK320:\n    options: {feilds: [rule]}\n", "has no option 'feilds'", 2, 15),
    ("  GK360:\n    options: {max_chars: short}\n", "'short' is not of type 'integer'", 2, 26),
    ("  vague-language:\n    overrides:\n      - paths: [x]\n        options: {terms: [1]}\n",
     "is not of type 'object'", 4, 26),
    ("  GK999: {enabled: false}\n", "unknown rule 'GK999'", 1, 3),
])
def test_bad_rule_settings_are_usage_errors_with_a_position(tmp_path: Path, rules: str, message: str,
                                                            line: int, col: int) -> None:
    root = _repo(tmp_path, rules, {})
    at = (root / "guidekit.yaml").read_text("utf-8").splitlines().index("rules:") + 1 + line
    with pytest.raises(GuidekitError) as err:
        run_check(load_config(root))
    assert message in err.value.message
    assert f"guidekit.yaml:{at}:{col}:" in err.value.message
    if "feilds" in rules:
        assert err.value.hint is not None and "did you mean 'fields'" in err.value.hint


def test_per_path_overrides_change_severity_options_and_enablement(tmp_path: Path) -> None:
    text = HEDGE.read_text("utf-8")
    files = {f"policies/{d}/hedge.md": text.replace("CG-LINT", f"CG-{d.upper()}")
             for d in ("ads", "live", "kept")}
    rules = """\
  GK320:
    severity: error
    overrides:
      - paths: ["policies/ads/**"]
        severity: info
        options: {terms: {generally: null}}
      - paths: ["policies/live/**"]
        enabled: false
"""
    found = _found(_repo(tmp_path, rules, files))
    by_file: dict[str, set[tuple[int, str]]] = {}
    for rule, path, line, sev in found:
        assert rule == "GK320"
        by_file.setdefault(path, set()).add((line, sev))
    assert by_file == {
        "policies/ads/hedge.md": {(19, "info")},                 # 'generally' switched off there
        "policies/kept/hedge.md": {(18, "error"), (19, "error")},
    }


def test_paths_and_exclude_scope_a_rule(tmp_path: Path) -> None:
    text = HEDGE.read_text("utf-8")
    files = {f"policies/{d}/hedge.md": text.replace("CG-LINT", f"CG-{d.upper()}")
             for d in ("ads", "live")}
    found = _found(_repo(tmp_path, '  GK320: {paths: ["policies/**"], exclude: ["**/live/*"]}\n',
                         files))
    assert {p for _, p, _, _ in found} == {"policies/ads/hedge.md"}


SUPPRESSED = """\
---
id: CG-QUIET
title: Suppressions
kind: community
status: active
version: 1
effective: 2025-06-01
review_by: 2026-06-01
owners: [policy-team]
categories: [scams_fraud]
rules:
  - id: CG-QUIET-1.a
    title: A rule
    # guidekit: disable-next-line=GK320
    text: Usually remove posts that ask for a fee.
    action: remove
    severity: medium
    examples:
      violating:
        - {id: v1, text: "Pay at https://fee.example/now"}  # guidekit: disable=live-link-in-example
      allowed:
        - {id: a1, text: A bank's post warning about prize scams.}
---

## Rationale

Why. <!-- guidekit: disable=GK330 --> See [nothing](missing.md).

## Empty
<!-- guidekit: disable-file=GK312,GK311 -->
"""


def test_suppressions_silence_the_named_rules_and_report_unused_ones(tmp_path: Path) -> None:
    root = _repo(tmp_path, "", {"policies/quiet.md": SUPPRESSED})
    assert _found(root) == [("GK390", "policies/quiet.md", 30, "warning")]  # GK311 had nothing


def test_unused_suppressions_of_rules_that_did_not_run_are_not_reported(tmp_path: Path) -> None:
    root = _repo(tmp_path, "", {"policies/quiet.md": SUPPRESSED})
    assert _found(root, selection=Selection(select=("GK1",))) == []
    assert _found(root, selection=Selection(ignore=("GK390",))) == []
    lifted = SUPPRESSED.replace("    # guidekit: disable-next-line=GK320\n", "")
    root = _repo(tmp_path / "b", "", {"policies/quiet.md": lifted})
    assert ("GK320", "policies/quiet.md", 14, "warning") in _found(root)


def test_every_option_has_a_default_a_type_and_a_description() -> None:
    from guidekit.check.registry import all_rules

    for rule in all_rules():
        assert set(rule.options) == set(rule.option_schema), rule.id
        for name, schema in rule.option_schema.items():
            assert schema.get("description") and ("type" in schema or "enum" in schema), (rule.id, name)


def test_rules_command_explains_options_and_suppression(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("rules", "GK320")
    assert r.exit_code == 0
    for word in ("terms", "fields", '"question"', "guidekit: disable=GK320"):
        assert word in r.stdout, word
    listing = cli("rules").stdout
    assert all(rid in listing for rid in ("GK301", "GK330", "GK350", "GK390"))
