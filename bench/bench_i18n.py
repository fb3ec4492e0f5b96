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
   CI job), cached (a cache folder filled beforehand, nothing changed since)
   and cached with one policy edited (a new word in its summary each run: what
   a pull request's CI job meets with the cache of main restored).

Reports medians of wall time and of per-round ratios (the shared machine's
speed drifts; a ratio within one round does not), with the load average.

    python bench/bench_i18n.py [--n 500] [--locales 10] [--rounds 3] [--out bench/out/i18n]

Targets (issue 12): update <= 2x msgmerge; check with 10 locales <= 2x check
without (judged for each of the three ways). Prints each figure with its
target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--locales", type=int, default=10, choices=range(1, len(_LOCALES) + 1))
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (at least 3)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "i18n")
    args = ap.parse_args()
    locales = _LOCALES[: args.locales]

    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    root, plain, saved, merged = out / "corpus", out / "plain", out / "catalogs-before", out / "msgmerge"
    print(f"generating {args.n} policies, {len(locales)} locales ...", flush=True)
    policies = generate(root, args.n)
    with (root / "guidekit.yaml").open("a", encoding="utf-8") as f:
        f.write(_config(locales))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "corpus")
    measure([str(GUIDEKIT), "i18n", "init", "--root", str(root)], cwd=root)
    folder = root / "translations"
    for loc in locales:
        po = polib.pofile(str(folder / loc / "guidance.po"))
        for e in po:
            e.msgstr = f"[{loc}] {e.msgid}"
        po.save()
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
    units = sum(1 for _ in polib.pofile(str(pot)))
    print(f"{args.n} policies, {units} units, {len(locales)} locales, {len(policies[::20])} policies changed",
          flush=True)

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
    edits = 0

    def prepare(tree: Path | None) -> None:
        nonlocal edits
        shutil.rmtree(folder)
        shutil.copytree(saved, folder)
        for t in (root, plain):
            text = original
            if t == tree:
                edits += 1
                text = original.replace("\nsummary: ", f"\nsummary: Edit {edits}. ", 1)
            (t / edited).write_text(text, encoding="utf-8")

    order = list(cmds)
    print(f"filling the caches (not timed): {', '.join(str(c) for c in caches.values())}", flush=True)
    for name in (f"check, {n} locales, cached", "check, no translations, cached"):
        prepare(None)
        measure(cmds[name][0], cwd=root, ok=cmds[name][1])
    runs: dict[str, list[float]] = {k: [] for k in order}
    print(f"load average {_load()}; {args.rounds} interleaved rounds, order rotating", flush=True)
    for r in range(args.rounds):
        for name in order[r % len(order):] + order[:r % len(order)]:
            cmd, ok, tree = cmds[name]
            prepare(tree)
            wall = measure(cmd, cwd=root, ok=ok)[0]
            runs[name].append(wall)
            print(f"  round {r + 1}: {name:<36} {wall:8.2f} s wall   load {_load()}", flush=True)
    prepare(None)

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(runs[a], runs[b], strict=True))

    print(f"\nmedians ({args.n} policies, {units} units, {len(locales)} locales; load average now {_load()}):")
    for name in order:
        print(f"  {name:<36} {statistics.median(runs[name]):8.2f} s wall")
    update = ratio("guidekit i18n update", "msgmerge, per locale")
    targets = {f"i18n update {update:.2f}x msgmerge (target <= 2x)": update <= 2}
    for run, what in (("cold", "no cache, as a fresh CI job"), ("cached", "cache kept, nothing changed"),
                      ("1 edited", "cache kept, one policy edited")):
        check = ratio(f"check, {n} locales, {run}", f"check, no translations, {run}")
        targets[f"check with {n} locales {check:.2f}x check without, {what} (target <= 2x)"] = check <= 2
    print(f"\ntargets (medians of per-round ratios; load average {_load()}):")
    for name, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
