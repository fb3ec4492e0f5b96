"""Forked diffs: the same answer as one process, whatever a child does."""

from __future__ import annotations

import io
import json
import os
import re
import signal
from collections.abc import Sequence
from pathlib import Path

import pytest

import guidekit.diff.engine as engine
from conftest import GitRepo
from guidekit.diff import diff_revisions
from guidekit.diff.fork import jobs_for, split
from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter

PARENT = os.getpid()


def first(share: Sequence[int]) -> tuple[list[int], set[int]]:
    return [x * 10 for x in share], set(share)


def combine(facts: list[set[int]]) -> int:
    return sum(len(f) for f in facts)


def second(state: list[int], total: int) -> list[tuple[int, int, int]]:
    return [(x, total, os.getpid()) for x in state]


def answers(items: Sequence[int], jobs: int, **kw) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    out = split(items, jobs, kw.get("first", first), combine, kw.get("second", second))
    return sorted((x, total) for x, total, _pid in out)


@pytest.mark.parametrize("jobs", [1, 2, 3, 5])
def test_split_answers_as_one_process_does(jobs: int) -> None:
    items = list(range(23))
    assert answers(items, jobs) == [(x * 10, 23) for x in items]


def test_children_do_their_share() -> None:
    out = split(list(range(10)), 3, first, combine, second)
    assert len({pid for _x, _t, pid in out}) == 3  # the parent and two children


def _fail_in_child(when: str):  # type: ignore[no-untyped-def]
    def first_(share: Sequence[int]) -> tuple[list[int], set[int]]:
        if when == "first" and os.getpid() != PARENT:
            raise RuntimeError("boom")
        if when == "killed" and os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return first(share)

    def second_(state: list[int], total: int) -> list[tuple[int, int, int]]:
        if when == "second" and os.getpid() != PARENT:
            raise RuntimeError("boom")
        if when == "exit" and os.getpid() != PARENT:
            os._exit(7)
        return second(state, total)
    return {"first": first_, "second": second_}


@pytest.mark.parametrize("when", ["first", "second", "killed", "exit"])
def test_a_failing_child_costs_time_not_the_answer(when: str) -> None:
    items = list(range(17))
    out = split(items, 3, combine=combine, **_fail_in_child(when))
    assert sorted((x, total) for x, total, _pid in out) == [(x * 10, 17) for x in items]
    assert {pid for _x, _t, pid in out} == {PARENT}  # the parent redid every share
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # and no child is left behind


def test_a_refused_fork_leaves_the_work_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", refuse)
    items = list(range(9))
    out = split(items, 3, first, combine, second)
    assert sorted((x, total) for x, total, _pid in out) == [(x * 10, 9) for x in items]
    assert {pid for _x, _t, pid in out} == {PARENT}


def test_jobs_follow_the_work() -> None:
    assert jobs_for(3, per_job=8) == 1
    assert 1 <= jobs_for(10_000, per_job=8) <= len(os.sched_getaffinity(0))


@pytest.mark.parametrize(("loadavg", "jobs"), [
    ("0.10 0.20 0.30 1/250 4242\n", 4),  # only this process runs: every core
    ("1.50 1.20 1.00 2/250 4242\n", 3),  # one other process runs
    ("7.00 6.00 5.00 9/250 4242\n", 1),  # a busy machine: no child waiting for a core
    (None, 4),  # no run queue to read: every core
    ("garbage\n", 4),
])
def test_jobs_leave_the_cores_other_processes_run_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     loadavg: str | None, jobs: int) -> None:
    from guidekit.diff import fork

    queue = tmp_path / "loadavg"
    if loadavg is not None:
        queue.write_text(loadavg, encoding="ascii")
    monkeypatch.setattr(fork, "_RUN_QUEUE", str(queue))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert jobs_for(10_000, per_job=8) == jobs
    assert jobs_for(20, per_job=8) == min(jobs, 2)
    assert jobs_for(3, per_job=8) == 1


# --- the diff itself -----------------------------------------------------------------

