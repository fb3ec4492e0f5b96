"""Plain Markdown without front matter, in the shape of an Open Terms Archive history.

Such a file is a document whose id is its path without the extension; it is
split into blocks under heading paths (setext or ATX), and every block that a
commit changes must show up in the diff. The check is independent of the
engine: every non-blank line that `git diff` adds or removes must sit inside a
reported paragraph.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import OTA_BUNDLE, GitRepo, assert_balanced
from guidekit.diff import ChangeKind, ChangeSet, DiffSession

DOC = "Platform/Community Guidelines.md"
BUNDLE = OTA_BUNDLE

V1 = """Community Guidelines
====================

Our community is a place to share ideas. These guidelines say what is not
allowed here and what happens when someone breaks them.

Safety
------

We remove threats of violence against any person.

*   Threats against a named person
*   Praise of recent attacks

| Violation | First strike | Second strike |
| --- | --- | --- |
| Spam | Warning | 7-day limit |

Respect
-------

Harassment of private people is removed. Public figures may be criticised for what they do in
public life, but not attacked for who they are.

[Report content](https://example.test/report)
"""


_MARKUP_ALONE = re.compile(r"[\s\-=*_]*")


def _commit_steps(repo: GitRepo) -> list[str]:
    """Build the history; return the commit shas oldest first."""
    doc = repo.path / DOC
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = V1
    shas = []

    def step(new_text: str, message: str) -> None:
        nonlocal text
        text = new_text
        doc.write_text(text, encoding="utf-8")
        shas.append(repo.commit(message))

    step(text, "first record")
    step(text.replace("share ideas", "share ideas and creative work"), "reword the intro")
    step(text.replace("Safety\n------\n\n", ""), "extraction lost a heading")
    step(text.replace("We remove threats", "### Safety\n\nWe remove threats"), "heading back at another level")
    step(text.replace("*   Praise of recent attacks\n", "*   Praise of recent attacks\n*   Calls to bring weapons\n")
         .replace("| Spam | Warning | 7-day limit |", "| Spam | Warning | 14-day limit |"),
         "list item and table cell")
    step(text.replace("Public figures may be criticised for what they do in\npublic life",
                      "Public figures may be criticised for what they do\nin public life"), "reflow only")
    step(text.replace("[Report content](https://example.test/report)\n", ""), "link removed")
    repo.write("Other/Terms.md", "Terms\n=====\n\nUse the service lawfully.\n")
    step(text, "second document")
    repo.git("mv", "Other/Terms.md", "Other/Terms of Service.md")
    shas.append(repo.commit("rename"))
    return shas


def changed_lines(cwd: Path, a: str, b: str) -> dict[str, tuple[Counter[str], Counter[str]]]:
    """Per file (new path), the non-blank lines git removes and adds, with lines that
    only move (removed and added alike) cancelled out, and lines of markup alone
    (thematic breaks, stray underlines: no words; reported only when all that changed)."""
    out = subprocess.run(["git", "diff", "-U0", "--no-color", "-M", a, b], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout
    files: dict[str, tuple[Counter[str], Counter[str]]] = {}
    old = new = None
    for line in out.splitlines():
        if line.startswith("--- "):
            old = line[4:].rstrip("\t").removeprefix("a/")
        elif line.startswith("+++ "):
            new = line[4:].rstrip("\t").removeprefix("b/")
            key = new if new != "/dev/null" else old
            assert key is not None
            files.setdefault(key, (Counter(), Counter()))
        elif (line[:1] in "+-" and line[1:].strip() and not line.startswith(("+++", "---"))
              and not _MARKUP_ALONE.fullmatch(line[1:])):
            key = new if new != "/dev/null" else old
            assert key is not None
            files[key][0 if line[0] == "-" else 1][line[1:].strip()] += 1
    for removed, added in files.values():
        common = removed & added
        removed.subtract(common)
        added.subtract(common)
    return files


def assert_every_change_reported(changes: ChangeSet, lines: dict[str, tuple[Counter[str], Counter[str]]]) -> None:
    for path, (removed, added) in lines.items():
        doc = changes.by_path(path)
        assert doc is not None, f"{path} changed but is not reported"
        olds = "\n".join(p.old for s in doc.sections for p in s.paragraphs)
        news = "\n".join(p.new for s in doc.sections for p in s.paragraphs)
        missing = [x for x, n in added.items() if n > 0 and x not in news]
        missing += [x for x, n in removed.items() if n > 0 and x not in olds]
        assert not missing, f"{path}: lines not in any reported paragraph: {missing[:3]}"


@pytest.mark.e2e
def test_every_consecutive_pair_reports_each_changed_paragraph(git_repo: GitRepo) -> None:
    shas = _commit_steps(git_repo)
    results = {}
    with DiffSession(git_repo.path) as session:
        for a, b in pairwise(shas):
            changes = session.diff(a, b)
            assert_every_change_reported(changes, changed_lines(git_repo.path, a, b))
            results[git_repo.git("log", "-1", "--format=%s", b)] = changes
    doc_id = "Platform/Community Guidelines"

    intro = results["reword the intro"].document(doc_id)
    assert intro is not None and intro.kind == "markdown" and intro.title == "Community Guidelines"
    (sec,) = intro.sections
    assert sec.heading == ("Community Guidelines",)
    assert ("insert", "and creative work") in sec.paragraphs[0].redline

    # a heading that disappears is one removed block; the text under it is not "new"
    lost = results["extraction lost a heading"].document(doc_id)
    assert lost is not None
    assert [(p.change, p.old) for s in lost.sections for p in s.paragraphs] == [
        (ChangeKind.REMOVED, "Safety\n------")]

    cells = results["list item and table cell"].document(doc_id)
    assert cells is not None
    kinds = sorted(p.change.value for s in cells.sections for p in s.paragraphs)
    assert kinds == ["added", "modified"]

    reflow = results["reflow only"].document(doc_id)
    assert reflow is not None and all(s.reflow for s in reflow.sections)

    added = results["second document"].document("Other/Terms")
    assert added is not None and added.change is ChangeKind.ADDED
    assert [p.new for s in added.sections for p in s.paragraphs] == ["Terms\n=====", "Use the service lawfully."]

    renamed = results["rename"].by_path("Other/Terms of Service.md")
    assert renamed is not None and renamed.change is ChangeKind.MOVED and renamed.old_path == "Other/Terms.md"


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(not BUNDLE.is_file(), reason=f"the real history sample {BUNDLE} is not on this machine")
def test_open_terms_archive_sample_history(tmp_path: Path) -> None:
    clone = tmp_path / "ota"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(clone)], check=True, capture_output=True)
    shas = subprocess.run(["git", "rev-list", "--reverse", "HEAD"], cwd=clone, check=True, capture_output=True,
                          text=True).stdout.split()
    assert len(shas) > 100
    reported = 0
    with DiffSession(clone) as session:
        for a, b in pairwise(shas):
            changes = session.diff(a, b)
            assert_every_change_reported(changes, changed_lines(clone, a, b))
            assert_reads_true(clone, a, b, changes)
            reported += sum(len(s.paragraphs) for d in changes for s in d.sections)
    assert reported > len(shas)


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _under(cwd: Path, rev: str, path: str, heading: tuple[str, ...]) -> Counter[str]:
    """The words of the blocks under a heading path (its subsections too) at a revision."""
    from guidekit.diff.text import split_blocks

    body = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout
    return Counter(w.casefold() for blk in split_blocks(body) if blk.heading[:len(heading)] == heading
                   for w in _WORD.findall(blk.text))


def assert_reads_true(cwd: Path, a: str, b: str, changes: ChangeSet) -> None:
    """What issue #15 asks of every report: renames that are renames, no block of markup
    alone, a visible mark on every edit, a comment within its size with closed tags."""
    from guidekit.report.diff_markdown import render_markdown

    for d in changes:
        paragraphs = [p for s in d.sections for p in s.paragraphs]
        only_markup = [p for p in paragraphs if not _words(p.old + p.new)]
        assert not only_markup or len(only_markup) == len(paragraphs), (b, d.id, only_markup[:2])
        for s in d.sections:
            if s.change is ChangeKind.RENAMED and s.old_heading:
                assert s.old_heading[-1] != s.heading[-1]
                if not _words(s.old_heading[-1]) & _words(s.heading[-1]):
                    old, new = _under(cwd, a, d.old_path or d.path, s.old_heading), _under(cwd, b, d.path, s.heading)
                    kept = (old & new).total()
                    assert 2 * kept >= (old.total() + new.total()) / 2, (b, s.old_heading, s.heading)
            for p in s.paragraphs:
                if p.change is ChangeKind.MODIFIED and not p.reflow:
                    assert any(op != "equal" for op, _t in p.redline), (b, p.old[:80])
    for limit in (60_000, 8_000):
        md = render_markdown(changes, limit)
        assert len(md) <= limit
        assert_balanced(md)
        assert not len(changes) or md.count("<details>") >= 1


def test_each_markdown_document_is_split_once_per_revision(git_repo: GitRepo,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The title (first heading) and the comparison read the same split: a diff splits each
    changed plain Markdown document once at each revision it exists at, not once per use."""
    import guidekit.diff.text as text_module

    shas = _commit_steps(git_repo)
    calls: list[int] = []
    real = text_module.read_blocks

    def counting(body: str) -> object:
        calls.append(1)
        return real(body)

    monkeypatch.setattr(text_module, "read_blocks", counting)
    from guidekit.diff import diff_revisions

    for a, b in pairwise(shas):
        calls.clear()
        changes = diff_revisions(git_repo.path, a, b)
        assert changes.documents, (a, b)
        sides = sum((d.change is not ChangeKind.ADDED) + (d.change is not ChangeKind.REMOVED)
                    for d in changes.documents)
        assert len(calls) == sides, (a, b, [d.path for d in changes.documents])
