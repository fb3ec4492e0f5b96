"""The translations stage of `check` (GK6xx) finds exactly what a plain reference finds.

The reference is the straightforward walk: collect the units, read every catalog
in turn, diff from each catalog's revision, judge every unit, run every GK6xx
rule once over all locales. The stage `check` runs reads and judges one locale a
worker, shares one diff per revision and takes unchanged locales from the cache;
on a generated multi-locale corpus in a real git repository (catalogs at two
revisions, missing, fuzzy, stale, damaged, orphaned and unreadable entries, a
locale without a catalog) both must give the same findings, cold and warm.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import bench_module
from guidekit.check.engine import run_check
from guidekit.check.registry import all_rules
from guidekit.check.rules.translations import (
    Coverage,
    TranslationContext,
    TranslationRule,
    UnreadableCatalog,
)
from guidekit.check.translation_stage import translation_findings
from guidekit.findings import Finding, SourceSpan
from guidekit.i18n.catalog import shown_path
from guidekit.i18n.engine import collect_units, enforcement_changes, load_catalogs, settings_of, unit_states
from guidekit.loading.config import load_config

pytestmark = pytest.mark.e2e

LOCALES = ("pt-BR", "de", "fr", "id", "es", "xx")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          check=True, capture_output=True, text=True).stdout


def _gk(root: Path, *args: str) -> None:
    from typer.testing import CliRunner

    from guidekit.cli.app import app

    result = CliRunner().invoke(app, [*args, "--root", str(root)])
    assert result.exit_code == 0, result.output


def _fill(po_path: Path, locale: str) -> None:
    """A translator's work, with the gaps and slips real catalogs have."""
    po = polib.pofile(str(po_path))
    for i, e in enumerate(po):
        e.msgstr = f"[{locale}] {e.msgid}"
        if locale == "de" and i % 7 == 3:
            e.msgstr = ""  # not translated
        if locale == "de" and re.search(r"\d", e.msgid) and i % 3 == 0:
            e.msgstr = "[de] " + re.sub(r"\d+", "", e.msgid)  # a number lost (GK604)
        if locale == "fr" and i % 11 == 5:
            e.flags.append("fuzzy")  # marked by a translator's tool
    if locale == "id":
        po.append(polib.POEntry(msgctxt="P00001/rules/P00001-9.z/text", msgid="Gone.", msgstr="Hilang."))
    po.save()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fast") / "guidance"
    policies = bench_module("gen_corpus").generate(root, 24)
    # two files with one document id (check reports it): the first file's units are the document's
    twin = root / "policies" / "zz" / "twin.md"
    twin.parent.mkdir()
    twin.write_text(policies[2].read_text("utf-8").replace("\n    text: >-\n", "\n    text: >-\n      Twin.\n", 1),
                    "utf-8")
    with (root / "guidekit.yaml").open("a", encoding="utf-8") as f:
        f.write(f"translations:\n  locales: [{', '.join(LOCALES)}]\n  required: [pt-BR, de]\n"
                "  min_translated: 90\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "corpus")
    _gk(root, "i18n", "init")
    for loc in LOCALES:
        po = root / "translations" / loc / "guidance.po"
        if loc == "es":
            po.unlink()  # configured, no catalog yet: every unit missing
        elif loc == "xx":
            po.write_text('msgid "a"\nmsgstr "b"\nthis is not po\n', "utf-8")  # unreadable (GK606)
        else:
            _fill(po, loc)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "translations")
    for p in policies[::3]:
        bench_module("bench_i18n").change(p)  # one rule stricter, one reworded
    _git(root, "commit", "-qam", "changes")
    _gk(root, "i18n", "update", "--locale", "fr")  # fr is at the new revision, the others at the old one
    return root


def _reference(root: Path) -> set[Finding]:
    config = load_config(root)
    settings = settings_of(config)
    rules = [r() for r in all_rules() if issubclass(r, TranslationRule)]
    units = collect_units(config)
    found: list[Finding] = []
    states, paths, notes = {}, {}, {}
    for cat in load_catalogs(settings, on_error=lambda path, why: found.extend(
            r.finding(SourceSpan(shown_path(path, root), 1, 1), f"cannot read the catalog: {why}")
            for r in rules if isinstance(r, UnreadableCatalog))):
        changes, note = enforcement_changes(root, cat.revision)
        states[cat.locale] = unit_states(units, cat, changes)
        paths[cat.locale] = cat.path
        if note:
            notes[cat.locale] = note
    ctx = TranslationContext(root, settings.required, settings.min_translated, states, paths, notes,
                             {loc: Coverage.of(s) for loc, s in states.items()})
    for rule in rules:
        found.extend(rule.check_translations(ctx))
    return set(found)


def _derived_bytes(cache: Path) -> int:
    total = 0
    for db in cache.glob("check-*.sqlite"):
        with contextlib.closing(sqlite3.connect(db)) as con:
            total += con.execute("SELECT COALESCE(SUM(LENGTH(blob)), 0) FROM derived").fetchone()[0]
    return total