def _edit_every_document(root: Path) -> None:
    """Every policy and SOP changes (so the work is shared), with changes whose impact
    depends on other documents: a rule removed that an SOP outcome still names (breaking,
    found by a process that did not load the SOP) and a rule moved to another policy."""
    for path in sorted(root.glob("policies/**/*")):
        if path.suffix in (".md", ".yaml"):
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"severity: (low|medium|high)", "severity: critical", text, count=1),
                            encoding="utf-8")
    alc = root / "policies/ads/alcohol.md"
    text = alc.read_text(encoding="utf-8")
    start, end = text.index("  - id: ADS-ALC-1.b"), text.index("  - id: ADS-ALC-2.a")
    alc.write_text(text[:start] + text[end:], encoding="utf-8")
    dating = root / "policies/ads/dating.md"
    dating.write_text(dating.read_text(encoding="utf-8").replace("rules:\n", "rules:\n" + text[start:end], 1),
                      encoding="utf-8")
    fin = root / "policies/ads/financial-services.md"
    text = fin.read_text(encoding="utf-8")
    start, end = text.index("  - id: ADS-FIN-3.b"), text.index("exceptions:\n")
    fin.write_text(text[:start] + text[end:], encoding="utf-8")
    for path in sorted(root.glob("sops/*.yaml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("label: ", "label: Now ", 1), encoding="utf-8")


def _json(root: Path, base: str, head: str | None) -> str:
    buf = io.StringIO()
    get_diff_reporter("json")(diff_revisions(root, base, head), buf, DiffReportOptions())
    return buf.getvalue()


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_shared_diff_is_the_diff_of_one_process(sample_repo: GitRepo, monkeypatch: pytest.MonkeyPatch,
                                                  jobs: int) -> None:
    _edit_every_document(sample_repo.path)
    sample_repo.commit("edit everything")
    monkeypatch.setattr(engine, "jobs_for", lambda items, per_job: 1)
    alone = _json(sample_repo.path, "HEAD~1", "HEAD")
    worktree_alone = _json(sample_repo.path, "HEAD~1", None)
    monkeypatch.setattr(engine, "jobs_for", lambda items, per_job: jobs)
    assert _json(sample_repo.path, "HEAD~1", "HEAD") == alone
    assert _json(sample_repo.path, "HEAD~1", None) == worktree_alone
    data = json.loads(alone)
    assert len(data["documents"]) >= 2 * engine._PER_JOB  # enough to be shared for real
    rules = {r["id"]: r for d in data["documents"] for r in d["rules"]}
    assert rules["ADS-FIN-3.b"]["impact"] == "breaking"  # still named by an SOP
    assert rules["ADS-ALC-1.b"]["change"] == "moved"


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_rule_held_twice_moves_to_the_same_place_however_shared(sample_repo: GitRepo,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  jobs: int) -> None:
    """ADS-ALC-1.b leaves alcohol and turns up in dating and gambling (a duplicate id,
    which check reports): the diff names one new home, the same for any sharing."""
    _edit_every_document(sample_repo.path)  # alcohol's rule already went to dating
    root = sample_repo.path
    alc_base = sample_repo.git("show", "HEAD:policies/ads/alcohol.md")
    start, end = alc_base.index("  - id: ADS-ALC-1.b"), alc_base.index("  - id: ADS-ALC-2.a")
    gamb = root / "policies/ads/gambling.md"
    gamb.write_text(gamb.read_text(encoding="utf-8").replace("rules:\n", "rules:\n" + alc_base[start:end], 1),
                    encoding="utf-8")
    sample_repo.commit("one rule, two homes")
    monkeypatch.setattr(engine, "jobs_for", lambda items, per_job: 1)
    alone = _json(sample_repo.path, "HEAD~1", "HEAD")
    monkeypatch.setattr(engine, "jobs_for", lambda items, per_job: jobs)
    assert _json(sample_repo.path, "HEAD~1", "HEAD") == alone
    rule = json.loads(alone)["documents"][0]["rules"]
    assert any(r["id"] == "ADS-ALC-1.b" and r["change"] == "moved" for r in rule)


def test_a_child_does_not_import_what_loading_needs(sample_repo: GitRepo) -> None:
    """What loading the changed documents needs on first use (the schema validators and
    their libraries, jsonschema's for the cases, whose schema refers to others, and the
    SOP model) is made before the fork, once, not in each process."""
    import subprocess
    import sys

    for path in sorted(sample_repo.path.glob("policies/**/*.md")):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"severity: (low|medium|high)", "severity: critical", text, count=1),
                        encoding="utf-8")
    for path in sorted(sample_repo.path.glob("sops/*.yaml")):  # SOPs and their cases
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^( *)title: ", r"\1title: Now ", text, count=1, flags=re.M), encoding="utf-8")
    sample_repo.commit("edit policies, SOPs and cases")
    # the child's first act is to drop the parent's git helper; its last, os._exit
    probe = """
import os, sys
from pathlib import Path
import guidekit.diff.engine as e
from guidekit.git import GitRepo
e.jobs_for = lambda items, per_job: 2
at_fork = set()
forget, leave = GitRepo.forget_helpers, os._exit
def forget_helpers(self):
    at_fork.update(sys.modules)
    forget(self)
def _exit(code):
    print(sorted(set(sys.modules) - at_fork), file=sys.stderr, flush=True)
    leave(code)
GitRepo.forget_helpers, os._exit = forget_helpers, _exit
from guidekit.diff import diff_revisions
print(sorted({d.kind for d in diff_revisions(Path("."), "HEAD~1", "HEAD").documents}))
print(sorted(m for m in ("jsonschema_rs", "jsonschema", "guidekit.model.sop") if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", probe], cwd=sample_repo.path, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split("\n")[:2] == ["['cases', 'policy', 'sop']",
                                          "['guidekit.model.sop', 'jsonschema', 'jsonschema_rs']"]
    child = out.stderr.strip().splitlines()[-1]
    assert child.startswith("[") and not {"'jsonschema_rs'", "'jsonschema'", "'guidekit.model.sop'"} & set(
        child.strip("[]").split(", ")), child
