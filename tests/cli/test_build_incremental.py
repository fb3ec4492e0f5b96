"""A second `guidekit build` after an edit: the warm check cache, only changed pages rendered,
and every file byte for byte what a cold build of the edited guidance writes. Edits that no
other page reads (rule text, examples, summaries, bodies) load only the changed documents
(guidekit.handbook.quick); everything else takes the whole way.

Real files throughout: a copy of the sample guidance (three handbooks: two markets, two
interface languages, one translated), a real check cache folder, real output folders.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
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
    """Every handbook in ``out`` holds exactly the files of a cold build (no previous output,
    an empty cache folder), byte for byte, the manifest included."""
    cold, cache = tmp / "cold", tmp / "cold-cache"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    assert not _build(root, cold, cache, **opts).quick
    assert {p.name for p in cold.iterdir()} <= {p.name for p in out.iterdir()}
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


HANDBOOKS = ("ads-global", "ads-br", "community")


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def untranslated(sample_root: Path) -> Path:
    """The sample without its translations: a handbook that is not translated."""
    config = sample_root / "guidekit.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[:text.index("translations:")], encoding="utf-8")
    shutil.rmtree(sample_root / "translations")
    return sample_root


def _rendered(result: BuildResult) -> dict[str, int]:
    return {h.name: h.rendered for h in result.handbooks}


def test_prose_edits_load_only_the_changed_document(untranslated: Path, tmp_path: Path) -> None:
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    assert not _build(root, out, cache).quick
    again = _build(root, out, cache)  # nothing changed
    assert again.quick and _rendered(again) == dict.fromkeys(HANDBOOKS, 0)
    alcohol = root / "policies" / "ads" / "alcohol.md"

    # a rule's text: its page, the printable page and a search chunk, in both ads handbooks
    _edit(alcohol, "never below 18, only in markets", "never below 18 (no exception), only in markets")
    result = _build(root, out, cache)
    assert result.quick
    assert _rendered(result) == {"ads-global": 1, "ads-br": 1, "community": 0}
    assert "no exception" in (out / "ads-br" / "ADS-ALC.html").read_text(encoding="utf-8")
    _same_as_cold(root, out, tmp_path)

    # a summary (on the start page) and the body's prose
    _edit(alcohol, "How alcoholic drinks are advertised", "How drinks with alcohol are advertised")
    _edit(alcohol, "## Rationale\n", "## Rationale\n\nA sentence added to the rationale.\n")
    result = _build(root, out, cache)
    assert result.quick
    assert "How drinks with alcohol" in (out / "ads-global" / "index.html").read_text(encoding="utf-8")
    _same_as_cold(root, out, tmp_path)

    # two documents at once, one of them only in the community handbook
    _edit(root / "policies" / "ads" / "financial-services.md", "at risk.", "at risk (said twice).")
    _edit(root / "policies" / "community" / "minor-safety.md", "## Rationale\n", "## Rationale\n\nMore.\n")
    result = _build(root, out, cache)
    assert result.quick
    assert _rendered(result) == {"ads-global": 1, "ads-br": 1, "community": 1}
    _same_as_cold(root, out, tmp_path)


def test_a_check_run_between_two_builds_does_not_hide_an_edit(untranslated: Path, tmp_path: Path) -> None:
    """The build compares files with its own manifest, not with check's last run."""
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    _edit(root / "policies" / "ads" / "alcohol.md", "never below 18, only", "never below 18 years, only")
    assert run_check(load_config(root), cache_dir=cache).mode == "incremental"
    result = _build(root, out, cache)
    assert result.check.mode == "unchanged" and result.quick
    assert "18 years" in (out / "ads-global" / "ADS-ALC.html").read_text(encoding="utf-8")
    _same_as_cold(root, out, tmp_path)


# edits that other pages, the lists or every page read: the whole way, and still a cold build's bytes
_WHOLE = {
    "title": ("policies/community/minor-safety.md", "title: Minor safety", "title: Safety of minors"),
    "taxonomy label": ("taxonomy/categories.yaml", "title: Alcohol,", "title: Alcoholic drinks,"),
    # the Brazil override of ADS-FIN-2.a replaces its action in a SOP outcome only while the
    # outcome takes the rule's own action
    "rule action a SOP shows": ("policies/ads/financial-services.md", "risk statement.\n    action: ad_restrict",
                                "risk statement.\n    action: age_restrict"),
    "status": ("policies/ads/dating.md", "status: active", "status: draft"),
    "SOP": ("sops/ad-creative-review.sop.yaml", "title: Restrict to certified advertisers",
            "title: Restrict to certified advertisers only"),
    "configuration": ("guidekit.yaml", "title: Ads review handbook, Brazil", "title: Ads handbook, Brazil"),
}


