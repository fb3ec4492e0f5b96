"""A bounded fuzz run (issue 17, acceptance 3).

Seeded mutations of the sample guidance (bytes, lines, brackets, anchors, tags,
control characters, NUL, CR, deep nesting) and generated YAML go through
check, fmt, diff and build, each in a process of its own under a timeout:
never an internal error (exit 3), a crash or a hang, and nothing written
outside the temporary repository (links planted in it point at a folder
that must stay untouched). Rounds run until the time budget is spent, so the
test takes about a minute whatever the machine."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE, git

BUDGET = 50.0  # seconds of rounds; each round runs four commands
CALL_TIMEOUT = 60.0
_SNIPPETS = ["[", "{", "]", "}", "&a ", "*a", "!!bool ", "!!binary ", "!x ", "---\n", "...\n",
             "\x00", "\x01", "\x1b[2J", "\r", "\r\n", "\t", "\ufeff", "\u2028", "'", '"', "\\",
             "- ", ": ", "? ", "|\n", ">-\n", "#", "0x" + "f" * 40, "<script>", "](javascript:x)",
             "https://evil.example/x", "`", "|", "\n\n", " " * 70, "é", "中"]


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        at = rng.randrange(len(chars) + 1)
        if kind < 0.35:
            chars[at:at] = list(rng.choice(_SNIPPETS))
        elif kind < 0.55 and chars:
            del chars[at:at + rng.randint(1, 40)]
        elif kind < 0.7 and chars:
            start = rng.randrange(len(chars))
            chars[at:at] = chars[start:start + rng.randint(1, 200)]
        elif kind < 0.8:
            depth = rng.choice([10, 70, 300, 3000])
            chars[at:at] = list("[" * depth + "]" * depth)
        elif chars:
            chars[rng.randrange(len(chars))] = chr(rng.randrange(0, 0x3000))
    return "".join(chars)


def _generated(rng: random.Random, depth: int = 0) -> str:
    """A random YAML-ish document: mappings, lists, scalars of every kind."""
    def value(d: int) -> str:
        r = rng.random()
        if d > 4 or r < 0.4:
            return rng.choice(["x", "1", "-3.5", "true", "null", "~", "2026-13-45", "'q'", '"a\\tb"',
                               "[]", "{}", "0o17", ".inf", "!!str 5", "yes"])
        if r < 0.7:
            return "[" + ", ".join(value(d + 1) for _ in range(rng.randint(0, 3))) + "]"
        return "{" + ", ".join(f"k{i}: {value(d + 1)}" for i in range(rng.randint(0, 3))) + "}"
    keys = ["id", "title", "kind", "status", "rules", "decision_tree", "outcomes", "steps", "x"]
    return "".join(f"{rng.choice(keys)}: {value(depth)}\n" for _ in range(rng.randint(1, 8)))


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_fuzzed_guidance_never_crashes_hangs_or_writes_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nid: SECRET\n---\nsecret\n", "utf-8")
    before = _tree(outside)
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "sample")
    (repo / "policies" / "leak.md").symlink_to(outside / "secret.md")
    (repo / "site").symlink_to(outside)
    originals = {p: p.read_text("utf-8") for p in sorted(repo.rglob("*"))
                 if p.suffix in (".md", ".yaml") and p.is_file() and not p.is_symlink()
                 and ".git" not in p.parts}
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "TMPDIR": str(tmp_path), "GITHUB_ACTIONS": ""}
    commands = [["check"], ["fmt"], ["diff", "HEAD", "-f", "markdown"],
                ["build", "--force", "-f", "markdown", "--out", str(repo / "out")]]
    started = time.monotonic()
    rounds = 0
    failures: list[str] = []
    while time.monotonic() - started < BUDGET or rounds < 2:
        rng = random.Random(rounds)
        for path, text in originals.items():
            path.write_text(text, "utf-8")
        for path in rng.sample(sorted(originals), k=3):
            mutated = _mutate(originals[path], rng) if rng.random() < 0.8 else _generated(rng)
            path.write_bytes(mutated.encode("utf-8", "surrogatepass"))
        for args in commands:
            try:
                run = subprocess.run([sys.executable, "-m", "guidekit", *args], cwd=repo, env=env,
                                     capture_output=True, text=True, errors="replace",
                                     timeout=CALL_TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                failures.append(f"round {rounds}: {' '.join(args)} hung")
                continue
            if run.returncode not in (0, 1, 2):
                failures.append(f"round {rounds}: {' '.join(args)} exited {run.returncode}: "
                                f"{run.stderr[-500:]}")
        rounds += 1
        assert not failures, failures
    assert _tree(outside) == before
    assert {p.name for p in tmp_path.iterdir()} <= {"cache", "home", "outside", "repo"}
    assert rounds >= 2
