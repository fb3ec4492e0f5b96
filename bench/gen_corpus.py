"""Generate a realistic guidance corpus of N policies for benchmarks.

Each policy is a Markdown file with YAML front matter about the size of the
sample guidance (4-6 rules, each with violating and allowed examples, an
exception, regional overrides, a body with Rationale / Definitions / Guidance
notes and links to other policies). The corpus is clean: `guidekit check`
reports nothing, so timings measure checking, not reporting.

    python bench/gen_corpus.py OUT_DIR N [--seed 7] [--yaml-copy DIR]

``--yaml-copy`` also writes each policy's front matter as a plain .yaml file,
which is what a schema-only validator such as check-jsonschema reads.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

__all__ = ["generate", "policy_text"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


_WORDS = _words(
    "account advertiser audience campaign claim content creator creative review reviewer "
    "listing market product promotion post stream comment profile label warning evidence "
    "licence certificate landing page offer price discount payment transfer wallet token "
    "channel video photo caption hashtag sticker filter effect sound overlay link bio "
    "message group event schedule audience target region country adult minor guardian "
    "school product brand logo mascot slogan banner badge badge-holder partner agency"
)
_VERBS = _words(
    "shows promotes offers describes requests depicts encourages links to sells targets "
    "mentions displays advertises invites"
)
_KINDS = ("ads", "community", "live", "commerce")
_SURFACES = ("feed", "live", "comments", "ads", "shop", "profile")
_MARKETS = ("US", "BR", "DE", "FR", "ID", "GB", "JP", "IN")
_CATEGORIES = ("scams_fraud", "gambling", "alcohol", "harassment", "dangerous_acts",
               "minor_safety", "regulated_goods", "misinformation")
_ACTIONS = ("label", "not_recommended", "age_restrict", "ad_restrict", "ad_disapprove",
            "remove", "account_suspend")
_SEVERITIES = ("low", "medium", "high")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    words.insert(rng.randrange(1, n), rng.choice(_VERBS))
    return " ".join(words).capitalize() + "."


def _para(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(sentences))


def _wrap(text: str, indent: str, width: int = 72) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(indent + line)
    return "\n".join(lines)


def _pid(i: int) -> str:
    return f"P{i:05d}"


def _path(i: int) -> str:
    return f"policies/{_KINDS[i % len(_KINDS)]}/p{i:05d}.md"


def policy_text(i: int, n: int, rng: random.Random) -> tuple[str, str]:
    """(front matter YAML, whole Markdown file) of policy number ``i`` of ``n``."""
    pid = _pid(i)
    kind = _KINDS[i % len(_KINDS)]
    fm: list[str] = [
        f"id: {pid}",
        f"title: Generated policy {i} on {rng.choice(_WORDS)} {rng.choice(_WORDS)}",
        f"summary: {_sentence(rng, 14)}",
        f"kind: {kind}",
        "status: active",
        f"version: {rng.randint(1, 9)}",
        f"effective: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"review_by: 2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"owners: [team-{i % 40:02d}]",
        f"surfaces: [{', '.join(sorted(rng.sample(_SURFACES, 2)))}]",
        f"categories: [{rng.choice(_CATEGORIES)}]",
        f"tags: [generated, batch-{i % 10}]",
        "rules:",
    ]
    rule_ids = []
    for r in range(rng.randint(4, 6)):
        rid = f"{pid}-{r + 1}.a"
        rule_ids.append(rid)
        fm += [
            f"  - id: {rid}",
            f"    title: {rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)} rule",
            "    text: >-",
            _wrap(_para(rng, 3), "      "),
            f"    action: {rng.choice(_ACTIONS)}",
            f"    severity: {rng.choice(_SEVERITIES)}",
            "    examples:",
            "      violating:",
        ]
        for v in range(rng.randint(2, 3)):
            fm += [f"        - id: v{v + 1}", f'          text: "{_sentence(rng, 16)}"']
            if rng.random() < 0.5:
                fm.append(f"          note: {_sentence(rng, 10)}")
        fm.append("      allowed:")
        for a in range(rng.randint(1, 2)):
            fm += [f"        - id: a{a + 1}", f'          text: "{_sentence(rng, 16)}"']
            if rng.random() < 0.5:
                fm.append(f"          note: {_sentence(rng, 10)}")
    fm += [
        "exceptions:",
        "  - id: public-interest",
        "    title: Public-interest reporting",
        "    text: >-",
        _wrap(_para(rng, 2), "      "),
        f"    rules: [{rule_ids[0]}]",
        "regional_overrides:",
    ]
    for market in rng.sample(_MARKETS, 2):
        fm += [
            f"  - market: {market}",
            f"    rule: {rng.choice(rule_ids)}",
            "    action: remove",
            f"    note: {_sentence(rng, 12)}",
        ]
    others = sorted({rng.randrange(n) for _ in range(2)} - {i}) if n > 1 else []
    if others:
        fm.append(f"related: [{', '.join(_pid(o) for o in others)}]")
    yaml_text = "\n".join(fm) + "\n"
    here = Path(_path(i)).parent
    links = []
    for o in others:
        rel = Path(_path(o))
        target = rel.name if rel.parent == here else f"../{rel.parent.name}/{rel.name}"
        links.append(f"[{_pid(o)}]({target}#definitions)")
    body = "\n".join([
        "## Rationale",
        "",
        _wrap(_para(rng, 5), ""),
        "",
        _wrap(_para(rng, 4), ""),
        "",
        "## Definitions",
        "",
        *(f"- **{rng.choice(_WORDS).capitalize()}**: {_sentence(rng, 12)}" for _ in range(4)),
        "",
        "## Guidance notes",
        "",
        _wrap(_para(rng, 5), ""),
        "",
        _wrap(_para(rng, 3) + (" See also " + " and ".join(links) + "." if links else ""), ""),
        "",
    ])
    return yaml_text, f"---\n{yaml_text}---\n\n{body}"


_CONFIG = """\
guidekit: 1
name: Generated benchmark corpus
today: "2026-06-01"
"""

_TAXONOMY = {
    "actions": [
        ("no_action", 0, "none"), ("label", 10, "content"), ("not_recommended", 20, "content"),
        ("age_restrict", 30, "content"), ("ad_restrict", 40, "ad"), ("ad_disapprove", 50, "ad"),
        ("remove", 60, "content"), ("account_suspend", 80, "account"),
    ],
}


def _taxonomy_files() -> dict[str, str]:
    actions = "taxonomy: actions\nitems:\n" + "".join(
        f"  - {{id: {a}, title: {a.replace('_', ' ').capitalize()}, rank: {r}, scope: {s}}}\n"
        for a, r, s in _TAXONOMY["actions"]
    )
    severities = "taxonomy: severities\nitems:\n" + "".join(
        f"  - {{id: {s}, title: {s.capitalize()}, rank: {i}}}\n"
        for i, s in enumerate(("none", *_SEVERITIES))
    )
    markets = "taxonomy: markets\nitems:\n" + "".join(
        f"  - {{id: {m}, title: Market {m}}}\n" for m in _MARKETS
    )
    surfaces = "taxonomy: surfaces\nitems:\n" + "".join(
        f"  - {{id: {s}, title: {s.capitalize()}}}\n" for s in _SURFACES
    )
    categories = "taxonomy: categories\nitems:\n" + "".join(
        f"  - {{id: {c}, title: {c.replace('_', ' ').capitalize()}, "
        "dsa_category: STATEMENT_CATEGORY_OTHER_VIOLATION_TC}\n"
        for c in _CATEGORIES
    )
    return {
        "taxonomy/actions.yaml": actions,
        "taxonomy/severities.yaml": severities,
        "taxonomy/markets.yaml": markets,
        "taxonomy/surfaces.yaml": surfaces,
        "taxonomy/categories.yaml": categories,
    }


def generate(out: Path, n: int, *, seed: int = 7, yaml_copy: Path | None = None) -> list[Path]:
    """Write the corpus under ``out``; return the policy files written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "guidekit.yaml").write_text(_CONFIG, encoding="utf-8")
    for rel, text in _taxonomy_files().items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    written = []
    for i in range(n):
        yaml_text, md = policy_text(i, n, rng)
        path = out / _path(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(md, encoding="utf-8")
        written.append(path)
        if yaml_copy is not None:
            yaml_copy.mkdir(parents=True, exist_ok=True)
            (yaml_copy / f"p{i:05d}.yaml").write_text(yaml_text, encoding="utf-8")
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--yaml-copy", type=Path)
    args = ap.parse_args()
    generate(args.out, args.n, seed=args.seed, yaml_copy=args.yaml_copy)


if __name__ == "__main__":
    main()


def peer_tool(folder: Path, package: str, command: str, extra: tuple[str, ...] = ()) -> Path:
    """The peer tool's executable, from a bench-only venv in ``folder`` (made on first use),
    so the peer never enters guidekit's own environment. ``extra`` packages are installed
    beside it (e.g. ``ruamel.yaml.clib``); each set of packages has its own venv."""
    venv = folder / f"{'+'.join((package, *extra))}-venv"  # one venv per set of packages
    exe = venv / "bin" / command
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", package, *extra], check=True)
    return exe


def timed_env(**extra: str) -> dict[str, str]:
    """The environment of a timed process: this one's, less PYTHONDONTWRITEBYTECODE (set in some
    shells and sandboxes, it makes every timed Python process, guidekit's and the peers', compile
    its modules again: an installed tool has its byte code), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env
