"""Benchmark: `guidekit diff` against `git diff --stat` on the same two commits.

Builds a git repository of N generated policies (bench/gen_corpus.py), then two
commits off the baseline: one that changes K documents and one that changes
10*K. Each change edits a rule's action, rewords a body paragraph and adds a
violating example, so every changed document goes through the whole pipeline
(load, compare rules and examples, align Markdown, redline).

    python bench/bench_diff.py [--n 10000] [--k 50] [--runs 15] [--out bench/out/diff]

Runs, for both commits, `git diff --stat` (the physical floor: git reading the
same changed blobs), `guidekit diff` (the default text report, to a pipe) and
`guidekit diff --format json`, each as a separate process (as a user or CI
would), in interleaved rounds whose order rotates, and prints median wall and
CPU times and the median of the per-round ratios to git (the machine's speed
drifts; a ratio taken within one round does not). Also the diff engine alone
(`diff_revisions` in this process, warm: no start-up or imports), the start-up
of the command (`guidekit --version`) and how time grows from K to 10*K
documents.

Targets: the command <= 1 s and <= 25x git for K documents (both formats; the
old 20x was met by a start-up path that bypassed Typer, now retired), and
~10x (at most 12x) the K time for 10*K documents. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate, timed_env

from guidekit.diff import diff_revisions

GUIDEKIT = Path(sys.executable).with_name("guidekit")
_ENV = timed_env(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.test", GIT_COMMITTER_NAME="bench",
                 GIT_COMMITTER_EMAIL="bench@example.test", NO_COLOR="1", GITHUB_ACTIONS="")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=_ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


def _change(path: Path, serial: int) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in (("action: label", "action: remove"), ("action: remove", "action: label"),
                     ("action: ad_restrict", "action: ad_disapprove")):
        if old in text:
            text = text.replace(old, new, 1)
            break
    text = text.replace("      violating:\n", "      violating:\n        - id: bench\n"
                        f'          text: "A new violating example number {serial}."\n', 1)
    head, sep, body = text.partition("## Rationale\n\n")
    words = body.split(" ")
    words[5:8] = ["now", "reads", "differently"]
    path.write_text(head + sep + " ".join(words), encoding="utf-8")


def build(out: Path, n: int, k: int) -> tuple[Path, list[str]]:
    """The repository and the revisions: baseline, K changed, 10*K changed."""
    repo = out / f"repo-{n}"
    marker = repo / ".bench-ready"
    if marker.is_file():
        return repo, marker.read_text().split()
    shutil.rmtree(repo, ignore_errors=True)
    files = generate(repo, n)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    base = git(repo, "rev-parse", "HEAD")
    revs = [base]
    step = max(1, n // (10 * k))
    for count in (k, 10 * k):
        git(repo, "checkout", "-q", "-B", f"change-{count}", base)
        for serial, path in enumerate(files[::step][:count]):
            _change(path, serial)
        git(repo, "commit", "-q", "-am", f"change {count} policies")
        revs.append(git(repo, "rev-parse", "HEAD"))
    git(repo, "checkout", "-q", "main")
    marker.write_text(" ".join(revs))
    return repo, revs


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its child processes included) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=_ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def interleaved(cmds: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Each command once per round, the order rotating from round to round, so that a
    slower or faster spell of this (shared, virtual) machine hits every command alike."""
    names = list(cmds)
    out: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(runs):
        for name in names[r % len(names):] + names[:r % len(names)]:
            out[name].append(run_once(cmds[name], cwd))
    return out


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _c in samples), statistics.median(c for _w, c in samples)


def _ratio(samples: list[tuple[float, float]], floor: list[tuple[float, float]]) -> float:
    """The median over rounds of this command's wall time over the floor's in the same round."""
    return statistics.median(w / f for (w, _c), (f, _fc) in zip(samples, floor, strict=True))


def timed_engine(repo: Path, base: str, head: str, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        cpu = time.process_time()
        start = time.perf_counter()
        diff_revisions(repo, base, head)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _ms(t: tuple[float, float]) -> str:
    return f"{t[0] * 1000:5.0f} ms (cpu {t[1] * 1000:4.0f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="policies in the repository")
    ap.add_argument("--k", type=int, default=50, help="policies changed by the small commit")
    ap.add_argument("--runs", type=int, default=15, help="rounds of interleaved runs")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "diff")
    args = ap.parse_args()
    started = time.perf_counter()
    repo, (base, small, large) = build(args.out, args.n, args.k)
    print(f"repository: {args.n:,} policies at {repo} (built in {time.perf_counter() - started:.1f}s)")
    run_once([str(GUIDEKIT), "diff", base, small, "--format", "json"], repo)  # warm-up: bytecode, disk cache
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.runs} interleaved rounds; "
          "times are medians, wall clock (and CPU time, user + system, children included); ratios are "
          "medians of the per-round ratios to git")
    startup = _median(interleaved({"v": [str(GUIDEKIT), "--version"]}, repo, args.runs)["v"])
    print(f"guidekit start-up (guidekit --version): {_ms(startup)}")
    results = {}
    for label, head, count in (("small", small, args.k), ("large", large, 10 * args.k)):
        runs = interleaved({
            "git diff --stat": ["git", "diff", "--stat", base, head],
            "guidekit diff": [str(GUIDEKIT), "diff", base, head],
            "guidekit diff json": [str(GUIDEKIT), "diff", base, head, "--format", "json"],
        }, repo, args.runs)
        t_eng = timed_engine(repo, base, head, max(3, args.runs // 3))
        out = subprocess.run([str(GUIDEKIT), "diff", base, head, "--format", "json"], cwd=repo, env=_ENV,
                             check=True, capture_output=True, text=True).stdout
        reported = out.count('"kind": "policy"')
        floor = runs["git diff --stat"]
        t_git = _median(floor)
        print(f"{count} changed documents ({reported} reported):")
        print(f"  git diff --stat         {_ms(t_git)}")
        ratios = {}
        for name in ("guidekit diff", "guidekit diff json"):
            ratios[name] = _ratio(runs[name], floor)
            t = _median(runs[name])
            print(f"  {name:<23} {_ms(t)}   {ratios[name]:5.1f}x git wall, {t[1] / t_git[1]:5.1f}x git cpu")
        print(f"  {'engine in process':<23} {_ms(t_eng)}   {t_eng[0] / t_git[0]:5.1f}x git wall")
        results[label] = (_median(runs["guidekit diff"]), _median(runs["guidekit diff json"]), t_eng, ratios)
        assert reported == count, f"expected {count} changed policies, guidekit reported {reported}"
    (text_s, json_s, eng_s, ratio_s), (_text_l, _json_l, eng_l, _ratio_l) = results["small"], results["large"]
    print(f"growth from {args.k} to {10 * args.k} changed documents: engine {eng_l[0] / eng_s[0]:.1f}x "
          f"(cpu {eng_l[1] / eng_s[1]:.1f}x)")
    slowest = max(text_s[0], json_s[0])
    checks = {
        f"guidekit diff <= 1 s ({slowest:.2f} s)": slowest <= 1.0,
        f"guidekit diff <= 25x git diff --stat (text {ratio_s['guidekit diff']:.1f}x, "
        f"json {ratio_s['guidekit diff json']:.1f}x)": max(ratio_s.values()) <= 25,
        f"10x the documents, ~10x the time (engine cpu {eng_l[1] / eng_s[1]:.1f}x)": eng_l[1] / eng_s[1] <= 12,
    }
    for name, ok in checks.items():
        print(f"  {'met   ' if ok else 'MISSED'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
