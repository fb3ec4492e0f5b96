"""Escaping everywhere text leaves guidekit (issue 17): Markdown, HTML, XML, the terminal."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import GitRepo
from guidekit.cli.app import main
from guidekit.report.escape import code_span, one_line, terminal, xml_text

ALC = "policies/ads/alcohol.md"
# a file name that, put in backticks unescaped, closes the span, links, fakes a table row
# and opens a <details> that hides what follows
CRAFTED = "policies/ads/x` [ok](https://evil.example/) | fake | row <details><summary>fine.md"


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`", "a\nb", "<details>", "| x |", " "])
def test_a_code_span_holds_any_text(text: str) -> None:
    md = MarkdownIt("commonmark")
    html = md.renderInline(code_span(text))
    assert html.startswith("<code>") and html.endswith("</code>") and html.count("<code>") == 1
    assert "<details>" not in html and "<a " not in html
    table = f"| a | b |\n|---|---|\n| {code_span(text, in_table=True)} | z |\n"
    cell = MarkdownIt("commonmark").enable("table").render(table)
    assert cell.count("<td>") == 2


def test_control_characters_never_reach_a_terminal_or_xml() -> None:
    assert terminal("a\x1b[31mred\x07\r\n") == "a\ufffd[31mred\ufffd\n"
    assert one_line("a\nb\r\nc") == "a\\nb\\nc"
    inner = xml_text("x\x00\x1b\x0b\ud800y")
    assert ET.fromstring("<a>" + inner + "</a>").text == "x\ufffd\ufffd\ufffd\ufffdy"


def _crafted_repo(sample_repo: GitRepo) -> GitRepo:
    text = (sample_repo.path / ALC).read_text("utf-8")
    sample_repo.write(CRAFTED, text.replace("id: ADS-ALC\n", "id: ADS-CRAFT\n")
                      .replace("ADS-ALC-", "ADS-CRAFT-"))
    return sample_repo


def test_the_pr_comment_keeps_a_crafted_file_name_in_its_code_span(sample_repo: GitRepo) -> None:
    repo = _crafted_repo(sample_repo)
    (repo.path / ALC).write_text((repo.path / ALC).read_text("utf-8").replace(
        "Lifestyle scenes are disapproved.", "See https://evil.example/claim now.", 1), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["diff", "HEAD", "--root", str(repo.path), "--format", "markdown"]) == 0
    html = MarkdownIt("commonmark").enable("table").render(out.getvalue())
    assert "evil.example" not in "".join(a.split('"')[1] for a in html.split("<a href=")[1:])
    assert "https://evil.example" not in out.getvalue()  # quoted text is defanged
    # one per changed document and one per locale whose translations the change touches
    # (the sample's pt-BR and id catalogs): none injected
    locales = re.findall(r"<details>\s*<summary>(pt-BR|id): ", html)
    assert html.count("<details>") == 2 + len(locales) and set(locales) <= {"pt-BR", "id"}
    assert "<td>fake</td>" not in html


def test_junit_and_text_reports_survive_control_characters_in_file_names(sample_root: Path) -> None:
    bad = sample_root / "policies" / "ads" / "bell\x07\x1b[2J.md"
    bad.write_text("not front matter\n", encoding="utf-8")
    for fmt in ("junit", "text"):
        run = subprocess.run([sys.executable, "-m", "guidekit", "check", "--no-cache", "-f", fmt],
                             cwd=sample_root, capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 1, run.stderr
        assert "\x1b" not in run.stdout and "\x07" not in run.stdout
        if fmt == "junit":
            ET.fromstring(run.stdout.split("\n", 1)[1])


def test_example_notes_are_defanged_in_handbooks(sample_root: Path, tmp_path: Path) -> None:
    path = sample_root / ALC
    path.write_text(path.read_text("utf-8").replace(
        "note: Targeting below 18 is never accepted, whatever the local drinking age.",
        "note: Reported from https://scam.example/win and bit.ly/x1", 1), "utf-8")
    out = tmp_path / "out"
    for fmt in ("markdown", "html"):
        run = subprocess.run([sys.executable, "-m", "guidekit", "build", "--force", "-f", fmt, "--out",
                              str(out / fmt)], cwd=sample_root, capture_output=True, text=True,
                             timeout=300, check=False)
        assert run.returncode == 0, run.stderr
    written = "".join(p.read_text("utf-8", "replace") for p in out.rglob("*") if p.suffix in (".md", ".html"))
    assert "hxxps://scam[.]example/win" in written
    assert "https://scam.example" not in written and "bit.ly/x1" not in written
