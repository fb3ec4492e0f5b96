"""A second `guidekit build` after an edit: the warm check cache, only changed pages rendered,
and every file byte for byte what a cold build of the edited guidance writes.

Real files throughout: a copy of the sample guidance (three handbooks: two markets, two
interface languages, one translated), a real check cache folder, real output folders.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from guidekit.handbook import BuildOptions, BuildResult, build
from guidekit.handbook.cache import MANIFEST
from guidekit.handbook.changes import marks_for
from guidekit.loading.config import load_config

_DERIVED = {"index.html", "print.html", "assets/nav.js", MANIFEST}  # pages that list every document


def _build(root: Path, out: Path, cache: Path | None, **opts: object) -> BuildResult:
    result = build(load_config(root), BuildOptions(out=out, cache_dir=cache, **opts),  # type: ignore[arg-type]
                   marks_for=marks_for())
    assert not result.blocked, [f.message for f in result.check.findings]
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def _same_as_cold(root: Path, out: Path, tmp: Path, **opts: object) -> None:
    """Every handbook in ``out`` holds exactly the files, byte for byte, of a cold build."""
    cold = tmp / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    _build(root, cold, None, **opts)
    for folder in sorted(cold.iterdir()):
        want, got = _files(folder), _files(out / folder.name)
        assert sorted(got) == sorted(want), folder.name
        differ = [rel for rel in want if got[rel] != want[rel]]
        assert differ == [], f"{folder.name}: {differ} differ from a cold build"


def _changed(before: dict[str, dict[str, bytes]], out: Path) -> dict[str, set[str]]:
    """Per handbook, the files added, removed or rewritten since ``before``; a file whose bytes
    did not change must be the very same file (inode and mtime)."""
    out_changed: dict[str, set[str]] = {}
    for name, files in before.items():
        now = _files(out / name)
        out_changed[name] = {rel for rel in files.keys() | now.keys() if files.get(rel) != now.get(rel)}
    return out_changed


def _snapshot(out: Path) -> tuple[dict[str, dict[str, bytes]], dict[str, dict[str, tuple[int, int]]]]:
    names = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    return {n: _files(out / n) for n in names}, {n: _stamps(out / n) for n in names}


def _untouched(stamps: dict[str, dict[str, tuple[int, int]]], out: Path, changed: dict[str, set[str]]) -> None:
    for name, files in stamps.items():
        now = _stamps(out / name)
        moved = [rel for rel, st in files.items() if rel not in changed[name] and now.get(rel) != st]
        assert moved == [], f"{name}: unchanged files were rewritten: {moved}"


def _search_chunks(rels: set[str]) -> set[str]:
    return {r for r in rels if r.startswith("assets/search/")}


def test_edits_render_only_what_they_touch_and_match_a_cold_build(sample_root: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _build(sample_root, out, cache)
    assert all(h.rendered == h.documents for h in first.handbooks)
    again = _build(sample_root, out, cache)
    assert again.check.mode == "unchanged"
    assert all(h.rendered == 0 for h in again.handbooks)

    # 1. one policy's rule text: its page, the printable page and its search chunk change
    before, stamps = _snapshot(out)
    policy = sample_root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "never below 18, only in markets", "never below 18 (no exception), only in markets"), encoding="utf-8")
    result = _build(sample_root, out, cache)
    assert result.check.mode == "incremental"
    rendered = {h.name: h.rendered for h in result.handbooks}
    assert rendered == {"ads-global": 1, "ads-br": 1, "community": 0}
    changed = _changed(before, out)
    for name in ("ads-global", "ads-br"):
        assert {"ADS-ALC.html", "print.html", MANIFEST} <= changed[name]
        assert changed[name] - {"ADS-ALC.html", "print.html", MANIFEST} == _search_chunks(changed[name])
        assert "no exception" in (out / name / "ADS-ALC.html").read_text(encoding="utf-8")
    assert changed["community"] == set()
    _untouched(stamps, out, changed)
    _same_as_cold(sample_root, out, tmp_path)

    # 2. a title that other pages show: the policy, the pages naming it and the lists change
    before, stamps = _snapshot(out)
    minor = sample_root / "policies" / "community" / "minor-safety.md"
    minor.write_text(minor.read_text(encoding="utf-8").replace("title: Minor safety", "title: Safety of minors"),
                     encoding="utf-8")
    result = _build(sample_root, out, cache)
    changed = _changed(before, out)
    assert {"CG-MINOR.html", "index.html", "assets/nav.js"} <= changed["community"]
    naming = {f"{p}.html" for p in ("CG-CHALLENGE", "CG-HARASS")}  # related: [CG-MINOR, ...]
    assert naming <= changed["community"]
    assert "Safety of minors" in (out / "community" / "CG-CHALLENGE.html").read_text(encoding="utf-8")
    assert "ADS-DATE.html" in changed["ads-global"]  # related: [CG-MINOR]
    assert "ADS-FIN.html" not in changed["ads-global"]
    _untouched(stamps, out, changed)
    _same_as_cold(sample_root, out, tmp_path)

    # 3. a document deleted: its page is gone, everywhere
    before, stamps = _snapshot(out)
    (sample_root / "policies" / "ads" / "personal-loans.md").unlink()
    result = _build(sample_root, out, cache)
    changed = _changed(before, out)
    for name in ("ads-global", "ads-br"):
        if "ADS-LOANS.html" in before[name]:
            assert not (out / name / "ADS-LOANS.html").exists()
            assert "ADS-LOANS" not in (out / name / "index.html").read_text(encoding="utf-8")
    assert "ADS-LOANS.html" in before["ads-global"]
    # every page's links depend on where each document is, so the keys move, not the pages
    assert changed["community"] <= {MANIFEST}
    _untouched(stamps, out, changed)
    _same_as_cold(sample_root, out, tmp_path)


def test_a_changed_translation_renders_the_pages_that_show_it(sample_root: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(sample_root, out, cache)
    before, stamps = _snapshot(out)
    catalog = sample_root / "translations" / "pt-BR" / "guidance.po"
    text = catalog.read_text(encoding="utf-8")
    # a translation that the Brazil handbook shows (a policy title), reworded
    m = re.search(r'msgctxt "(ADS-[A-Z]+)/title"\nmsgid "[^"]*"\nmsgstr "([^"]+)"', text)
    assert m, "the sample's pt-BR catalog translates an ads policy title"
    catalog.write_text(text.replace(m.group(0), m.group(0)[:-1] + ' (revisto)"'), encoding="utf-8")
    result = _build(sample_root, out, cache)
    rendered = {h.name: (h.rendered, h.documents) for h in result.handbooks}
    # the translated policy and the pages that name it, in the Brazil handbook only
    assert 0 < rendered["ads-br"][0] < rendered["ads-br"][1]
    assert rendered["ads-global"][0] == 0 and rendered["community"][0] == 0
    assert "(revisto)" in (out / "ads-br" / f"{m.group(1)}.html").read_text(encoding="utf-8")
    changed = _changed(before, out)
    assert changed["ads-global"] == set() and changed["community"] == set()
    _untouched(stamps, out, changed)
    _same_as_cold(sample_root, out, tmp_path)


def test_options_configuration_and_taxonomy_render_everything_again(sample_root: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(sample_root, out, cache, handbooks=("ads-global", "community"))

    # a build option that every page carries
    result = _build(sample_root, out, cache, handbooks=("ads-global", "community"), print_graphic="include")
    assert all(h.rendered == h.documents for h in result.handbooks)
    _same_as_cold(sample_root, out, tmp_path, handbooks=("ads-global", "community"), print_graphic="include")

    # a handbook's entry in guidekit.yaml: that handbook only
    before, stamps = _snapshot(out)
    config = sample_root / "guidekit.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "title: Community guidelines handbook", "title: Community guidelines for reviewers"), encoding="utf-8")
    result = _build(sample_root, out, cache, handbooks=("ads-global", "community"), print_graphic="include")
    rendered = {h.name: (h.rendered, h.documents) for h in result.handbooks}
    assert rendered["community"][0] == rendered["community"][1] and rendered["ads-global"][0] == 0
    changed = _changed(before, out)
    assert changed["ads-global"] == set()
    _untouched(stamps, out, changed)
    _same_as_cold(sample_root, out, tmp_path, handbooks=("ads-global", "community"), print_graphic="include")

    # a vocabulary title shown on pages: everything again
    tax = sample_root / "taxonomy" / "categories.yaml"
    tax.write_text(tax.read_text(encoding="utf-8").replace("title: Gambling,", "title: Gambling and betting,"),
                   encoding="utf-8")
    result = _build(sample_root, out, cache, handbooks=("ads-global", "community"), print_graphic="include")
    assert all(h.rendered == h.documents for h in result.handbooks)
    assert "Gambling and betting" in (out / "ads-global" / "index.html").read_text(encoding="utf-8")
    _same_as_cold(sample_root, out, tmp_path, handbooks=("ads-global", "community"), print_graphic="include")


def test_a_printable_page_changed_by_hand_is_not_trusted(sample_root: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(sample_root, out, cache, handbooks=("community",))
    printed = out / "community" / "print.html"
    printed.write_bytes(b"<!-- moved -->" + printed.read_bytes())
    result = _build(sample_root, out, cache, handbooks=("community",))
    assert result.handbooks[0].rendered == result.handbooks[0].documents
    _same_as_cold(sample_root, out, tmp_path, handbooks=("community",))