def _gk6(findings: list[Finding]) -> set[Finding]:
    return {f for f in findings if f.rule.startswith("GK6")}


def test_every_kind_of_finding_is_there(corpus: Path) -> None:
    rules = {f.rule for f in _reference(corpus)}
    assert rules == {"GK601", "GK602", "GK603", "GK604", "GK605", "GK606"}


def test_parallel_stage_finds_what_the_reference_finds(corpus: Path) -> None:
    config = load_config(corpus)
    rules = [r() for r in all_rules() if issubclass(r, TranslationRule)]
    expected = _reference(corpus)
    assert set(translation_findings(config, rules, jobs=2)) == expected
    assert set(translation_findings(config, rules, jobs=1)) == expected


def test_check_cold_and_warm_find_what_the_reference_finds(corpus: Path, tmp_path: Path) -> None:
    config = load_config(corpus)
    expected = _reference(corpus)
    assert _gk6(run_check(config, jobs=2).findings) == expected
    cache = tmp_path / "cache"
    assert _gk6(run_check(config, jobs=2, cache_dir=cache).findings) == expected  # cold, writes the cache
    assert _gk6(run_check(config, jobs=2, cache_dir=cache).findings) == expected  # warm


def test_warm_check_reads_no_catalog_and_judges_again_what_changed(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(corpus, root)
    for po in (root / "translations").rglob("*.po"):  # written an hour ago: their digests are remembered
        os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns - 3600 * 10**9))
    cache = tmp_path / "cache"
    expected = _reference(root)
    assert _gk6(run_check(load_config(root), cache_dir=cache).findings) == expected
    kept = _derived_bytes(cache)
    with monkeypatch.context() as m:  # nothing changed: no unit is extracted, no catalog read
        import guidekit.i18n.engine

        def untouched(*_: object) -> None:
            raise AssertionError("a warm run with nothing changed read the guidance or a catalog")

        m.setattr(guidekit.i18n.engine, "collect_units", untouched)
        m.setattr(guidekit.i18n.engine, "load_catalog", untouched)
        assert _gk6(run_check(load_config(root), cache_dir=cache).findings) == expected
    # a translator fills de's gaps: de is judged again, the others come from the cache
    po = polib.pofile(str(root / "translations" / "de" / "guidance.po"))
    for e in po:
        e.msgstr = e.msgstr or f"[de] {e.msgid}"
    po.save()
    expected = _reference(root)
    assert _gk6(run_check(load_config(root), cache_dir=cache).findings) == expected
    # the cache keeps one state of de's catalog, not one per edit (each holds its entries)
    assert _derived_bytes(cache) < 1.1 * kept
    # a rule of one policy becomes stricter: that policy is judged again in every locale, from the
    # catalogs' entries and the other files' units as the cache holds them
    policy = next((root / "policies").rglob("p00004.md"))
    bench_module("bench_i18n").change(policy)
    changed = _reference(root)
    assert changed != expected
    calls: dict[str, list[object]] = {"load_catalog": [], "source_units": [], "unit_states": []}
    with monkeypatch.context() as m:
        import guidekit.i18n.engine

        for name, seen in calls.items():
            def spy(*args: object, _seen: list[object] = seen, _real: object = getattr(guidekit.i18n.engine, name)
                    ) -> object:
                _seen.append(args)
                assert callable(_real)
                return _real(*args)

            m.setattr(guidekit.i18n.engine, name, spy)
        assert _gk6(run_check(load_config(root), cache_dir=cache, jobs=1).findings) == changed
    assert calls["load_catalog"] == []
    assert [src.rel for (src,) in calls["source_units"]] == [policy.relative_to(root).as_posix()]
    assert len(calls["unit_states"]) == len(LOCALES)  # one group a locale: the changed policy's


