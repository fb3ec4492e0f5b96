"""Benchmark: the start-up costs users feel, against the tools they would otherwise run.

    python bench/bench_startup.py [--runs 15] [--n 500] [--k 50] [--out bench/out/startup]

Three comparisons, each run as separate processes (as a shell, a hook or CI runs
them) in interleaved rounds whose order rotates, reported as the median of the
per-round ratios (the machine's speed drifts; a ratio taken within one round
does not), with the load average:

1. `guidekit --help` against `check-jsonschema --version`, CPU time (user +
   system): the cost of starting the command at all. Target: <= 0.5x.
2. `guidekit check` of three policy files of the sample (what a pre-commit hook
   runs on a commit touching them) against `check-jsonschema --schemafile
   schemas/policy.schema.json` on the same three files' front matter (written
   out as YAML, since check-jsonschema cannot read front matter), CPU time.
   guidekit's per-file cache is warm, as it is from the second commit on.
   Target: <= 0.5x.
3. `guidekit diff` of K (50) changed documents against `git diff --stat` of the
   same two commits, wall clock (bench/bench_diff.py's repository, N policies).
   Target: <= 25x.

Also, as a reference and not a target: the CLI library alone, a Typer command
with `guidekit check`'s twelve parameters that does nothing (TYPER_ALONE), whose
CPU share of check-jsonschema's shows what any Typer command costs before
guidekit runs (Typer 0.29 converts parameters through pydantic).

check-jsonschema runs from a bench-only virtual environment
(bench/out/check-jsonschema+ruamel.yaml.clib-venv, made on first use, with ruamel.yaml.clib so
that it parses YAML with the C extension, its fast configuration). Exits 1 when
a target is missed.
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
from bench_diff import build
from gen_corpus import peer_tool, timed_env

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "guidance"
GUIDEKIT = Path(sys.executable).with_name("guidekit")
FILES = ("policies/ads/alcohol.md", "policies/ads/dating.md", "policies/community/frauds-scams.md")
_ENV = timed_env(NO_COLOR="1", GITHUB_ACTIONS="", CI="1")


# a Typer command shaped like `guidekit check` (12 parameters: arguments, options with
# choices, paths, lists, an int with a minimum, flags) that does nothing
TYPER_ALONE = """
import sys
from enum import StrEnum
from pathlib import Path

import typer

Fmt = StrEnum("Fmt", {v: v for v in ("text", "json", "sarif", "github", "junit")})
Sev = StrEnum("Sev", {v: v for v in ("error", "warning", "info")})
app = typer.Typer(add_completion=False)


@app.command()
def check(paths: list[Path] = typer.Argument(None), root: Path | None = typer.Option(None, file_okay=False),
          fmt: Fmt | None = typer.Option(None, "--format"), output: Path | None = typer.Option(None, dir_okay=False),
          fail_on: Sev | None = typer.Option(None), select: list[str] = typer.Option([]),
          ignore: list[str] = typer.Option([]), changed_since: str | None = typer.Option(None),
          cache_dir: Path | None = typer.Option(None, file_okay=False), no_cache: bool = typer.Option(False),
          jobs: int | None = typer.Option(None, min=1), verbose: bool = typer.Option(False)) -> None:
    pass


@app.command()
def other() -> None:
    pass


