"""Which files a check loads and which it reports on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guidekit.check.analyze import loader_finding
from guidekit.errors import GuidekitError
from guidekit.findings import Finding, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import DocKind

__all__ = ["Plan", "make_plan", "rel_to"]


def _sniff_kind(path: Path) -> DocKind | None:
    if path.suffix.lower() in (".md", ".markdown"):
        return DocKind.POLICY
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return None
    keys = {line.split(":", 1)[0] for line in head.splitlines() if line and line[0].isalpha()}
    if "taxonomy" in keys:
        return DocKind.TAXONOMY
    if "decision_tree" in keys:
        return DocKind.SOP
    if "sop" in keys and "cases" in keys:
        return DocKind.CASES
    if "rules" in keys or "kind" in keys:
        return DocKind.POLICY
    return None


def rel_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class Plan:
    items: list[Discovered]
    extra_findings: list[Finding]
    wanted: Callable[[str], bool]
    # when set, only these files are loaded (a partial corpus, see changes.py)
    load_only: set[str] | None = None
    notes: list[str] = field(default_factory=list)


def make_plan(config: Config, paths: Sequence[Path]) -> Plan:
    root = config.root.resolve()
    items = discover(config)
    known = {d.rel for d in items}
    extra: list[Finding] = []
    prefixes: list[str] = []
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise GuidekitError(f"no such file or folder: {p}")
        rel = rel_to(p, root)
        if p.resolve() == root:
            prefixes = []
            break
        if p.is_dir():
            prefixes.append(rel.rstrip("/") + "/")
            continue
        prefixes.append(rel)
        if rel not in known and p.name != "guidekit.yaml":
            kind = _sniff_kind(p)
            if kind is None:
                extra.append(loader_finding(
                    "unknown-kind",
                    "not a guidance document (policy, SOP, case file or taxonomy); skipped",
                    SourceSpan(rel)))
            else:
                items.append(Discovered(p, rel, kind))

    def wanted(rel: str) -> bool:
        return not prefixes or any(rel == x or rel.startswith(x) for x in prefixes)

    return Plan(items, extra, wanted)
