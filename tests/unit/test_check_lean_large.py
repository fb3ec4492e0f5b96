"""A generated 2,000-policy corpus with findings reports the same findings (ids, files, lines,
columns, messages) whether the parent keeps full documents or lean ones (what ``guidekit
check`` does: results sent as text from two worker processes, each policy modelled as it
arrives without prose and with only the examples corpus rules read)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import bench_module
from guidekit.check.engine import run_check
from guidekit.loading import yamlcompat, yamlio
from guidekit.loading.config import Config, load_config


def _generate(root: Path, n: int) -> list[Path]:
    files: list[Path] = bench_module("gen_corpus").generate(root, n)
    return files


# edits that make findings of several kinds: schema, taxonomy, reference, link, duplicate key
_EDITS = (
    ("action: remove", "action: obliterate"),
    ("related: [P0", "related: [P9999"),
    ("status: active", "status: sideways"),
    ("  - id: public-interest", "  - id: public-interest\n    rules: [P77777-1.a]"),
    ("#definitions)", "#no-such-heading)"),
    ("## Rationale\n", "## Rationale\n\nSee http://example.com/offer for details.\n"),
    ("title: Public-interest reporting", "title: Public-interest reporting\n    title: twice"),
    # examples: the lean corpus keeps only those a corpus rule can report on
    ("        - id: v1\n", "        - id: v1\n          markets: [XX]\n"),
    ("        - id: v2\n", "        - id: v1\n"),
    ("        - id: a1\n", "        - id: v2\n"),
    # YAML the one-pass loader leaves to the standard one: an alias, a syntax error
    ("tags: [generated", "tags: &t [generated"),
    ("kind: ", "kind: [unclosed "),
)


def _corpus_with_findings(root: Path) -> None:
    files = _generate(root, 2000)
    rng = random.Random(16)
    for i, path in enumerate(rng.sample(files, 140)):
        old, new = _EDITS[i % len(_EDITS)]
        path.write_text(path.read_text("utf-8").replace(old, new, 1), encoding="utf-8")


def _found(config: Config, *, lean: bool = True) -> list[tuple[str, str, int, int, str]]:
    result = run_check(config, lean=lean, jobs=2)
    return [(f.rule, f.span.path, f.span.line, f.span.col, f.message) for f in result.findings]


@pytest.mark.slow
def test_one_pass_loader_and_standard_loader_report_the_same_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check's loading path (libyaml's composer with guidekit's constructor, yamlcompat)
    against ruamel's standard safe loader (the internals taken away, as test_yaml_compat
    does): the same findings on a generated 2,000-policy corpus, positions included."""
    _corpus_with_findings(tmp_path)
    config = load_config(tmp_path)
    fast = _found(config)
    monkeypatch.setattr(yamlcompat, "probe", lambda: None)
    monkeypatch.setattr(yamlio, "_loader", None)  # the per-process loader is rebuilt
    standard = _found(config)
    assert fast == standard
    assert {"GK001", "GK002"} <= {rule for rule, *_ in fast}, {rule for rule, *_ in fast}  # syntax, duplicate key


@pytest.mark.slow
def test_lean_shared_corpus_reports_the_same_findings(tmp_path: Path) -> None:
    _corpus_with_findings(tmp_path)
    config = load_config(tmp_path)

    lean, full = _found(config, lean=True), _found(config, lean=False)
    assert lean == full
    kinds = {rule for rule, *_ in lean}
    assert len(lean) >= 100 and len(kinds) >= 4, (len(lean), kinds)
    assert any("example id" in m for *_, m in lean) and any("'XX'" in m for *_, m in lean)
