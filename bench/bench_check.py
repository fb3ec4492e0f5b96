"""Benchmark: `guidekit check` against check-jsonschema on the same generated policies.

Generates N policies (bench/gen_corpus.py: 4-6 rules with violating and
allowed examples, an exception, regional overrides, a Markdown body with
links), commits them to a git repository, writes each policy's front matter
as a plain .yaml file for the peer, then measures in one run, each command a
separate process:

1. check-jsonschema, the schema pass alone: ``check-jsonschema --schemafile
   schemas/policy.schema.json <N yaml files>`` (from a bench-only venv,
   bench/out/check-jsonschema-venv, created on first use);
2. guidekit cold: ``guidekit check ROOT`` with an empty cache folder (schema,
   corpus rules and every lint rule; the cache is written), with its peak
   memory (PSS of the process and its workers, sampled every 20 ms);
3. guidekit warm: the same command after one policy changed;
4. ``guidekit check --changed-since HEAD --no-cache`` after 10 policies
   changed (no cache: the figure does not lean on a previous run).

    python bench/bench_check.py [--n 10000] [--out bench/out/check] [--peer PATH]

Targets (issue 3): cold <= 0.5x check-jsonschema; warm <= 10% of cold;
peak memory of cold <= 500 MB; changed-since <= 10% of cold. Prints each
figure with its ratio; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate, peer_tool

REPO = Path(__file__).resolve().parents[1]
GUIDEKIT = Path(sys.executable).with_name("guidekit")
_ENV = {**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": "", "CI": "1"}


def _peer(out: Path, given: str | None) -> Path:
    if given:
        return Path(given)
    return peer_tool(out.parent, "check-jsonschema", "check-jsonschema")


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                kids = Path(f"/proc/{p}/task/{task}/children").read_text().split()
                todo.extend(int(k) for k in kids)
        except OSError:
            continue
    return pids


def _pss(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return total


def _run(cmd: list[str], *, cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """(seconds, peak PSS in bytes of the process tree)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _pss(_tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(cmd[:3])} ... exited {proc.returncode}:\n{out[-2000:]}\n{err[-2000:]}")
    return elapsed, peak


def _git(root: Path, *args: str) -> None:
    env = {**_ENV, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def _touch(path: Path, n: int) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.replace("## Guidance notes\n", f"## Guidance notes\n\nEdit {n}.\n", 1),
                    encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "check")
    ap.add_argument("--peer", help="check-jsonschema executable (default: a bench venv)")
    args = ap.parse_args()

    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    root, yamls, cache = out / "corpus", out / "frontmatter", out / "cache"
    peer = _peer(out, args.peer)
    print(f"generating {args.n} policies ...", flush=True)
    policies = generate(root, args.n, yaml_copy=yamls)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "corpus")
    size = sum(p.stat().st_size for p in policies)
    print(f"{args.n} policies, {size / 1e6:.1f} MB; {os.cpu_count()} cores\n", flush=True)

    schema = REPO / "schemas" / "policy.schema.json"
    files = sorted(str(p) for p in yamls.glob("*.yaml"))
    peer_s, _ = _run([str(peer), "--schemafile", str(schema), *files])
    print(f"check-jsonschema (schema only): {peer_s:8.2f} s", flush=True)

    base = [str(GUIDEKIT), "check", str(root), "--format", "json"]
    cold_s, cold_mem = _run([*base, "--cache-dir", str(cache)])
    print(f"guidekit cold (all rules):      {cold_s:8.2f} s   {cold_s / peer_s:6.3f}x check-jsonschema"
          f"   (target <= 0.5)", flush=True)
    print(f"guidekit cold peak memory:      {cold_mem / 1e6:8.0f} MB  (target <= 500)", flush=True)

    _touch(policies[len(policies) // 2], 1)
    warm_s, _ = _run([*base, "--cache-dir", str(cache)])
    print(f"guidekit warm, 1 file changed:  {warm_s:8.2f} s   {warm_s / cold_s:6.3f}x cold"
          f"   (target <= 0.10)", flush=True)

    for i, p in enumerate(policies[:: max(1, len(policies) // 10)][:10]):
        _touch(p, i + 2)
    since_s, _ = _run([*base, "--changed-since", "HEAD", "--no-cache"])
    print(f"guidekit --changed-since, 10:   {since_s:8.2f} s   {since_s / cold_s:6.3f}x cold"
          f"   (target <= 0.10)", flush=True)
    since_warm_s, _ = _run([*base, "--changed-since", "HEAD", "--cache-dir", str(cache)])
    print(f"  (the same with the cache:     {since_warm_s:8.2f} s   {since_warm_s / cold_s:6.3f}x cold)")

    missed = [name for name, ok in (
        ("cold", cold_s <= 0.5 * peer_s), ("memory", cold_mem <= 500e6),
        ("warm", warm_s <= 0.10 * cold_s), ("changed-since", since_s <= 0.10 * cold_s),
    ) if not ok]
    print("\nall targets met" if not missed else f"\nmissed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
