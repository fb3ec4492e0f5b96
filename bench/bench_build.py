"""Benchmark: `guidekit build` against Zensical and MkDocs + Material on the same generated policies.

Generates N policies (bench/gen_corpus.py: several rules with violating and
allowed examples, an exception, regional overrides and a Markdown body each),
then, in the same run:

- guidekit, cold: `guidekit build ROOT --out OUT` as a separate process, with
  no previous output and no cache (it loads, checks and renders everything);
- the peers, cold, in the same rounds (the first ``--peer-rounds`` of them,
  right after guidekit's cold build): `zensical build` and `mkdocs build`
  with the Material theme and its search plugin, each on a project whose docs
  are the same policy Markdown files (no previous site, no cache), each from a
  bench-only environment (bench/out/zensical-venv,
  bench/out/mkdocs-material-venv, created on first use);
- output size of each (bytes of every file written);
- rebuild after one policy changed: `guidekit serve` (the authors' loop) is
  started once, then one policy is edited a few times; the figure is the
  median time from the save to the rebuilt handbook on disk, as serve reports
  it;
- a second `guidekit build` process after one edit, against a cold build, in
  interleaved rounds: a cold build (no previous output, an empty check cache
  folder), one policy edited, then a second build process over that output
  with the check cache the cold build left (what an author's or CI's next
  build finds). The median of the per-round ratios (wall, and CPU of the
  process and its workers) is printed with the load average.

guidekit runs as installed: its modules byte-compiled (the bench drops
PYTHONDONTWRITEBYTECODE from the environment of the processes it times, which a
pip install never has).

    python bench/bench_build.py [--n 2000] [--edits 5] [--rounds 3] [--out bench/out/build]
                                [--peers zensical,mkdocs] [--peer-rounds 1] [--skip-zensical]

Targets: guidekit cold <= 1/10 of Zensical cold, output <= 1/20 of Zensical's,
rebuild after one change <= 1 s, a second build after one edit <= 1/10 of a
cold build (median of per-round wall ratios). MkDocs + Material's figures are
reported beside them (no target). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate, peer_tool, timed_env

GUIDEKIT = Path(sys.executable).with_name("guidekit")
_ENV = timed_env(NO_COLOR="1", GITHUB_ACTIONS="", NO_MKDOCS_2_WARNING="1")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(args: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall, CPU of the process and its children, stdout) of one command."""
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(args, cwd=cwd, env=_ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, _cpu() - cpu, done.stdout



def _edit(policy: Path, serial: int) -> None:
    text = policy.read_text(encoding="utf-8")
    policy.write_text(re.sub(r"(    text: >-\n      )", rf"\g<1>Edit {serial}. ", text, count=1),
                      encoding="utf-8")


def _serve_rebuilds(root: Path, site: Path, policy: Path, edits: int) -> list[float]:
    proc = subprocess.Popen([str(GUIDEKIT), "serve", str(root), "--out", str(site), "--port", "0",
                             "--interval", "0.05"], env=_ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    times: list[float] = []
    try:
        while "serving" not in proc.stdout.readline():
            if proc.poll() is not None:
                raise SystemExit("guidekit serve ended")
        for i in range(edits):
            time.sleep(0.3)
            saved = time.perf_counter()
            _edit(policy, 1000 + i)
            line = proc.stdout.readline()
            while not line.startswith("built "):
                line = proc.stdout.readline()
            wall = time.perf_counter() - saved
            inside = float(re.search(r"in ([\d.]+)s", line).group(1))  # type: ignore[union-attr]
            times.append(inside)
            print(f"  serve rebuild {i + 1}: {inside:.2f}s in serve, {wall:.2f}s from save to "
                  f"report ({line.strip()})")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
    return times


# name -> (package(s) of its bench-only venv, command, project config file, its text, build arguments)
_PEERS = {
    "zensical": ("zensical", "zensical", "zensical.toml", '[project]\nsite_name = "Generated handbook"\n',
                 ["build"]),
    "mkdocs": ("mkdocs-material", "mkdocs", "mkdocs.yml",
               "site_name: Generated handbook\ntheme:\n  name: material\n  features: [search.suggest]\n"
               "plugins: [search]\n", ["build", "-q"]),
}
_PEER_NAME = {"zensical": "Zensical", "mkdocs": "MkDocs + Material"}


def _peer_project(out: Path, name: str, policies: list[Path]) -> tuple[Path, list[str]]:
    """A project whose docs are the policies' Markdown files, and the command that builds it."""
    package, command, config, text, build_args = _PEERS[name]
    exe = peer_tool(out.parent, package, command)
    project = out / name
    (project / "docs").mkdir(parents=True)
    (project / config).write_text(text)
    for p in policies:
        shutil.copyfile(p, project / "docs" / p.name)
    return project, [str(exe), *build_args]


def _peer_cold(project: Path, command: list[str]) -> tuple[float, float, int]:
    """(wall, CPU, output bytes) of a cold build: no previous site, no cache."""
    for left in ("site", ".cache"):
        shutil.rmtree(project / left, ignore_errors=True)
    wall, cpu, _ = _run(command, cwd=project)
    return wall, cpu, _size(project / "site")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3, help="cold / second-build rounds")
    ap.add_argument("--out", type=Path, default=Path("bench/out/build"))
    ap.add_argument("--peers", default="zensical,mkdocs", help="peers to build the same policies (comma-"
                    "separated: zensical, mkdocs; empty: guidekit figures only)")
    ap.add_argument("--peer-rounds", type=int, default=1, help="rounds in which the peers build too")
    ap.add_argument("--skip-zensical", action="store_true", help="leave Zensical out")
    args = ap.parse_args()
    peers = [p for p in args.peers.split(",") if p and not (p == "zensical" and args.skip_zensical)]
    if unknown := set(peers) - set(_PEERS):
        ap.error(f"unknown peer(s): {', '.join(sorted(unknown))}")
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    root = out / "guidance"
    policies = generate(root, args.n)
    print(f"{args.n} generated policies, {_mb(sum(p.stat().st_size for p in policies))} of Markdown "
          f"(on {os.cpu_count()} cores)")

    site = out / "site"
    cache = out / "check-cache"
    # interleaved rounds: a cold build (no previous output, no check cache), then one policy edited
    # and a second `guidekit build` process over that output and cache; the figure is the median
    # of per-round ratios
    build = [str(GUIDEKIT), "build", str(root), "--out", str(site), "--cache-dir", str(cache)]
    projects = {name: _peer_project(out, name, policies) for name in peers}
    peer_runs: dict[str, list[tuple[float, float, int, float, float]]] = {name: [] for name in peers}
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    colds: list[float] = []
    agains: list[float] = []
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for r in range(args.rounds):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        wall, cpu, _ = _run(build)
        colds.append(wall)
        for name in peers if r < args.peer_rounds else ():
            pwall, pcpu, psize = _peer_cold(*projects[name])
            peer_runs[name].append((pwall, pcpu, psize, wall, cpu))
            print(f"  round {r + 1}: {_PEER_NAME[name]} cold {pwall:.1f}s (CPU {pcpu:.1f}s), {_mb(psize)}; "
                  f"guidekit/{_PEER_NAME[name]} = {wall / pwall:.4f} wall, {cpu / pcpu:.4f} CPU "
                  f"(load average {os.getloadavg()[0]:.1f})")
        _edit(policies[(len(policies) // 2 + r) % len(policies)], r + 1)
        again_wall, again_cpu, said = _run(build)
        agains.append(again_wall)
        ratios.append(again_wall / wall)
        cpu_ratios.append(again_cpu / cpu)
        reused = re.search(r"(\d+) unchanged page", said)
        print(f"  round {r + 1}: cold {wall:.2f}s (CPU {cpu:.2f}s), after one edit {again_wall:.2f}s "
              f"(CPU {again_cpu:.2f}s, {reused.group(1) if reused else 0} pages reused), "
              f"ratio {ratios[-1]:.3f} (CPU {cpu_ratios[-1]:.3f}) (load average {os.getloadavg()[0]:.1f})")
    cold, again, ratio = statistics.median(colds), statistics.median(agains), statistics.median(ratios)
    cpu_ratio = statistics.median(cpu_ratios)
    handbook = next(p for p in site.iterdir() if p.is_dir())
    size = _size(handbook)
    print(f"guidekit cold build: {cold:.1f}s (median of {args.rounds}), {_mb(size)} in "
          f"{sum(1 for _ in handbook.rglob('*'))} files")
    print(f"guidekit build process after one edit (warm check cache, changed pages rendered): "
          f"{again:.2f}s; second build / cold = {ratio:.3f} wall, {cpu_ratio:.3f} CPU (medians of "
          f"per-round ratios; target <= 0.10) {'ok' if ratio <= 0.10 else 'MISSED'}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rebuilds = _serve_rebuilds(root, site, policies[len(policies) // 3], args.edits)
    rebuild = statistics.median(rebuilds)
    print(f"rebuild after one policy changed (guidekit serve, median of {len(rebuilds)}): "
          f"{rebuild:.2f}s")

    results: dict[str, float | int] = {
        "n": args.n, "guidekit_cold_s": round(cold, 2), "guidekit_bytes": size,
        "guidekit_build_after_edit_s": round(again, 2), "second_build_ratio": round(ratio, 3),
        "second_build_cpu_ratio": round(cpu_ratio, 3),
        "serve_rebuild_s": round(rebuild, 3),
    }
    ok = rebuild <= 1.0 and ratio <= 0.10
    for name, runs in peer_runs.items():
        label = _PEER_NAME[name]
        pwall = statistics.median(r[0] for r in runs)
        psize = runs[-1][2]
        t_ratio = statistics.median(r[3] / r[0] for r in runs)
        c_ratio = statistics.median(r[4] / r[1] for r in runs)
        s_ratio = size / psize
        results.update({f"{name}_cold_s": round(pwall, 2), f"{name}_bytes": psize,
                        f"{name}_time_ratio": round(t_ratio, 4), f"{name}_cpu_ratio": round(c_ratio, 4)})
        print(f"{label} cold build: {pwall:.1f}s (median of {len(runs)}), {_mb(psize)}")
        if name == "zensical":
            print(f"time: guidekit/{label} = 1/{1 / t_ratio:.1f} wall, 1/{1 / c_ratio:.1f} CPU (median of "
                  f"per-round ratios; target <= 1/10) {'ok' if t_ratio <= 0.1 else 'MISSED'}")
            print(f"size: guidekit/{label} = 1/{1 / s_ratio:.1f} (target <= 1/20) "
                  f"{'ok' if s_ratio <= 0.05 else 'MISSED'}")
            ok = ok and t_ratio <= 0.1 and s_ratio <= 0.05
        else:
            print(f"time: guidekit/{label} = 1/{1 / t_ratio:.1f} wall, 1/{1 / c_ratio:.1f} CPU (median of "
                  f"per-round ratios); size: 1/{1 / s_ratio:.1f}")
    print(f"rebuild after one change: {rebuild:.2f}s (target <= 1 s) {'ok' if rebuild <= 1 else 'MISSED'}")
    print(f"second build after one edit: {ratio:.3f} of a cold build (target <= 0.10) "
          f"{'ok' if ratio <= 0.10 else 'MISSED'}")
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
