"""Deep SOP trees (issue 17): check warns above a configurable depth, the handbook shows
and walks the whole tree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import chromium_path
from guidekit.check.engine import run_check
from guidekit.cli.app import main
from guidekit.loading import load_config

SOP = "sops/creator-appeal.sop.yaml"
DEPTH = 260  # past the walk-through's old limit of 200 answers and the diagram's 50 levels


def _deepen(root: Path, depth: int = DEPTH) -> None:
    """Replace the appeal SOP's tree by a chain of ``depth`` questions ending at an outcome."""
    path = root / SOP
    text = path.read_text("utf-8")
    start, end = text.index("decision_tree:"), text.index("\noutcomes:")
    nodes = []
    for i in range(depth):
        nxt = f"next: q{i + 1}" if i + 1 < depth else "outcome: overturn-restore"
        nodes.append(f"    - id: q{i}\n      question: Question number {i}?\n      answers:\n"
                     f"        - {{value: \"yes\", label: \"Yes\", {nxt}}}\n"
                     f"        - {{value: \"no\", label: \"No\", outcome: overturn-no-record}}\n")
    tree = "decision_tree:\n  start: q0\n  nodes:\n" + "".join(nodes)
    path.write_text(text[:start] + tree + text[end:], encoding="utf-8")


def _deep_findings(root: Path) -> list[Any]:
    return [f for f in run_check(load_config(root)).findings if f.rule == "GK406"]


def test_check_warns_above_the_configured_depth(sample_root: Path) -> None:
    _deepen(sample_root)
    (found,) = _deep_findings(sample_root)
    assert found.severity.value == "warning" and found.span.path == SOP
    assert f"asks {DEPTH} questions, more than max_depth (30)" in found.message
    config = sample_root / "guidekit.yaml"
    text = config.read_text("utf-8")
    assert "\nrules:\n" in text
    config.write_text(text.replace("\nrules:\n", "\nrules:\n  GK406: {options: {max_depth: 300}}\n"),
                      encoding="utf-8")
    assert _deep_findings(sample_root) == []


def test_the_sample_trees_are_not_deep(sample_root: Path) -> None:
    assert _deep_findings(sample_root) == []


@pytest.fixture
def deep_site(sample_root: Path, tmp_path: Path) -> Path:
    _deepen(sample_root)
    out = tmp_path / "site"
    # --force: the cases of the old tree no longer fit it (check says so; not the point here)
    assert main(["build", str(sample_root), "--out", str(out), "-H", "ads-global", "--force"]) == 0
    return out


def test_the_print_diagram_holds_every_question(deep_site: Path) -> None:
    html = "".join(p.read_text("utf-8") for p in deep_site.rglob("*.html"))
    assert all(f"Question number {i}?" in html for i in range(DEPTH))
    assert not re.search(r"see: Question number \d+\?", html)  # nothing cut short


@pytest.mark.e2e
def test_the_walk_through_reaches_the_outcome_of_a_deep_tree(deep_site: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = next(p for p in deep_site.rglob("*.html")
                     if p.name != "print.html" and "Question number 0?" in p.read_text("utf-8"))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            app = page.locator(".walk-app")
            app.locator("button", has_text="Yes").first.click()
            answered = page.evaluate("""(depth) => {
                let n = 1;
                for (; n < depth; n++) {
                    const yes = [...document.querySelectorAll('.walk-app .answers button')]
                        .find(b => b.textContent === 'Yes');
                    if (!yes) break;
                    yes.click();
                }
                return n;
            }""", DEPTH)
            assert answered == DEPTH
            assert "Overturned - no rule is broken" in app.locator(".walk-outcome").inner_text()
        finally:
            browser.close()