sys.exit(app(["check", *sys.argv[1:]], standalone_mode=False) or 0)
"""


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its child processes included) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return wall, _children_cpu() - cpu


def interleaved(cmds: dict[str, tuple[list[str], Path]], runs: int) -> dict[str, list[tuple[float, float]]]:
    names = list(cmds)
    out: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(runs):
        for name in names[r % len(names):] + names[:r % len(names)]:
            cmd, cwd = cmds[name]
            out[name].append(run_once(cmd, cwd))
    return out


def _ratio(samples: list[tuple[float, float]], peer: list[tuple[float, float]], cpu: bool) -> float:
    i = 1 if cpu else 0
    return statistics.median(s[i] / p[i] for s, p in zip(samples, peer, strict=True))


def _ms(samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _c in samples)
    cpu = statistics.median(c for _w, c in samples)
    return f"{wall * 1000:6.0f} ms wall, {cpu * 1000:5.0f} ms cpu"


def front_matter(out: Path) -> list[Path]:
    """The three policies' front matter as YAML files, for check-jsonschema."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for rel in FILES:
        text = (SAMPLE / rel).read_text("utf-8")
        yaml = text.split("---\n", 2)[1]
        target = out / (Path(rel).stem + ".yaml")
        target.write_text(yaml, "utf-8")
        written.append(target)
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="rounds of interleaved runs")
    ap.add_argument("--n", type=int, default=10_000, help="policies in the diff repository")
    ap.add_argument("--k", type=int, default=50, help="policies changed by the diffed commit")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "startup")
    ap.add_argument("--peer", help="check-jsonschema executable (default: a bench venv)")
    args = ap.parse_args()
    peer = Path(args.peer) if args.peer else peer_tool(REPO / "bench" / "out", "check-jsonschema",
                                                       "check-jsonschema", ("ruamel.yaml.clib",))
    yamls = front_matter(args.out / "front-matter")
    sample = args.out / "guidance"
    shutil.rmtree(sample, ignore_errors=True)
    shutil.copytree(SAMPLE, sample)
    schema = str(REPO / "schemas" / "policy.schema.json")
    repo, (base, small, _large) = build(args.out / "diff", args.n, args.k)

    alone = args.out / "typer_alone.py"
    alone.write_text(TYPER_ALONE, "utf-8")
    check = [str(GUIDEKIT), "check", *FILES]
    peer_check = [str(peer), "--schemafile", schema, *map(str, yamls)]
    for cmd, cwd in ((check, sample), (peer_check, REPO), ([str(GUIDEKIT), "diff", base, small], repo)):
        run_once(cmd, cwd)  # warm-up: bytecode, disk cache, guidekit's check cache

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores; "
          f"{args.runs} interleaved rounds; times are medians; ratios are medians of per-round ratios")
    runs = interleaved({
        "guidekit --help": ([str(GUIDEKIT), "--help"], REPO),
        "check-jsonschema --version": ([str(peer), "--version"], REPO),
        "guidekit check (3 files)": (check, sample),
        "check-jsonschema (3 files)": (peer_check, REPO),
        "guidekit diff": ([str(GUIDEKIT), "diff", base, small], repo),
        "git diff --stat": (["git", "diff", "--stat", base, small], repo),
        "Typer alone (check's args)": ([sys.executable, str(alone), *FILES], REPO),
    }, args.runs)
    for name, samples in runs.items():
        print(f"  {name:<28} {_ms(samples)}")
    help_cpu = _ratio(runs["guidekit --help"], runs["check-jsonschema --version"], cpu=True)
    check_cpu = _ratio(runs["guidekit check (3 files)"], runs["check-jsonschema (3 files)"], cpu=True)
    diff_wall = _ratio(runs["guidekit diff"], runs["git diff --stat"], cpu=False)
    diff_cpu = _ratio(runs["guidekit diff"], runs["git diff --stat"], cpu=True)
    checks = {
        f"guidekit --help <= 0.5x check-jsonschema --version, cpu ({help_cpu:.2f}x)": help_cpu <= 0.5,
        f"guidekit check of 3 files <= 0.5x check-jsonschema on their front matter, cpu ({check_cpu:.2f}x)":
            check_cpu <= 0.5,
        f"guidekit diff of {args.k} documents <= 25x git diff --stat, wall ({diff_wall:.1f}x; "
        f"cpu {diff_cpu:.1f}x)": diff_wall <= 25,
    }
    typer_cpu = _ratio(runs["Typer alone (check's args)"], runs["check-jsonschema (3 files)"], cpu=True)
    typer_git = _ratio(runs["Typer alone (check's args)"], runs["git diff --stat"], cpu=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"  (reference) Typer alone, a command with check's parameters that does nothing: "
          f"{typer_cpu:.2f}x check-jsonschema's cpu on the 3 files, {typer_git:.1f}x git diff --stat's cpu")
    for name, ok in checks.items():
        print(f"  {'met   ' if ok else 'MISSED'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
