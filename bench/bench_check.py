"""Benchmark: `guidekit check` against check-jsonschema and the floor, on the same generated policies.

Generates N policies (bench/gen_corpus.py, written one at a time: 4-6 rules with
violating and allowed examples, an exception, regional overrides, a Markdown
body with links), commits them to a git repository, writes each policy's front
matter as a plain .yaml file for the peer, then runs, each command a separate
process, in R interleaved rounds whose order rotates:

1. check-jsonschema as ``pip install check-jsonschema`` installs it (pure-Python
   YAML), one process: ``xargs check-jsonschema --schemafile
   schemas/policy.schema.json`` over the .yaml files (bench-only venv);
2. the same with ``ruamel.yaml.clib`` (C YAML loader; a second bench-only venv);
3. the same with two processes (``xargs -P2``, half the files each);
4. the floor: one process reads every .yaml file, loads it with the C YAML
   loader and asks ``jsonschema_rs`` whether it is valid (guidekit's venv);
5. ``guidekit check ROOT`` cold (an empty cache folder each round: schema,
   corpus rules and every lint rule), with its peak memory (PSS of the process
   tree, sampled every 20 ms).

Wall time and CPU time (user + system of the command and its children, from
the children's rusage) are reported as medians, ratios as medians of the
per-round ratios (the shared machine's speed drifts; a ratio within one round
does not), with the load average before and after. Then, once: a warm re-run
after one policy changed, and ``--changed-since HEAD --no-cache`` after 10
policies changed (ratios to the median cold run).

    python bench/bench_check.py [--n 10000] [--rounds 3] [--out bench/out/check]
                                [--skip-pure] [--skip-peers] [--skip-warm]

``--skip-peers`` leaves out check-jsonschema (guidekit against the floor only: for the
largest corpora, where the peers take hours); ``--skip-warm`` the warm and
``--changed-since`` runs.

Targets (issue 16): cold CPU <= 1.2x the floor's; cold wall <= 0.5x
check-jsonschema with its C loader (one process); peak memory <= 500 MB up to
30,000 policies, <= 800 MB up to 100,000; warm <= 0.10x cold; changed-since
<= 0.10x cold. Prints each figure with its target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate, peer_tool, timed_env

REPO = Path(__file__).resolve().parents[1]
GUIDEKIT = Path(sys.executable).with_name("guidekit")
_ENV = timed_env(NO_COLOR="1", GITHUB_ACTIONS="", CI="1")
_CLIB = ("ruamel.yaml.clib",)

# The floor: read every file, load it with the C YAML loader, ask jsonschema_rs whether it is valid.
_FLOOR = """
import json, sys
import jsonschema_rs
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=False)
# dates stay strings, as in guidekit and check-jsonschema (JSON Schema knows no date type)
yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda c, node: c.construct_scalar(node))
with open(sys.argv[1], "rb") as f:
    valid = jsonschema_rs.validator_for(json.load(f)).is_valid
bad = 0
with open(sys.argv[2], encoding="utf-8") as names:
    for name in names:
        with open(name.rstrip("\\n"), "rb") as f:
            bad += not valid(yaml.load(f.read()))
