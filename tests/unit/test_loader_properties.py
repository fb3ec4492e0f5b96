"""Property tests: no input makes the loader or `check` crash (exit 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidekit.cli.app import main
from guidekit.loading.source import DocKind, Limits, Source, load_text
from guidekit.scaffold import init_files

_TOKENS = [*"abcxyz019 -:_'\"[]{},&*!|>#%@`\n\t\\?.~é\x00\ufeff",
           "id: ", "rules:", "\n  ", "---\n", "- ", "&a ", "*a", "!!str ", "<<: ", "2026-01-01"]
_YAMLISH = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)


def _repo(root: Path) -> Path:
    for rel, text in init_files("p", dt.date(2026, 1, 1)).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _check_code_with(target: Path, repo: Path, capsys: pytest.CaptureFixture[str]) -> int:
    """Exit code of `check` on ``repo`` while ``target`` (just written) is in it; removes it."""
    try:
        return main(["check", str(repo), "--format", "json"])
    finally:
        target.unlink()
        capsys.readouterr()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _repo(tmp_path_factory.mktemp("prop"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(
    ["policies/fuzz.md", "sops/fuzz.sop.yaml", "taxonomy/fuzz.yaml", "sops/fuzz.cases.yaml"]))
def test_arbitrary_bytes_never_exit_3(repo: Path, data: bytes, name: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = repo / name
    target.write_bytes(data)
    assert _check_code_with(target, repo, capsys) in (0, 1)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_YAMLISH, name=st.sampled_from(
    ["policies/fuzz.md", "policies/fuzz.yaml", "sops/fuzz.sop.yaml", "taxonomy/fuzz.yaml"]))
def test_yamlish_text_never_exits_3(repo: Path, text: str, name: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = repo / name
    body = ("---\n" + text + "\n---\nbody\n") if name.endswith(".md") else text
    target.write_text(body, encoding="utf-8", errors="surrogatepass")
    assert _check_code_with(target, repo, capsys) in (0, 1)


@settings(max_examples=200, deadline=None)
@given(text=_YAMLISH)
def test_loader_turns_any_text_into_data_or_a_located_problem(text: str) -> None:
    src = Source(path=Path("x.yaml"), rel="x.yaml", kind=DocKind.TAXONOMY, text=text)
    load_text(src, Limits())
    if src.problems:
        for p in src.problems:
            assert p.line >= 0 and p.col >= 0 and p.message
    else:
        assert isinstance(src.data, dict)


def test_deep_nesting_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(tmp_path)
    (repo / "taxonomy" / "deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    code = main(["check", str(repo), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    assert '"path": "taxonomy/deep.yaml"' in out
