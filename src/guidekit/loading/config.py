"""guidekit.yaml: find it, load it, give every setting a default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidekit.errors import GuidekitError
from guidekit.findings import Severity
from guidekit.loading.root import CONFIG_NAME, find_root
from guidekit.loading.source import DocKind, Limits, LoadProblem, Source, load_bytes, read_guidance

__all__ = ["CONFIG_NAME", "DEFAULT_PATHS", "Config", "config_from_bytes", "find_root", "load_config",
           "read_config"]


DEFAULT_PATHS: dict[str, tuple[str, ...]] = {
    "policies": ("policies/**/*.md", "policies/**/*.yaml"),
    "sops": ("sops/**/*.sop.yaml",),
    "cases": ("sops/**/*.cases.yaml",),
    "taxonomy": ("taxonomy/*.yaml",),
    "pages": (),
    "exclude": (),
}


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    data: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
    # True when a past run of this guidekit validated these very bytes whole, rule settings
    # included (check's memo, guidekit.check.cache.ConfigMemo): no second look is needed
    settled: bool = False

    @property
    def paths(self) -> dict[str, tuple[str, ...]]:
        given = self.data.get("paths") or {}
        return {k: tuple(given.get(k, v)) for k, v in DEFAULT_PATHS.items()}

    @property
    def limits(self) -> Limits:
        given = self.data.get("limits") or {}
        base = Limits()
        return Limits(
            max_file_bytes=int(given.get("max_file_bytes", base.max_file_bytes)),
            max_alias_expansion=int(given.get("max_alias_expansion", base.max_alias_expansion)),
        )

    @property
    def fail_on(self) -> Severity:
        return Severity(self.data.get("fail_on", "error"))

    @property
    def today(self) -> dt.date:
        fixed = self.data.get("today")
        return dt.date.fromisoformat(fixed) if fixed else dt.date.today()

    @property
    def rule_settings(self) -> dict[str, dict[str, Any]]:
        return dict(self.data.get("rules") or {})

    @property
    def handbooks(self) -> list[dict[str, Any]]:
        return list(self.data.get("handbooks") or [])

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.root.name)


def load_config(root: Path) -> Config:
    """Load and validate guidekit.yaml under ``root``; a broken config is a usage error."""
    raw = read_config(root)
    return Config(root=root) if raw is None else config_from_bytes(root, raw)


def read_config(root: Path) -> bytes | LoadProblem | None:
    """The bytes of guidekit.yaml under ``root`` (or what stopped the read); None without one."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return None
    return read_guidance(path, Limits().max_file_bytes)


def config_from_bytes(root: Path, raw: bytes | LoadProblem) -> Config:
    """The configuration in ``raw`` (guidekit.yaml's bytes, as read_config read them), validated."""
    from guidekit.check.schema import schema_findings  # the check layer builds on loading

    path = root / CONFIG_NAME
    src = load_bytes(path, CONFIG_NAME, DocKind.CONFIG, raw)
    if src.problems:
        p = src.problems[0]
        raise GuidekitError(f"{path}:{p.line + 1}:{p.col + 1}: {p.message}")
    findings = list(schema_findings(src))
    if findings:
        lines = [f"{path}:{f.span.line}:{f.span.col}: invalid configuration: {f.message}"
                 + "".join(f" ({n})" for n in f.notes[:1]) for f in findings]
        raise GuidekitError(
            "\n".join(lines),
            hint="see `guidekit schema config` for the configuration format",
        )
    return Config(root=root, data=src.data, source=src)