def test_an_edit_of_one_policy_is_diffed_alone_where_that_finds_what_the_whole_diff_finds(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "guidance"
    shutil.copytree(corpus, root)
    cache = tmp_path / "cache"
    assert _gk6(run_check(load_config(root), cache_dir=cache).findings) == _reference(root)
    diffs: list[tuple[object, ...]] = []

    def check() -> set[Finding]:
        import guidekit.i18n.engine

        diffs.clear()
        real = guidekit.i18n.engine.diff_since

        def spy(root: Path, revision: str, paths: tuple[str, ...] = ()) -> object:
            diffs.append(tuple(paths))
            return real(root, revision, paths)

        with monkeypatch.context() as m:
            m.setattr(guidekit.i18n.engine, "diff_since", spy)
            return _gk6(run_check(load_config(root), cache_dir=cache, jobs=1).findings)

    policies = sorted((root / "policies").rglob("p000*.md"))
    # a policy the diff since the catalogs' revision holds, and one it does not, edited in
    # place (a rule stricter, a reworded summary): each diffed alone, once per revision
    for policy in (policies[3], policies[4]):
        bench_module("bench_i18n").change(policy)
        policy.write_text(policy.read_text("utf-8").replace("\nsummary: ", "\nsummary: Edited. ", 1), "utf-8")
        assert check() == _reference(root)
        rel = policy.relative_to(root).as_posix()
        assert diffs and all(paths == (rel,) for paths in diffs), diffs
    # a rule added: the ids of the diff change, so the whole guidance is diffed again
    text = policies[5].read_text("utf-8")
    first = re.search(r"\n  - id: (P\d+-1\.a)\n", text)
    assert first is not None
    end = text.index("\n  - id: ", first.end())
    policies[5].write_text(text[:end] + text[first.start():end].replace(first.group(1), first.group(1) + "x")
                           + text[end:], "utf-8")
    assert check() == _reference(root)
    assert diffs.count(()) == 2, diffs  # tried alone, then whole: once for each of the two revisions
    # that policy again: its rule added pairs with ids elsewhere, so it is not diffed alone
    policies[5].write_text(policies[5].read_text("utf-8").replace("\nsummary: ", "\nsummary: Again. ", 1), "utf-8")
    assert check() == _reference(root)
    assert diffs and all(paths == () for paths in diffs), diffs
    # a rule removed from another: a removed id is named elsewhere or moves, so every edit
    # from then on is diffed whole
    text = policies[6].read_text("utf-8")
    second = re.search(r"\n  - id: (P\d+-2\.a)\n", text)
    assert second is not None
    policies[6].write_text(text[:second.start()] + text[text.index("\n  - id: ", second.end()):], "utf-8")
    assert check() == _reference(root)
    policies[7].write_text(policies[7].read_text("utf-8").replace("\nsummary: ", "\nsummary: Late. ", 1), "utf-8")
    assert check() == _reference(root)
    assert diffs and all(paths == () for paths in diffs), diffs


def test_a_catalog_whose_header_is_not_its_first_entry_is_judged_at_its_revision(corpus: Path,
                                                                                  tmp_path: Path) -> None:
    # the stage takes a catalog's revision from its first entry to diff before the catalogs are
    # read; a header elsewhere (gettext allows it) is found when the whole catalog is read,
    # and that locale is judged after the diff since its revision
    from guidekit.i18n.catalog import read_catalog, read_revision

    root = tmp_path / "guidance"
    shutil.copytree(corpus, root)
    po = root / "translations" / "pt-BR" / "guidance.po"
    revision = read_catalog(po, "pt-BR").revision
    assert revision is not None
    assert read_revision(po) == revision
    header, _, rest = po.read_text("utf-8").partition("\n\n")
    po.write_text(rest.rstrip("\n") + "\n\n" + header + "\n", "utf-8")
    assert read_revision(po) is None
    assert read_catalog(po, "pt-BR").revision == revision
    config = load_config(root)
    expected = _reference(root)
    assert {f for f in expected if f.rule == "GK602" and "pt-BR" in f.message}  # judged at its revision
    rules = [r() for r in all_rules() if issubclass(r, TranslationRule)]
    assert set(translation_findings(config, rules, jobs=2)) == expected
    assert set(translation_findings(config, rules, jobs=1)) == expected
    cache = tmp_path / "cache"
    assert _gk6(run_check(config, jobs=2, cache_dir=cache).findings) == expected
    assert _gk6(run_check(config, jobs=2, cache_dir=cache).findings) == expected


def test_a_cached_check_s_translations_take_the_digests_the_check_made_and_see_every_edit(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the translations stage keys its cache on the digests of the files' bytes the check made
    # when it hashed them (it reads no file of its own to hash it); an edit of a policy or of a
    # catalog is still seen
    import guidekit.check.translation_stage

    root = tmp_path / "guidance"
    shutil.copytree(corpus, root)
    cache = tmp_path / "cache"
    assert _gk6(run_check(load_config(root), cache_dir=cache, jobs=1).findings) == _reference(root)
    reads: list[str] = []
    real = guidekit.check.translation_stage.read_guidance

    def spy(path: Path, limit: int) -> object:
        reads.append(path.relative_to(root).as_posix())
        return real(path, limit)

    def check() -> set[Finding]:
        reads.clear()
        with monkeypatch.context() as m:
            m.setattr(guidekit.check.translation_stage, "read_guidance", spy)
            return _gk6(run_check(load_config(root), cache_dir=cache, jobs=1).findings)

    assert check() == _reference(root)
    assert reads == []
    policy = next((root / "policies").rglob("p00004.md"))
    bench_module("bench_i18n").change(policy)
    assert check() == _reference(root)
    assert set(reads) == {policy.relative_to(root).as_posix()}  # its units extracted, its diff made
    po = polib.pofile(str(root / "translations" / "pt-BR" / "guidance.po"))
    for e in po:
        e.msgstr = ""
    po.save()
    expected = _reference(root)
    assert check() == expected
    assert {f for f in expected if f.rule == "GK601" and f.message.startswith("pt-BR")}
