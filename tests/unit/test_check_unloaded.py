"""A guidance file whose YAML or front matter does not parse: its load finding is the one
reported, not references to its document (GK210) or links into it (GK330) elsewhere; a
truly unknown id still is. Cold and through a warm cache, broken and fixed again."""

from __future__ import annotations

from pathlib import Path

from guidekit.check.engine import CheckResult, run_check
from guidekit.loading import load_config
from guidekit.loading.source import DocKind, load_source, named_document

GAMB = "policies/ads/gambling.md"
ALC = "policies/ads/alcohol.md"
SOP = "sops/ad-creative-review.sop.yaml"

Key = tuple[str, str, int, str]


def _key(result: CheckResult) -> list[Key]:
    return [(f.rule, f.span.path, f.span.line, f.message) for f in result.findings]


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break(root: Path) -> None:
    _edit(root, GAMB, "\nid: ADS-GAMB\n", "\n  bad: [unclosed\nid: ADS-GAMB\n")


def _fix(root: Path) -> None:
    _edit(root, GAMB, "\n  bad: [unclosed\n", "\n")


def _unknowns(root: Path) -> None:
    """References to ids no file names: reported whether gambling.md loads or not."""
    _edit(root, ALC, "related: [", "related: [ADS-NOPE, ")
    _edit(root, SOP, "rules: [ADS-GAMB-3.a]", "rules: [ADS-GAMB-9.z]")


def _check_broken(broken: list[Key], fixed: list[Key]) -> None:
    # gambling.md: its load finding only; elsewhere exactly what the fixed corpus reports
    assert [k[0] for k in broken if k[1] == GAMB] == ["GK001"]
    assert [k for k in broken if k[1] != GAMB] == [k for k in fixed if k[1] != GAMB]
    assert not any("ADS-GAMB'" in k[3] or "gambling.md has no anchor" in k[3] for k in broken)
    # the truly unknown ones are still there, in the same run
    assert ("GK210", ALC) in {(k[0], k[1]) for k in broken if "'ADS-NOPE'" in k[3]}
    assert ("GK210", SOP) in {(k[0], k[1]) for k in broken if "'ADS-GAMB-9.z'" in k[3]}


def test_references_into_a_file_that_does_not_parse_are_not_reported(sample_root: Path) -> None:
    _unknowns(sample_root)
    fixed = _key(run_check(load_config(sample_root), lean=True))
    _break(sample_root)
    broken = _key(run_check(load_config(sample_root), lean=True))
    _check_broken(broken, fixed)
    # without the fix, the broken file's document was unknown in three files and the link
    # into it lost its anchor: each of those is what the file being broken caused
    _fix(sample_root)
    assert _key(run_check(load_config(sample_root), lean=True)) == fixed


def test_a_warm_cache_forgets_what_it_found_while_the_file_was_broken(sample_root: Path,
                                                                      tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _unknowns(sample_root)
    fixed = _key(run_check(load_config(sample_root), cache_dir=cache, lean=True))
    modes = []
    for step in (_break, _fix, _break, _fix):
        step(sample_root)
        config = load_config(sample_root)
        warm = run_check(config, cache_dir=cache, lean=True)
        modes.append(warm.mode)
        cold = run_check(config, lean=True)
        assert _key(warm) == _key(cold), step.__name__
        if step is _break:
            _check_broken(_key(warm), fixed)
        else:
            assert _key(warm) == fixed
    assert modes == ["incremental"] * 4


def test_a_file_whose_yaml_does_not_parse_still_names_its_document(tmp_path: Path) -> None:
    cases = {
        "---\nid: ADS-X\nbad: [\n---\n# Body\n": "ADS-X",
        "---\n  bad: [\nid: 'ADS-Y'  # quoted, with a comment\n---\n": "ADS-Y",
        "---\nbad: [\n  id: ADS-NESTED\n---\n": None,  # not a top-level key
        "---\nbad: [\n---\nid: ADS-IN-BODY\n": None,   # in the body, not the front matter
    }
    for text, named in cases.items():
        path = tmp_path / "p.md"
        path.write_text(text, encoding="utf-8")
        src = load_source(path, "p.md", DocKind.POLICY)
        assert not src.ok and named_document(src) == named, text
