"""The text report of `guidekit diff` without colour: our own plain format, written
without rich (guidekit.report.diff_text).

The inputs are real ChangeSets from a git repository whose titles, rule texts,
headings and paragraphs carry hostile text, and generated ChangeSets with
arbitrary text. The report keeps the words, never passes a control character
to the terminal, expands tabs to columns of 8 cells, and never wraps.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, GitRepo, git
from guidekit.diff import ChangeKind, ChangeSet, DocumentChange, FieldChange, Impact, ItemChange, diff_revisions
from guidekit.diff.model import ParagraphChange, Revision, SectionChange
from guidekit.findings import SourceSpan
from guidekit.report import diff_text, escape
from guidekit.report.diff_base import DiffReportOptions

FIXTURE = DATA / "diff" / "repo"
GAMB = "policies/ads/gambling.md"
HAR = "policies/community/harassment.md"

HOSTILE = [
    "tab\there\t\tdouble\t",
    "cr\rline\r\nnext line",
    "ansi \x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07",
    "c0 \x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b end\tafter controls",
    "[bold]markup[/] [red]x[/red] \\[escaped] [link=http://x]y[/link]",
    ":smile: :thumbs_up: :red_circle: :smile-emoji:",
    "long " + "word\t" * 60 + "x" * 400,
    "中文标题\t混合 עברית\tمرحبا 👍🏽 👨‍👩‍👧 ❤️\tend ＡＢ\t",
    "\u200d\ufe0f\ttab after joiners \u0301\t\u00ad\tx",
    "",
]


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar for any text (control characters escaped)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def hostile_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The diff fixture committed once, then one commit per hostile string: it becomes the
    title of a policy, the title and text of a rule, a heading and a paragraph, and (every
    other commit) a policy is added under a file name with the string in it, or removed."""
    path = tmp_path_factory.mktemp("hostile") / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    repo = GitRepo(path)
    shutil.copytree(FIXTURE, path, dirs_exist_ok=True)
    shas = [repo.commit("baseline")]
    title, rule_title, rule_text = (
        "Gambling in ads", "Appeal to minors", "Disapprove gambling ads that appeal to people under 18.")
    for i, h in enumerate(HOSTILE):
        _replace(path / GAMB, f"title: {title}", f"title: {_yaml_string(h)}")
        _replace(path / GAMB, f"    title: {rule_title}", f"    title: {_yaml_string('R ' + h)}")
        _replace(path / GAMB, f"    text: {rule_text}", f"    text: {_yaml_string(h + ' and more ' + h)}")
        title, rule_title, rule_text = (_yaml_string(h), _yaml_string("R " + h),
                                        _yaml_string(h + " and more " + h))
        with (path / HAR).open("a", encoding="utf-8", newline="") as f:
            f.write(f"\n## Heading {i} {h}\n\nParagraph {i}: {h}\n")
        extra = path / "policies" / "extra"
        if i % 2 == 0:
            name = re.sub(r"[\x00-\x1f/\\:*?\"<>|\x7f]", "_", h)[:40]
            extra.mkdir(exist_ok=True)
            shutil.copy(path / GAMB, extra / f"x{i} {name}.md")
            _replace(extra / f"x{i} {name}.md", "id: ADS-GAMB\n", f"id: X-{i}\n")
        else:
            shutil.rmtree(extra)
        shas.append(repo.commit(f"hostile {i}"))
    return path, shas


def _plain(changes: ChangeSet, verbose: bool = False, width: int | None = None) -> str:
    """What write_text writes without colour; checks the format's promises on the way."""
    out = io.StringIO()
    diff_text.write_text(changes, out, DiffReportOptions(color=False, verbose=verbose, width=width))
    text = out.getvalue()
    assert text.endswith("\n")
    assert not [c for c in text if unicodedata.category(c) == "Cc" and c != "\n"]
    lines = diff_text._report(changes, False, verbose)
    assert len(text.split("\n")) == sum(1 + "".join(s for s, _ in line.segments).count("\n") for line in lines) + 1
    return text


