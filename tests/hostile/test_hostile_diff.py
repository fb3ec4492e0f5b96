"""diff never exits 3 on what a user wrote (issue 17, acceptance 2).

A hypothesis test changes the type of random fields of a policy and an SOP,
commits both versions in a real git repository and runs every diff report on
the two commits: exit 0 or 1, never an internal error."""

from __future__ import annotations

import contextlib
import io
import shutil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, GitRepo, git
from guidekit.cli.app import main
from guidekit.loading.yamlio import load_yaml

POLICY = "policies/ads/alcohol.md"
SOP = "sops/ad-creative-review.sop.yaml"
_POLICY_TEXT = (SAMPLE / POLICY).read_text("utf-8")
_FM_END = _POLICY_TEXT.index("\n---\n", 4)
POLICY_DATA = load_yaml(_POLICY_TEXT[4:_FM_END])
POLICY_BODY = _POLICY_TEXT[_FM_END + 5:]
SOP_DATA = load_yaml((SAMPLE / SOP).read_text("utf-8"))


def _paths(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at] if at else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*at, i))
    return out


POLICY_PATHS = _paths(POLICY_DATA)
SOP_PATHS = _paths(SOP_DATA)

ODD = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.text(max_size=12), st.just(""), st.just([]), st.just({}),
    st.lists(st.integers(0, 3), max_size=3), st.dictionaries(st.sampled_from("abk"), st.integers(0, 9), max_size=2),
    st.just([[1], {"a": 1}]), st.just({"id": 1, "rules": [1]}), st.just("x" * 200),
)


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _set(data.get(head), rest, value)}
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        return [*data[:head], _set(data[head], rest, value), *data[head + 1:]]
    return data


def _changes(paths: list[tuple[Any, ...]]) -> st.SearchStrategy[list[tuple[int, Any]]]:
    """Up to four (field index, new value) pairs: small to show when an example fails."""
    return st.lists(st.tuples(st.integers(0, len(paths) - 1), ODD), max_size=4)


def _apply(data: Any, paths: list[tuple[Any, ...]], changes: list[tuple[int, Any]]) -> Any:
    for i, value in changes:
        data = _set(data, paths[i], value)
    return data


def _dump(data: Any) -> str:
    from ruamel.yaml import YAML

    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    path = tmp_path_factory.mktemp("diff-types") / "repo"
    shutil.copytree(SAMPLE, path)
    git(path, "init", "-q", "-b", "main")
    r = GitRepo(path)
    r.commit("sample")
    return r


def _run(args: list[str]) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            return main(args)
        except SystemExit as e:
            return int(e.code or 0)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(old_policy=_changes(POLICY_PATHS), new_policy=_changes(POLICY_PATHS),
       old_sop=_changes(SOP_PATHS), new_sop=_changes(SOP_PATHS),
       fmt=st.sampled_from(["text", "json", "markdown", "html"]))
def test_diff_never_exits_3_on_type_changes(repo: GitRepo, old_policy: Any, new_policy: Any,
                                            old_sop: Any, new_sop: Any, fmt: str) -> None:
    for policy, sop in ((old_policy, old_sop), (new_policy, new_sop)):
        repo.write(POLICY, "---\n" + _dump(_apply(POLICY_DATA, POLICY_PATHS, policy)) + "---\n"
                   + POLICY_BODY)
        repo.write(SOP, _dump(_apply(SOP_DATA, SOP_PATHS, sop)))
        repo.commit("types changed")
    args = ["diff", "HEAD~1", "HEAD", "--root", str(repo.path), "--format", fmt]
    if fmt == "html":
        args += ["--output", str(repo.path.parent / "out.html")]
    assert _run(args) in (0, 1), fmt


@pytest.mark.parametrize("edit", [
    "title: 5", "id: [1, 2]", "severity: {a: 1}", "title: !!binary aGVsbG8=",
])
def test_misfit_documents_are_diffed_as_text_with_a_note(sample_repo: GitRepo, edit: str) -> None:
    path = sample_repo.path / POLICY
    key = edit.split(":")[0]
    text = path.read_text("utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{key}:"))
    path.write_text(text.replace(line, line[:len(line) - len(line.lstrip())] + edit, 1), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["diff", "HEAD", "--root", str(sample_repo.path), "--format", "json"])
    assert code == 0
    assert "does not fit the policy schema" in out.getvalue() or "does not load" in out.getvalue()


@pytest.mark.parametrize("key", ["rules", "items"])
def test_a_list_become_a_number_is_diffed_as_text(sample_repo: GitRepo, key: str) -> None:
    # the rules of a policy, the items of a taxonomy file: what the diff reads ids from
    rel = POLICY if key == "rules" else "taxonomy/actions.yaml"
    path = sample_repo.path / rel
    lines = path.read_text("utf-8").split("\n")
    start = lines.index(f"{key}:")
    end = next((k for k in range(start + 1, len(lines)) if lines[k][:1].isalpha()), len(lines))  # next key
    path.write_text("\n".join([*lines[:start], f"{key}: 1", *lines[end:]]), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["diff", "HEAD", "--root", str(sample_repo.path), "--format", "json"])
    assert code == 0
    assert "does not fit the" in out.getvalue()


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside", "policies/../../x", ":(top)"])
def test_a_path_outside_the_root_is_a_usage_error(sample_repo: GitRepo, path: str) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["diff", "HEAD", "--root", str(sample_repo.path), "--path", path])
    assert code == 2
    assert "outside the guidance root" in err.getvalue()


def test_a_fifo_or_a_huge_file_in_the_working_tree_never_blocks_diff(sample_repo: GitRepo) -> None:
    import os
    import subprocess
    import sys

    os.mkfifo(sample_repo.path / "policies" / "pipe.md")
    with (sample_repo.path / "policies" / "huge.md").open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse
    run = subprocess.run([sys.executable, "-m", "guidekit", "diff", "HEAD", "-f", "json"],
                         cwd=sample_repo.path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "larger than limits.max_file_bytes" in run.stdout