sys.exit(1 if bad else 0)
"""


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


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd: list[str], *, cwd: Path | None = None, ok: tuple[int, ...] = (0,),
            stdin: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, peak PSS in bytes of the tree)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as given:
        proc = subprocess.Popen(cmd, cwd=cwd, env=_ENV, stdin=given, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
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
    return elapsed, _children_cpu() - cpu, peak


def _run(cmd: list[str], *, cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """(seconds, peak PSS in bytes of the process tree)."""
    wall, _cpu, peak = measure(cmd, cwd=cwd, ok=ok)
    return wall, peak


def _git(root: Path, *args: str) -> None:
    env = {**_ENV, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def _touch(path: Path, n: int) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.replace("## Guidance notes\n", f"## Guidance notes\n\nEdit {n}.\n", 1),
                    encoding="utf-8")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (5 min {five:.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (at least 3)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "check")
    ap.add_argument("--skip-pure", action="store_true",
                    help="leave out check-jsonschema with pure-Python YAML (the slowest run)")
    ap.add_argument("--skip-peers", action="store_true",
                    help="leave out check-jsonschema altogether: guidekit against the floor only")
    ap.add_argument("--skip-warm", action="store_true",
                    help="leave out the warm and --changed-since runs")
    args = ap.parse_args()

    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    root, yamls, cache = out / "corpus", out / "frontmatter", out / "cache"
    venvs = REPO / "bench" / "out"
    pure = clib = Path("check-jsonschema")  # not installed with --skip-peers
    if not args.skip_peers:
        pure = peer_tool(venvs, "check-jsonschema", "check-jsonschema")
        clib = peer_tool(venvs, "check-jsonschema", "check-jsonschema", _CLIB)
    print(f"generating {args.n} policies ...", flush=True)
    policies = generate(root, args.n, yaml_copy=yamls)
    if not args.skip_warm:  # --changed-since needs the corpus committed
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "corpus")
    size = sum(p.stat().st_size for p in policies)
    names = out / "frontmatter.list"
    # names relative to the folder (the commands run there), so xargs needs few command lines
    names.write_text("".join(f"{p.name}\n" for p in sorted(yamls.glob("*.yaml"))), encoding="utf-8")
    print(f"{args.n} policies, {size / 1e6:.1f} MB; {os.cpu_count()} cores\n", flush=True)

    schema = str(REPO / "schemas" / "policy.schema.json")
    xargs = ["xargs", "-s", "2000000"]
    half = str(-(-args.n // 2))
    cold = [str(GUIDEKIT), "check", str(root), "--format", "json", "--cache-dir", str(cache)]
    cmds: dict[str, tuple[list[str], Path | None]] = {
        "check-jsonschema, pure-Python YAML": ([*xargs, str(pure), "--schemafile", schema], names),
        "check-jsonschema, C YAML": ([*xargs, str(clib), "--schemafile", schema], names),
        "check-jsonschema, C YAML, xargs -P2": (
            [*xargs, "-P2", "-n", half, str(clib), "--schemafile", schema], names),
        "floor (read + C YAML + jsonschema_rs)": ([sys.executable, "-c", _FLOOR, schema, str(names)], None),
        "guidekit check, cold": (cold, None),
    }
    if args.skip_pure or args.skip_peers:
        del cmds["check-jsonschema, pure-Python YAML"]
    if args.skip_peers:
        del cmds["check-jsonschema, C YAML"], cmds["check-jsonschema, C YAML, xargs -P2"]
    order = list(cmds)
    runs: dict[str, list[tuple[float, float, int]]] = {k: [] for k in order}
    print(f"load average {_load()}; {args.rounds} interleaved rounds, order rotating", flush=True)
    for r in range(args.rounds):
        for name in order[r % len(order):] + order[:r % len(order)]:
            shutil.rmtree(cache, ignore_errors=True)
            cmd, stdin = cmds[name]
            runs[name].append(measure(cmd, stdin=stdin, cwd=yamls))
            wall, cpu, peak = runs[name][-1]
            print(f"  round {r + 1}: {name:<40} {wall:8.2f} s wall {cpu:8.2f} s cpu {peak / 1e6:6.0f} MB"
                  f"   load {_load()}", flush=True)

    gk = runs["guidekit check, cold"]

    def ratio(peer: str, i: int) -> float:
        return statistics.median(g[i] / p[i] for g, p in zip(gk, runs[peer], strict=True))

    print(f"\nmedians ({args.n} policies; load average now {_load()}):")
    for name in order:
        wall = statistics.median(s[0] for s in runs[name])
        cpu = statistics.median(s[1] for s in runs[name])
        peak = max(s[2] for s in runs[name])
        print(f"  {name:<40} {wall:8.2f} s wall {cpu:8.2f} s cpu   peak {peak / 1e6:6.0f} MB")
    print("guidekit cold against each (medians of per-round ratios):")
    for name in order[:-1]:
        print(f"  {name:<40} {ratio(name, 0):6.3f}x wall {ratio(name, 1):6.3f}x cpu")

    cold_s = statistics.median(s[0] for s in gk)
    cold_mem = max(s[2] for s in gk)
    floor_cpu = ratio("floor (read + C YAML + jsonschema_rs)", 1)
    clib_wall = ratio("check-jsonschema, C YAML", 0) if "check-jsonschema, C YAML" in runs else None
    mem_target = 500e6 if args.n <= 30_000 else 800e6
    targets = {
        f"cold CPU {floor_cpu:.2f}x the floor (target <= 1.2x)": floor_cpu <= 1.2,
        f"cold peak memory {cold_mem / 1e6:.0f} MB PSS (target <= {mem_target / 1e6:.0f} MB at "
        f"{args.n} policies)": cold_mem <= mem_target,
    }
    if clib_wall is not None:
        targets[f"cold wall {clib_wall:.3f}x check-jsonschema with its C loader (target <= 0.5x)"] = \
            clib_wall <= 0.5
    if args.skip_warm:
        return _verdict(targets)

    base = [str(GUIDEKIT), "check", str(root), "--format", "json"]
    measure([*base, "--cache-dir", str(cache)])  # the cache of a cold run
    _touch(policies[len(policies) // 2], 1)
    warm_s, _ = _run([*base, "--cache-dir", str(cache)])
    for i, p in enumerate(policies[:: max(1, len(policies) // 10)][:10]):
        _touch(p, i + 2)
    since_s, _ = _run([*base, "--changed-since", "HEAD", "--no-cache"])
    since_warm_s, _ = _run([*base, "--changed-since", "HEAD", "--cache-dir", str(cache)])

    targets |= {
        f"warm, 1 file changed: {warm_s:.2f} s, {warm_s / cold_s:.3f}x cold (target <= 0.10x)":
            warm_s <= 0.10 * cold_s,
        f"--changed-since, 10 files, no cache: {since_s:.2f} s, {since_s / cold_s:.3f}x cold "
        "(target <= 0.10x)": since_s <= 0.10 * cold_s,
    }
    print(f"  (--changed-since with the cache: {since_warm_s:.2f} s, {since_warm_s / cold_s:.3f}x cold)")
    return _verdict(targets)


def _verdict(targets: dict[str, bool]) -> int:
    print(f"\ntargets (load average {_load()}):")
    for name, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