def test_plain_text_keeps_hostile_words_and_no_control_character(hostile_history: tuple[Path, list[str]]) -> None:
    path, shas = hostile_history
    pairs = [(shas[i], shas[i + 1]) for i in range(len(shas) - 1)]
    pairs += [(shas[0], sha) for sha in shas[2:]] + [(shas[-1], shas[0])]
    seen = ""
    for base, head in pairs:
        changes = diff_revisions(path, base, head)
        assert len(changes)
        for verbose, width in [(False, None), (True, 40), (False, 100)]:
            seen += _plain(changes, verbose, width)
    # the hostile text reached the report as text; ESC and other controls as U+FFFD
    for kept in ("\ufffd[31mred\ufffd[0m", "[bold]markup[/]", "\\[escaped]", ":smile:", "中文标题", "👨‍👩‍👧",
                 "c0 \ufffd\ufffd"):
        assert kept in seen, kept
    assert "tab     here" in seen  # "tab" and a tab: to column 8
    assert "中文标题        混合" in seen  # 8 cells of wide characters, then a tab: 8 spaces
    assert max(map(len, seen.splitlines())) > 200  # long lines are not wrapped


def test_plain_text_of_the_sample_guidance(sample_repo: GitRepo) -> None:
    p = sample_repo.path
    for md in sorted(p.rglob("*.md"))[:6]:
        text = md.read_text("utf-8")
        md.write_text(text.replace("the", "the\tvery", 3).replace("\n\n", "\n\nNew\tparagraph.\n\n", 1), "utf-8")
    sample_repo.commit("edits")
    changes = diff_revisions(p, "HEAD~1", "HEAD")
    assert len(changes) >= 3
    assert "{+New paragraph.+}" in _plain(changes)  # a redline reads words, whitespace flattened
    assert _plain(diff_revisions(p, "HEAD", "HEAD")).splitlines()[1] == "No guidance changed."


def test_the_writer_copies_no_private_table_of_rich() -> None:
    source = Path(diff_text.__file__).read_text("utf-8")
    assert "rich.cells" not in source and "_SINGLE_CELL" not in source and "rich._" not in source


_FRAGMENTS = [
    "\t", "\r", "\r\n", "\n", "\x1b[31m", "\x1b[0m", "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1f", "\x7f",
    "\x85", "\x9b", "\xad", "[bold]", "[/]", "[/bold]", "\\[", ":smile:", ":", "中", "文", "ｗ", "ע", "ب",
    "👍", "🏽", "\u200d", "\ufe0f", "\u0301", "\u3000", " ", "  ", "x", "word", "…", "→", "§",
]
_text = st.one_of(
    st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
_impact = st.sampled_from(list(Impact))
_kind = st.sampled_from(list(ChangeKind))
_span = st.none() | st.builds(SourceSpan, path=st.just("p.md"), line=st.integers(1, 999))
_redline = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete"]), _text.filter(bool)),
                    max_size=5).map(tuple)
_field = st.builds(FieldChange, field=_text, old=_text | st.none(), new=_text | st.none(), impact=_impact,
                   note=_text | st.none(), redline=_redline, reflow=st.booleans())
_item = st.builds(ItemChange, kind=_text, id=_text, change=_kind, impact=_impact, title=_text,
                  old_id=_text | st.none(), fields=st.lists(_field, max_size=3).map(tuple), note=_text | st.none())
_paragraph = st.builds(ParagraphChange, change=_kind, old=_text, new=_text, redline=_redline,
                       reflow=st.booleans(), span=_span)
_section = st.builds(SectionChange, heading=st.lists(_text, max_size=3).map(tuple), change=_kind,
                     impact=_impact, old_heading=st.none() | st.lists(_text, max_size=2).map(tuple),
                     reflow=st.booleans(), paragraphs=st.lists(_paragraph, max_size=23).map(tuple))
_document = st.builds(
    DocumentChange, id=_text, kind=st.sampled_from(["policy", "sop", "markdown"]), title=_text, path=_text,
    old_path=_text | st.none(), change=_kind, impact=_impact, fields=st.lists(_field, max_size=3).map(tuple),
    rules=st.lists(_item, max_size=2).map(tuple), items=st.lists(_item, max_size=2).map(tuple),
    sections=st.lists(_section, max_size=2).map(tuple), notes=st.lists(_text, max_size=2).map(tuple),
    span=_span)
