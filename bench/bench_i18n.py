"""Benchmark: `guidekit i18n update` against GNU msgmerge, and `check` with 10 locales against without.

Generates N policies (bench/gen_corpus.py), configures 10 locales, writes their
catalogs with `guidekit i18n init` and fills every entry with a translation
(polib), commits, then changes every 20th policy (one rule's action becomes
account_suspend: stricter; one word of another rule's text: editorial) and
commits again. Then, in R interleaved rounds whose order rotates, each command a
separate process, the 10 catalogs restored to their pre-change state before
each run:

1. ``guidekit i18n update`` (all 10 locales: extraction of the units at head,
   the diff engine's impact of each change since the catalogs' revision, merge,
   10 catalogs written);
2. GNU gettext ``msgmerge --quiet -o OUT old.po new.pot`` per locale (10
   processes in a row), on the same catalogs, with the template at head
   written once beforehand by ``guidekit i18n extract`` (not timed: msgmerge's
   figure leaves extraction out, guidekit's includes it);
3. ``guidekit check`` on the corpus with its 10 catalogs and on a copy of the
   corpus without translations, three ways each: cold (``--no-cache``, a fresh
   CI job), cached (a cache folder filled beforehand and restored before each
   run, nothing changed since) and cached with one policy edited (a new word in
   its summary each run: what a pull request's CI job meets with the cache of
   main restored).

Reports medians of wall time and of per-round ratios (the shared machine's
speed drifts; a ratio within one round does not), with the load average.

    python bench/bench_i18n.py [--n 500] [--locales 10] [--rounds 3] [--only all|update|check|check-cached]
                               [--reuse] [--out bench/out/i18n]

At the issue's size (``--n 10000``: 567,000 units, 10 catalogs of about 250 MB)
the setup alone takes a long time: ``--reuse`` keeps the corpus of an earlier
run, ``--only`` times part of the comparisons.

Targets (issue 12): update <= 2x msgmerge; check with 10 locales <= 2x check
without (judged for each of the three ways). Prints each figure with its
target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

import polib
from bench_check import GUIDEKIT, _git, _load, measure
from gen_corpus import generate

REPO = Path(__file__).resolve().parents[1]
_LOCALES = ("pt-BR", "de", "fr", "id", "es", "it", "ja", "ko", "zh-Hans", "tr")


def _config(locales: tuple[str, ...]) -> str:
    return f"translations:\n  locales: [{', '.join(locales)}]\n  required: []\n"


def change(policy: Path) -> None:
    """One rule's action becomes account_suspend (stricter), one word of a later rule's text changes."""
    text = policy.read_text("utf-8")
    text = re.sub(r"(\n    action: )\w+", r"\1account_suspend", text, count=1)
    parts = text.split("\n    text: >-\n", 2)
    if len(parts) == 3:
        parts[2] = re.sub(r"\b(\w{5,})\b", r"\1s", parts[2], count=1)
        text = "\n    text: >-\n".join(parts)
    policy.write_text(text, encoding="utf-8")


def _fill(catalog: Path, locale: str) -> None:
    """Give every entry of a catalog ``init`` wrote a translation (polib: what a translator's tool does)."""
    po = polib.pofile(str(catalog))
    for e in po:
        e.msgstr = f"[{locale}] {e.msgid}"
    po.save()


def setup(out: Path, n: int, locales: tuple[str, ...], *, reuse: bool) -> tuple[list[Path], int]:
    """The corpus with its catalogs (``out/corpus``), the catalogs before the changes, the
    template at head and the copy without translations; (the policies, the units).
    ``reuse``: keep what an earlier run with the same size and locales made."""
    root, plain, saved = out / "corpus", out / "plain", out / "catalogs-before"
    marker = out / "made.txt"
    made = f"{n} {' '.join(locales)}\n"
    policies = sorted((root / "policies").rglob("*.md")) if reuse else []
    if reuse and marker.is_file() and marker.read_text("utf-8") == made and len(policies) == n:
        print(f"reusing {out} ({n} policies, {len(locales)} locales)", flush=True)
        return policies, int((out / "units.txt").read_text("utf-8"))
    shutil.rmtree(out, ignore_errors=True)
    print(f"generating {n} policies, {len(locales)} locales ...", flush=True)
    policies = generate(root, n)
    with (root / "guidekit.yaml").open("a", encoding="utf-8") as f:
        f.write(_config(locales))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "corpus")
    measure([str(GUIDEKIT), "i18n", "init", "--root", str(root)], cwd=root)
    folder = root / "translations"
    for loc in locales:
        _fill(folder / loc / "guidance.po", loc)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "translations")
    shutil.copytree(folder, saved)
    for p in policies[::20]:
        change(p)
    _git(root, "commit", "-q", "-am", "changes")
    pot = out / "guidance.pot"
    measure([str(GUIDEKIT), "i18n", "extract", "--root", str(root), "--output", str(pot)], cwd=root)
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git", "translations"))
    cfg = plain / "guidekit.yaml"
    cfg.write_text(cfg.read_text("utf-8").replace(_config(locales), ""), encoding="utf-8")
    units = sum(1 for line in pot.open(encoding="utf-8") if line.startswith("msgctxt "))
    (out / "units.txt").write_text(f"{units}\n", encoding="utf-8")
    marker.write_text(made, encoding="utf-8")
    return policies, units


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="policies (the issue's size: 10000)")
    ap.add_argument("--locales", type=int, default=10, choices=range(1, len(_LOCALES) + 1))
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (at least 3)")
    ap.add_argument("--only", choices=("all", "update", "check", "check-cached"), default="all",
                    help="time only i18n update against msgmerge, only check (three ways) or only the "
                         "two cached ways of check (the cold runs at 10,000 policies take many minutes each)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the corpus and catalogs an earlier run with the same --n and --locales made")
    ap.add_argument("--setup-only", action="store_true", help="make the corpus and catalogs, time nothing")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "i18n")
    args = ap.parse_args()
    locales = _LOCALES[: args.locales]

    # the byte code of guidekit's modules, as an installed package has it (a shell with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every timed run)
    compileall.compile_dir(REPO / "src" / "guidekit", quiet=1)
    out: Path = args.out
    root, plain, saved, merged = out / "corpus", out / "plain", out / "catalogs-before", out / "msgmerge"
    policies, units = setup(out, args.n, locales, reuse=args.reuse)
    folder, pot = root / "translations", out / "guidance.pot"
    print(f"{args.n} policies, {units} units, {len(locales)} locales, {len(policies[::20])} policies changed",
          flush=True)
    if args.setup_only:
        return 0

    shutil.rmtree(merged, ignore_errors=True)
    merged.mkdir()
    loop = "; ".join(f"msgmerge --quiet -o {merged / loc}.po {saved / loc / 'guidance.po'} {pot}"
                     for loc in locales)
    # the policy a pull request edits in the "one policy edited" runs (a new word in its summary
    # each time, so the cache has never seen it); restored before every other run
    edited = policies[len(policies) // 2].relative_to(root)
    original = (root / edited).read_text("utf-8")
    caches = {root: out / "cache-corpus", plain: out / "cache-plain"}
    n = len(locales)

    def check(tree: Path, *, cached: bool) -> list[str]:
        cache = ["--cache-dir", str(caches[tree])] if cached else ["--no-cache"]
        return [str(GUIDEKIT), "check", str(tree), "--format", "json", *cache]

    cmds: dict[str, tuple[list[str], tuple[int, ...], Path | None]] = {
        "guidekit i18n update": ([str(GUIDEKIT), "i18n", "update", "--root", str(root)], (0,), None),
        "msgmerge, per locale": (["sh", "-ec", loop], (0,), None),
        f"check, {n} locales, cold": (check(root, cached=False), (0, 1), None),
        "check, no translations, cold": (check(plain, cached=False), (0, 1), None),
        f"check, {n} locales, cached": (check(root, cached=True), (0, 1), None),
        "check, no translations, cached": (check(plain, cached=True), (0, 1), None),
        f"check, {n} locales, 1 edited": (check(root, cached=True), (0, 1), root),
        "check, no translations, 1 edited": (check(plain, cached=True), (0, 1), plain),
    }
    ways = {"all": ("cold", "cached", "1 edited"), "update": (), "check": ("cold", "cached", "1 edited"),
            "check-cached": ("cached", "1 edited")}[args.only]
    cmds = {k: v for k, v in cmds.items() if (args.only in ("all", "update") and not k.startswith("check"))
            or (k.startswith("check") and k.rsplit(", ", 1)[1] in ways)}
    edits = 0

    def prepare(tree: Path | None, *, cached: bool = False) -> None:
        nonlocal edits
        shutil.rmtree(folder)
        shutil.copytree(saved, folder)
        for t in (root, plain):
            text = original
            if t == tree:
                edits += 1
                text = original.replace("\nsummary: ", f"\nsummary: Edit {edits}. ", 1)
            (t / edited).write_text(text, encoding="utf-8")
        if cached:  # the cache as filled before the rounds (main's cache, restored in a CI job)
            for cache in caches.values():
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(filled / cache.name, cache)
        os.sync()  # what was just written goes to disk now, not during the timed run

    order = list(cmds)
    print(f"filling the caches (not timed): {', '.join(str(c) for c in caches.values())}", flush=True)
    filled = out / "caches-filled"
    shutil.rmtree(filled, ignore_errors=True)
    for name in (f"check, {n} locales, cached", "check, no translations, cached"):
        if name not in cmds:
            continue
        prepare(None)
        cache = caches[root if name.startswith(f"check, {n} locales") else plain]
        shutil.rmtree(cache, ignore_errors=True)
        measure(cmds[name][0], cwd=root, ok=cmds[name][1])
        shutil.copytree(cache, filled / cache.name)
    runs: dict[str, list[float]] = {k: [] for k in order}
    cpus: dict[str, list[float]] = {k: [] for k in order}  # of the process and its children
    print(f"load average {_load()}; {args.rounds} interleaved rounds, order rotating", flush=True)
    for r in range(args.rounds):
        for name in order[r % len(order):] + order[:r % len(order)]:
            cmd, ok, tree = cmds[name]
            prepare(tree, cached="--cache-dir" in cmd)
            wall, cpu, _peak = measure(cmd, cwd=root, ok=ok)
            runs[name].append(wall)
            cpus[name].append(cpu)
            print(f"  round {r + 1}: {name:<36} {wall:8.2f} s wall {cpu:8.2f} s CPU   load {_load()}", flush=True)
    prepare(None)

    def ratio(a: str, b: str, of: dict[str, list[float]] = runs) -> float:
        return statistics.median(x / y for x, y in zip(of[a], of[b], strict=True))

    def rounds(a: str, b: str) -> str:
        return ", ".join(f"{x / y:.2f}" for x, y in zip(runs[a], runs[b], strict=True))

    print(f"\nmedians ({args.n} policies, {units} units, {len(locales)} locales; load average now {_load()}):")
    for name in order:
        print(f"  {name:<36} {statistics.median(runs[name]):8.2f} s wall {statistics.median(cpus[name]):8.2f} s CPU")
    targets = {}
    if "msgmerge, per locale" in cmds:
        a, b = "guidekit i18n update", "msgmerge, per locale"
        update = ratio(a, b)
        targets[f"i18n update {update:.2f}x msgmerge (target <= 2x); per round {rounds(a, b)}, "
                f"CPU {ratio(a, b, cpus):.2f}x"] = update <= 2
    for run, what in (("cold", "no cache, as a fresh CI job"), ("cached", "cache kept, nothing changed"),
                      ("1 edited", "cache kept, one policy edited")):
        if run not in ways:
            continue
        a, b = f"check, {n} locales, {run}", f"check, no translations, {run}"
        check = ratio(a, b)
        targets[f"check with {n} locales {check:.2f}x check without, {what} (target <= 2x); "
                f"per round {rounds(a, b)}, CPU {ratio(a, b, cpus):.2f}x"] = check <= 2
    print(f"\ntargets (medians of per-round ratios; load average {_load()}):")
    for name, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
