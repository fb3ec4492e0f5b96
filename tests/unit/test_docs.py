"""README and docs/ stay true: every command they show exists, every link resolves."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_FENCES = {"sh", "shell", "bash", "console"}
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _blocks(text: str) -> Iterator[tuple[str, list[str]]]:
    """(info string, lines) of every fenced code block of a Markdown text."""
    info: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("```"):
            if info is None:
                info, lines = line[3:].strip(), []
            else:
                yield info, lines
                info = None
        elif info is not None:
            lines.append(line)


def _prose(text: str) -> str:
    """The text outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return "\n".join(out)


def _commands(page: Path) -> Iterator[tuple[str, str]]:
    """("guidekit"|"make", first word after it) for each shell command of a page."""
    for info, lines in _blocks(page.read_text(encoding="utf-8")):
        if info not in SHELL_FENCES:
            continue
        for line in lines:
            code = line.split("#", 1)[0].strip()
            for part in re.split(r"&&|\|\||;|\|", code):
                try:
                    words = shlex.split(part)
                except ValueError:
                    words = part.split()
                if len(words) >= 2 and words[0] in {"guidekit", "make"}:
                    yield words[0], words[1]


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, re.M)}


def _slug(heading: str) -> str:
    """The anchor the forge gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {
        _slug(m.group(1))
        for m in re.finditer(r"^#{1,6} (.+)$", _prose(page.read_text(encoding="utf-8")), re.M)
    }


def test_readme_shows_the_commands_users_need() -> None:
    shown = set(_commands(REPO / "README.md"))
    for expected in ["demo", "test"]:
        assert ("make", expected) in shown
    for expected in ["init", "new", "check", "diff", "build"]:
        assert ("guidekit", expected) in shown


def test_every_make_target_shown_exists() -> None:
    targets = _make_targets()
    for page in PAGES:
        for tool, name in _commands(page):
            if tool == "make":
                assert name in targets, f"{page.name}: make {name} is not a target of the Makefile"


def test_every_guidekit_command_shown_exists(cli: Callable[..., Any]) -> None:
    names = sorted({name for page in PAGES for tool, name in _commands(page) if tool == "guidekit"})
    assert names
    for name in names:
        result = cli(name, "--help") if not name.startswith("-") else cli(name)
        assert result.exit_code == 0, f"guidekit {name}: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_local_link_resolves(page: Path) -> None:
    for target in _LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # a URL, not a file of this repository
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.exists(), f"{page.name}: link to {target} does not resolve"
        if anchor and dest.suffix == ".md":
            assert anchor in _anchors(dest), f"{page.name}: no heading for #{anchor} in {dest.name}"


def test_readme_links_every_docs_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in sorted((REPO / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