_changes = st.builds(
    ChangeSet, base=st.builds(Revision, ref=_text, sha=st.none() | st.just("0123456789abcdef")),
    head=st.builds(Revision, ref=_text, sha=st.none()), root=_text,
    documents=st.lists(_document, max_size=3).map(tuple))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=_changes, verbose=st.booleans(), width=st.none() | st.integers(1, 120))
def test_plain_text_for_any_text(changes: ChangeSet, verbose: bool, width: int | None) -> None:
    _plain(changes, verbose, width)


@given(parts=st.lists(st.lists(st.sampled_from(_FRAGMENTS[5:]), max_size=6).map("".join), min_size=1, max_size=6))
def test_tabs_expand_to_the_next_multiple_of_8_cells(parts: list[str]) -> None:
    parts = [escape.terminal(p).replace("\n", " ").replace("\t", " ") for p in parts]
    expanded = diff_text._expand_tabs("\t".join(parts))
    assert "\t" not in expanded
    cells = 0
    for part in parts[:-1]:
        assert expanded.startswith(part)
        expanded = expanded[len(part):]
        cells += escape.cells(part)
        pad = len(expanded) - len(expanded.lstrip(" ")) if not expanded.strip(" ") else None
        spaces = 8 - cells % 8
        assert expanded[:spaces] == " " * spaces
        expanded = expanded[spaces:]
        cells += spaces
        assert cells % 8 == 0, pad
    assert expanded == parts[-1]


def test_cells_count_wide_and_combining_characters() -> None:
    assert escape.cells("abc") == 3
    assert escape.cells("中文") == 4
    assert escape.cells("e\u0301") == 1
    assert escape.cells("ＡＢ") == 4


def test_colour_is_rich_with_styles(sample_repo: GitRepo) -> None:
    p = sample_repo.path
    md = sorted(p.rglob("*.md"))[0]
    md.write_text(md.read_text("utf-8").replace("the", "a", 2), "utf-8")
    sample_repo.commit("edit")
    changes = diff_revisions(p, "HEAD~1", "HEAD")
    out = io.StringIO()
    diff_text.write_text(changes, out, DiffReportOptions(color=True, width=1000))
    coloured = out.getvalue()
    assert "\x1b[1m" in coloured and "\x1b[9;31m" in coloured  # bold, and red strike-through deletions
    plain = io.StringIO()
    diff_text.write_text(changes, plain, DiffReportOptions(color=False))
    # the same words, with the redline as styles instead of [-…-]{+…+}
    words = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert words == re.sub(r"\[-(.*?)-\]|\{\+(.*?)\+\}", r"\1\2", plain.getvalue())


def _run(repo: Path, args: list[str]) -> tuple[int, str, bool]:
    probe = ("import sys; from guidekit.cli.app import main; rc = main(sys.argv[1:]); "
             "print('rich' in sys.modules, file=sys.stderr); sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", probe, *args], cwd=repo, capture_output=True, text=True)
    return out.returncode, out.stdout, out.stderr.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("args", [["diff", "HEAD~1", "HEAD"], ["diff", "HEAD~1", "-v"],
                                  ["diff", "HEAD~1", "HEAD", "--format", "text", "--output", "out.txt"]])
def test_text_to_a_pipe_or_a_file_does_not_import_rich(sample_repo: GitRepo, args: list[str]) -> None:
    p = sample_repo.path
    md = sorted(p.rglob("*.md"))[0]
    md.write_text(md.read_text("utf-8").replace("the", "the\tvery", 2), "utf-8")
    sample_repo.commit("edit")
    code, stdout, rich_loaded = _run(p, args)
    assert code == 0
    report = (p / "out.txt").read_text("utf-8") if "--output" in args else stdout
    assert report.startswith("guidekit diff ") and "{+very+}" in report
    assert not rich_loaded


def test_text_to_a_reader_that_goes_away_ends_quietly(hostile_history: tuple[Path, list[str]]) -> None:
    path, shas = hostile_history
    code = f"import sys; from guidekit.cli.app import main; sys.exit(main(['diff', '{shas[0]}', '{shas[-1]}']))"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()
    _, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr) == (1, b"")
