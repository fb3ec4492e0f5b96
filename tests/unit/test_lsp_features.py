"""The language server's answers as plain data (guidekit.lsp.features) on the sample, and a
property test: no edit or position makes the session or a feature raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidekit.check.engine import run_check
from guidekit.check.session import CheckSession
from guidekit.loading.config import load_config
from guidekit.lsp.features import Features
from guidekit.lsp.index import WorkspaceIndex

GAMBLING = "policies/ads/gambling.md"
SOP = "sops/ad-creative-review.sop.yaml"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckSession, Features]:
    import shutil

    from conftest import SAMPLE

    root = tmp_path_factory.mktemp("lsp") / "guidance"
    shutil.copytree(SAMPLE, root)
    session = CheckSession(load_config(root))
    return session, Features(session, WorkspaceIndex(session))


def _at(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    i = text.index(needle) + offset
    return text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1)


def test_session_findings_equal_check(setup: tuple[CheckSession, Features]) -> None:
    session, _ = setup
    result = run_check(session.config)
    by_file: dict[str, list[object]] = {}
    for f in result.findings:
        by_file.setdefault(f.span.path, []).append(f)
    assert {k: v for k, v in session.all_findings().items() if v} == by_file


def test_an_edit_reports_what_check_reports_for_the_same_text(
        setup: tuple[CheckSession, Features], tmp_path: Path) -> None:
    session, _ = setup
    text = session.text(GAMBLING) or ""
    broken = text.replace("severity: high", "severity: hgih", 1)
    try:
        changed = session.set_text(GAMBLING, broken)
        assert GAMBLING in changed
        messages = [f.message for f in session.findings(GAMBLING)]
        assert "unknown severity 'hgih'" in messages
    finally:
        session.set_text(GAMBLING, None)
    assert "unknown severity 'hgih'" not in [f.message for f in session.findings(GAMBLING)]


def test_hover_on_nodes_outcomes_and_fields(setup: tuple[CheckSession, Features]) -> None:
    session, features = setup
    text = session.text(SOP) or ""
    hover = features.hover(SOP, *_at(text, "next: q-endorsement", 8))
    assert hover is not None and "public figure" in hover[0]
    hover = features.hover(SOP, *_at(text, "outcome: restrict-crypto", 10))
    assert hover is not None and "restrict-crypto" in hover[0]
    hover = features.hover(SOP, *_at(text, "queue: ads-creative", 1))
    assert hover is not None and "queue" in hover[0].lower()


def test_completion_of_field_names_and_list_items(setup: tuple[CheckSession, Features]) -> None:
    session, features = setup
    text = session.text(GAMBLING) or ""
    lines = text.split("\n")
    # a new key in the first rule: the rule's fields it does not have yet
    line = next(i for i, t in enumerate(lines) if t.strip().startswith("severity:"))
    probe = [*lines[:line + 1], "    ", *lines[line + 1:]]
    session.set_text(GAMBLING, "\n".join(probe))
    try:
        labels = {s.label for s in features.completion(GAMBLING, line + 1, 4)}
        assert "categories" in labels and "action" not in labels
    finally:
        session.set_text(GAMBLING, None)
    markets = next(i for i, t in enumerate(lines) if t.strip() == "markets: [BR]")
    labels = {s.label for s in features.completion(GAMBLING, markets, len(lines[markets]) - 1)}
    assert {"BR", "DE"} <= labels  # inside a flow list: the taxonomy's markets
    market = next(i for i, t in enumerate(lines) if t.strip() == "- market: BR")
    labels = {s.label for s in features.completion(GAMBLING, market, len(lines[market]))}
    assert {"BR", "GB"} <= labels


def test_rename_refuses_bad_and_taken_ids(setup: tuple[CheckSession, Features]) -> None:
    session, features = setup
    text = session.text(SOP) or ""
    at = _at(text, "rules: [ADS-FIN-1.a]", 10)
    with pytest.raises(ValueError, match="already exists"):
        features.rename(SOP, *at, "ADS-FIN-2.a")
    with pytest.raises(ValueError, match="not a valid id"):
        features.rename(SOP, *at, "has space")
    with pytest.raises(ValueError, match="only a rule"):
        features.rename(SOP, *_at(text, "queue: ads-creative", 8), "x")


_PIECES = st.sampled_from(["", "---\n", "\x00", "id: [", "{{{", "😀 ü 漢字", "action: !!bool maybe\n",
                           "rules:\n  - id: X\n    action: 5\n", "&a [*a, *a]\n", "\t", "\r\n", ": :", "- -"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 4000), insert=st.lists(_PIECES, max_size=5), line=st.integers(-2, 300),
       col=st.integers(-2, 200), rel=st.sampled_from([GAMBLING, SOP, "taxonomy/actions.yaml", "guidekit.yaml"]))
def test_no_edit_or_position_raises(setup: tuple[CheckSession, Features], cut: int, insert: list[str],
                                    line: int, col: int, rel: str) -> None:
    session, features = setup
    original = session.text(rel) or ""
    text = original[:cut] + "".join(insert) + original[cut:]
    try:
        session.set_text(rel, text)
        features.index.refresh(rel)
        features.hover(rel, max(line, 0), max(col, 0))
        features.definition(rel, max(line, 0), max(col, 0))
        features.references(rel, max(line, 0), max(col, 0))
        features.completion(rel, max(line, 0), max(col, 0))
        features.document_symbols(rel)
        features.formatting(rel)
        for f in session.findings(rel):
            features.fixes(f)
            features.suppress(f)
    finally:
        session.set_text(rel, None)
        features.index.refresh(rel)