@pytest.mark.parametrize("what", sorted(_WHOLE))
def test_edits_that_others_read_take_the_whole_way(untranslated: Path, tmp_path: Path, what: str) -> None:
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    rel, old, new = _WHOLE[what]
    _edit(root / rel, old, new)
    assert not _build(root, out, cache).quick
    _same_as_cold(root, out, tmp_path)
    assert _build(root, out, cache).quick  # and the next build is quick again


def test_added_and_deleted_documents_and_another_print_option(untranslated: Path, tmp_path: Path) -> None:
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    (root / "policies" / "ads" / "personal-loans.md").unlink()
    assert not _build(root, out, cache).quick
    assert not (out / "ads-global" / "ADS-LOANS.html").exists()
    _same_as_cold(root, out, tmp_path)

    copy = root / "policies" / "ads" / "alcohol-copy.md"
    text = (root / "policies" / "ads" / "alcohol.md").read_text(encoding="utf-8")
    copy.write_text(re.sub(r"\bADS-ALC\b", "ADS-ALC2", text).replace("title: Alcohol", "title: Alcohol 2", 1),
                    encoding="utf-8")
    assert not _build(root, out, cache).quick
    _same_as_cold(root, out, tmp_path)

    assert not _build(root, out, cache, print_graphic="include").quick
    _same_as_cold(root, out, tmp_path, print_graphic="include")


def test_an_output_changed_by_hand_is_not_trusted(untranslated: Path, tmp_path: Path) -> None:
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    _edit(root / "policies" / "ads" / "alcohol.md", "never below 18, only", "never below 18 years, only")
    (out / "community" / "CG-MINOR.html").unlink()  # a page the quick build would take as it is
    printed = out / "ads-global" / "print.html"
    printed.write_bytes(printed.read_bytes().replace(b"<article", b"<section", 1))
    assert not _build(root, out, cache).quick
    _same_as_cold(root, out, tmp_path)


def test_a_translated_handbook_takes_the_whole_way_and_matches_a_cold_build(sample_root: Path,
                                                                              tmp_path: Path) -> None:
    """Edits to a title, a taxonomy label, a catalog entry and a deleted document, one after
    the other, with the sample's translations: each build writes what a cold build writes."""
    root, out, cache = sample_root, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    _edit(root / "policies" / "community" / "minor-safety.md", "title: Minor safety", "title: Safety of minors")
    _edit(root / "taxonomy" / "categories.yaml", "title: Alcohol,", "title: Alcoholic drinks,")
    catalog = root / "translations" / "pt-BR" / "guidance.po"
    text = catalog.read_text(encoding="utf-8")
    m = re.search(r'msgctxt "(ADS-[A-Z]+)/title"\nmsgid "[^"]*"\nmsgstr "([^"]+)"', text)
    assert m, "the sample's pt-BR catalog translates an ads policy title"
    catalog.write_text(text.replace(m.group(0), m.group(0)[:-1] + ' (revisto)"'), encoding="utf-8")
    for step in ("title, label and catalog", "deleted"):
        if step == "deleted":
            (root / "policies" / "ads" / "personal-loans.md").unlink()
        result = _build(root, out, cache)
        assert not result.quick
        _same_as_cold(root, out, tmp_path)
    assert "(revisto)" in (out / "ads-br" / f"{m.group(1)}.html").read_text(encoding="utf-8")
    assert MANIFEST in _files(out / "community")


def test_compiled_templates_are_kept_beside_the_check_cache(untranslated: Path, tmp_path: Path) -> None:
    root, out, cache = untranslated, tmp_path / "site", tmp_path / "cache"
    _build(root, out, cache)
    kept = sorted((cache / "templates").glob("*.cache"))
    assert kept, "the first build keeps its compiled templates"
    prefix = kept[0].name.split("-")[0]
    assert all(p.name.startswith(f"{prefix}-") for p in kept)
    stale = cache / "templates" / "0123456789abcdef-old.cache"  # another version of guidekit's
    stale.write_bytes(b"not a template")
    _edit(root / "policies" / "ads" / "alcohol.md", "never below 18, only", "never below 18 years, only")
    assert _build(root, out, cache).quick
    assert not stale.exists()
    assert sorted((cache / "templates").glob("*.cache")) == kept
    _same_as_cold(root, out, tmp_path)
