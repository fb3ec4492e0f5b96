"""`check --changed-since REV` in a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guidekit.check.engine import run_check
from guidekit.loading import load_config

pytestmark = pytest.mark.e2e

ALC = "policies/ads/alcohol.md"


def _referrers(root: Path, doc_id: str) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.*")
            if ".git" not in p.parts and p.suffix in (".md", ".yaml")
            and doc_id in p.read_text("utf-8") and p.name != "guidekit.yaml"}


def test_reports_changed_documents_and_those_that_refer_to_them(sample_repo, cli) -> None:
    root = sample_repo.path
    path = root / ALC
    path.write_text(path.read_text("utf-8").replace("related: [", "related: [ADS-NOPE, "),
                    encoding="utf-8")
    result = run_check(load_config(root), changed_since="HEAD")
    assert result.mode == "changed-since"
    assert set(result.files) == _referrers(root, "ADS-ALC") | {ALC}
    assert [(f.rule, f.span.path) for f in result.findings] == [("GK210", ALC)]
    full = run_check(load_config(root))
    assert [f for f in full.findings if f.span.path in result.files] == result.findings

    r = cli("check", str(root), "--changed-since", "HEAD", "--format", "json", "--no-cache")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["summary"]["files"] == len(result.files)


def test_a_removed_document_is_reported_where_it_was_referenced(sample_repo) -> None:
    root = sample_repo.path
    referrers = _referrers(root, "ADS-ALC") - {ALC}
    assert referrers
    (root / ALC).unlink()
    result = run_check(load_config(root), changed_since="HEAD")
    assert {f.span.path for f in result.findings if f.rule == "GK210"} == referrers
    full = run_check(load_config(root))
    assert [f for f in full.findings if f.span.path in set(result.files)] == result.findings


def test_committed_and_new_files_count_and_bad_revisions_are_usage_errors(sample_repo, cli) -> None:
    root = sample_repo.path
    base = sample_repo.git("rev-parse", "HEAD")
    new = root / "policies" / "ads" / "copy.md"
    new.write_text((root / ALC).read_text("utf-8").replace("ADS-ALC", "ADS-COPY"), encoding="utf-8")
    result = run_check(load_config(root), changed_since=base)
    assert "policies/ads/copy.md" in result.files
    sample_repo.commit("add a copy")
    assert "policies/ads/copy.md" in run_check(load_config(root), changed_since=base).files
    assert run_check(load_config(root), changed_since="HEAD").files == []
    r = cli("check", str(root), "--changed-since", "no-such-rev")
    assert r.exit_code == 2
    assert "not a commit" in r.stderr
    # PATH arguments narrow the report further
    narrowed = run_check(load_config(root), [root / "sops"], changed_since=base)
    assert narrowed.files == []


def test_a_taxonomy_change_checks_everything(sample_repo) -> None:
    root = sample_repo.path
    markets = root / "taxonomy" / "markets.yaml"
    markets.write_text(markets.read_text("utf-8") + "  - {id: XX, title: Nowhere}\n", encoding="utf-8")
    result = run_check(load_config(root), changed_since="HEAD")
    assert set(result.files) == set(run_check(load_config(root)).files)


def test_many_files_are_scanned_on_both_cores_with_the_same_answer(sample_repo) -> None:
    """With more files than a worker pool pays for, the words each file mentions are
    listed by forked workers: the neighbourhood, and the findings, stay those of one
    process."""
    root = sample_repo.path
    text = (root / ALC).read_text("utf-8")
    for i in range(80):  # copies that name the alcohol policy in their 'related' list
        copy = text.replace("ADS-ALC", f"ADS-C{i}").replace("related: [", "related: [ADS-ALC, ")
        (root / "policies" / "ads" / f"copy-{i}.md").write_text(copy, encoding="utf-8")
    sample_repo.commit("copies")
    path = root / ALC
    path.write_text(text.replace("related: [", "related: [ADS-NOPE, "), encoding="utf-8")
    one = run_check(load_config(root), changed_since="HEAD", jobs=1)
    two = run_check(load_config(root), changed_since="HEAD", jobs=2)
    assert sorted(two.files) == sorted(one.files)
    assert two.findings == one.findings
    assert {f"policies/ads/copy-{i}.md" for i in range(80)} <= set(one.files)  # the referrers
