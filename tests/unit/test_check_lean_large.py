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
from guidekit.loading.config import load_config


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
)


@pytest.mark.slow
def test_lean_shared_corpus_reports_the_same_findings(tmp_path: Path) -> None:
    files = _generate(tmp_path, 2000)
    rng = random.Random(16)
    for i, path in enumerate(rng.sample(files, 140)):
        old, new = _EDITS[i % len(_EDITS)]
        path.write_text(path.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
    config = load_config(tmp_path)

    def findings(*, lean: bool) -> list[tuple[str, str, int, int, str]]:
        result = run_check(config, lean=lean, jobs=2)
        return [(f.rule, f.span.path, f.span.line, f.span.col, f.message) for f in result.findings]

    lean, full = findings(lean=True), findings(lean=False)
    assert lean == full
    kinds = {rule for rule, *_ in lean}
    assert len(lean) >= 100 and len(kinds) >= 4, (len(lean), kinds)
    assert any("example id" in m for *_, m in lean) and any("'XX'" in m for *_, m in lean)
