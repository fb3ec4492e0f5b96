"""YAML in and out.

Loading uses ruamel.yaml's C-accelerated safe loader: it is several times faster
than round-trip loading, and positions are only needed when a finding is
reported. ``locate`` re-composes the node tree (also in C) on demand and walks it
to the node a JSON path names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guidekit.loading.yamlcompat import safe_resolver

__all__ = [
    "MAX_DEPTH",
    "AliasBomb",
    "YamlProblem",
    "compose",
    "count_expanded",
    "deep_node",
    "load_yaml",
    "locate_node",
    "may_be_deep",
    "may_have_aliases",
]

# Deeper documents are refused: validating and modelling them recurses, and no
# guidance needs more than a dozen levels.
MAX_DEPTH = 64


def _construct_timestamp_as_str(loader: Any, node: Any) -> Any:
    # Dates stay the strings the author wrote: schemas check their format, and
    # the model parses them once.
    return loader.construct_scalar(node)


def _safe_yaml() -> YAML:
    y = YAML(typ="safe")
    y.Resolver = safe_resolver()
    y.constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_str)
    return y


_loader: YAML | None = None


def _load_all(text: str) -> list[Any]:
    # one loader per process (building one costs a quarter of loading a typical
    # document); a loader that stopped half-way is never reused
    global _loader
    y = _loader or _safe_yaml()
    _loader = None
    docs = list(y.load_all(text))
    _loader = y
    return docs


class YamlProblem(Exception):
    """A YAML text that cannot be loaded; line and col are 0-based."""

    def __init__(self, message: str, line: int, col: int, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.kind = kind


class AliasBomb(Exception):
    pass


_ALIAS_RE = re.compile(r"(?:^|[\s\[\]{},:-])\*[^\s\[\]{},]")


def may_have_aliases(text: str) -> bool:
    return "&" in text and _ALIAS_RE.search(text) is not None


def count_expanded(data: Any, budget: int) -> int:
    """Count nodes as a consumer would see them (aliases expanded); stop past budget."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > budget:
            raise AliasBomb
        if isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def may_be_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """A cheap test that is True for every text nested deeper than ``limit``.

    A level costs a flow bracket or at least one column of block indentation per
    two levels; aliases can stack levels without either, so they always count.
    """
    flow = text.count("[") + text.count("{")
    if flow + 2 >= limit or may_have_aliases(text):
        return True
    indent = (limit - flow - 2) // 2
    return re.search(rf"^[ \t?:-]{{{indent}}}", text, re.MULTILINE) is not None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def deep_node(root: Node | None, limit: int = MAX_DEPTH) -> Node | None:
    """The first node nested more than ``limit`` levels deep (aliases followed), or None.

    Iterative, so it works on documents too deep for anything recursive.
    """
    if root is None:
        return None
    height: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            height[id(node)] = 1 + max((height.get(id(k), 0) for k in _children(node)), default=0)
        elif id(node) not in height:
            stack.append((node, True))
            stack.extend((k, False) for k in _children(node) if id(k) not in height)
    if height[id(root)] <= limit:
        return None
    node = root
    for _ in range(limit):
        node = max(_children(node), key=lambda k: height.get(id(k), 0))
    return node


def _describe(err: MarkedYAMLError) -> tuple[str, int, int, str]:
    mark = err.problem_mark or err.context_mark
    line, col = (mark.line, mark.column) if mark is not None else (0, 0)
    problem = (err.problem or "").strip()
    context = (err.context or "").strip()
    kind = "syntax"
    if type(err).__name__ == "DuplicateKeyError":
        kind = "duplicate-key"
        problem = problem.split(" with value")[0]
    elif type(err).__name__.startswith("Constructor"):
        kind = "construct"
    message = problem or context or str(err).splitlines()[0]
    if context and problem and kind == "syntax":
        message = f"{problem} ({context})"
    return message, line, col, kind


def load_yaml(text: str) -> Any:
    """Load one YAML document; raise YamlProblem with a position on any failure."""
    try:
        docs = _load_all(text)
    except MarkedYAMLError as err:
        message, line, col, kind = _describe(err)
        raise YamlProblem(message, line, col, kind) from None
    except YAMLError as err:
        raise YamlProblem(str(err).splitlines()[0] if str(err) else "invalid YAML", 0, 0) from None
    except RecursionError:
        raise YamlProblem("nesting is too deep to load", 0, 0, "too-deep") from None
    except (ValueError, TypeError, OverflowError) as err:
        raise YamlProblem(f"cannot load value: {err}", 0, 0, "construct") from None
    if len(docs) > 1:
        raise YamlProblem(
            f"the file holds {len(docs)} YAML documents; guidekit expects one", 0, 0, "multi"
        )
    return docs[0] if docs else None


def compose(text: str) -> Node | None:
    try:
        return _safe_yaml().compose(text)  # type: ignore[no-any-return]
    except (YAMLError, RecursionError):
        return None


def locate_node(root: Node | None, path: Sequence[str | int]) -> tuple[Node | None, Node | None]:
    """Walk ``path`` from ``root``; return (deepest node reached, key node of the last step)."""
    node = root
    key_node: Node | None = None
    for step in path:
        if isinstance(node, MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == str(step):
                    found = (k, v)
                    break
            if found is None:
                return node, key_node
            key_node, node = found
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            if step >= len(node.value):
                return node, key_node
            key_node, node = None, node.value[step]
        else:
            return node, key_node
    return node, key_node
