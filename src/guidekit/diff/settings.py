"""The two settings a diff reads from guidekit.yaml: which paths hold which kind of
document, and the loader limits.

A diff does not need the rest of the configuration, and should not fail on it:
`guidekit check` validates the whole file. What is read here is checked just
enough that a wrong type is a clear error (file:line:col), not a crash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guidekit.diff.fastyaml import Unusual, load_with_nodes
from guidekit.errors import GuidekitError
from guidekit.loading.config import CONFIG_NAME, DEFAULT_PATHS, Config
from guidekit.loading.yamlio import YamlProblem, load_yaml, locate_node

__all__ = ["diff_config", "taxonomy_folders"]

_HINT = "run `guidekit check` for every problem in guidekit.yaml"


def diff_config(root: Path) -> tuple[Config, bool]:
    """The configuration under ``root`` and whether a guidekit.yaml exists there."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root), False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GuidekitError(f"{path}: cannot read: {err}") from None
    node = None
    try:
        data, node = load_with_nodes(text)
    except Unusual:
        try:
            data = load_yaml(text)
        except YamlProblem as p:
            raise GuidekitError(f"{path}:{p.line + 1}:{p.col + 1}: {p.message}", hint=_HINT) from None
    if data is None:
        return Config(root=root), True
    if not isinstance(data, dict):
        raise GuidekitError(f"{path}:1:1: guidekit.yaml must be a mapping", hint=_HINT)

    def fail(where: tuple[str | int, ...], what: str) -> None:
        found, _key = locate_node(node, where)
        line, col = (found.start_mark.line + 1, found.start_mark.column + 1) if found is not None else (1, 1)
        raise GuidekitError(f"{path}:{line}:{col}: {what}", hint=_HINT)

    paths: Any = data.get("paths") or {}
    if not isinstance(paths, dict):
        fail(("paths",), "paths must be a mapping of kinds to lists of globs")
    for key, globs in paths.items():
        if key in DEFAULT_PATHS and (not isinstance(globs, list) or not all(isinstance(g, str) for g in globs)):
            fail(("paths", key), f"paths.{key} must be a list of glob strings")
    limits: Any = data.get("limits") or {}
    if not isinstance(limits, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                               for v in limits.values()):
        fail(("limits",), "limits must map names to whole numbers")
    return Config(root=root, data=data), True


def taxonomy_folders(config: Config, prefix: str) -> list[str]:
    """Where the taxonomy files lie, as folders below the top of the work tree (``prefix``:
    the guidance root's path there); [] for everywhere. What `git ls-tree` lists for ranks."""
    dirs = sorted({_literal_dir(g) for g in config.paths["taxonomy"]})
    if not any(dirs) and not prefix:
        return []
    return [(f"{prefix}/{d}" if prefix else d) if d else prefix for d in dirs]


def _literal_dir(glob: str) -> str:
    """The folder part of a glob before its first wildcard ('' for the root)."""
    parts = []
    for part in glob.split("/")[:-1]:
        if any(ch in part for ch in "*?["):
            break
        parts.append(part)
    return "/".join(parts)
