"""YAML in and out.

Loading uses ruamel.yaml's C-accelerated safe loader: it is several times faster
than round-trip loading, and positions are only needed when a finding is
reported. ``locate`` re-composes the node tree (also in C) on demand and walks it
to the node a JSON path names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from guidekit.loading.yamlcompat import Unusual, compose_and_construct, safe_resolver

__all__ = [
    "MAX_DEPTH",
    "AliasBomb",
    "Unusual",
    "YamlProblem",
    "compose",
    "count_expanded",
    "deep_node",
    "load_with_nodes",
    "load_yaml",
    "locate_node",
    "may_be_deep",
    "may_have_aliases",
    "nesting_risk",
    "node_at",
    "refused_shape",
]

# Deeper documents are refused: validating and modelling them recurses, and no
# guidance needs more than a dozen levels.
MAX_DEPTH = 64

# libyaml's composer (C) recurses once per level and overflows the stack (a
# SIGSEGV, not an exception) somewhere past 5,000 levels. A text that might
# nest this deep is loaded by the pure-Python loader instead, whose recursion
# ends in a RecursionError that becomes a finding.
_C_SAFE_DEPTH = 1000
_DEEP_PREFIX = re.compile(rf"^[ \t?:-]{{{_C_SAFE_DEPTH}}}", re.MULTILINE)
# a number this long is never guidance, and Python refuses to turn an int of
# more than 4,300 digits into text (which messages and reports do)
MAX_NUMBER_CHARS = 1000


def nesting_risk(text: str) -> bool:
    """True when ``text`` might nest deeper than the C composer can take.

    Counted in the text before composing: every flow bracket (an upper bound of
    flow nesting) and, for block nesting, the longest run of indentation, dash,
    '?' and ':' starting a line (each block level takes at least one column)."""
    return (text.count("[") + text.count("{") >= _C_SAFE_DEPTH
            or _DEEP_PREFIX.search(text) is not None)


def _construct_timestamp_as_str(loader: Any, node: Any) -> Any:
    # Dates stay the strings the author wrote: schemas check their format, and
    # the model parses them once.
    return loader.construct_scalar(node)


def _construct_int(loader: Any, node: Any) -> Any:
    if isinstance(node.value, str) and len(node.value) > MAX_NUMBER_CHARS:
        raise ConstructorError(None, None, f"number is longer than {MAX_NUMBER_CHARS:,} characters",
                               node.start_mark)
    return SafeConstructor.construct_yaml_int(loader, node)


def _safe_yaml(pure: bool = False) -> YAML:
    y = YAML(typ="safe", pure=pure)
    y.Resolver = safe_resolver()
    y.constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_str)
    y.constructor.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return y


_loader: YAML | None = None


def _load_all(text: str) -> list[Any]:
    # one loader per process (building one costs a quarter of loading a typical
    # document); a loader that stopped half-way is never reused
    global _loader
    if nesting_risk(text):
        return list(_safe_yaml(pure=True).load_all(text))
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


def refused_shape(text: str, data: Any, max_alias_expansion: int,
                  root: Callable[[], Node | None] | None = None) -> YamlProblem | None:
    """The problem with loaded ``data`` that no consumer should walk: aliases that
    expand past the budget (an alias bomb) or nesting deeper than MAX_DEPTH.
    ``root`` gives the composed node tree when the caller already has one."""
    if may_have_aliases(text):
        try:
            count_expanded(data, max_alias_expansion)
        except AliasBomb:
            return YamlProblem(f"YAML aliases expand to more than {max_alias_expansion:,} nodes; "
                               "refusing to read it (alias bomb?)", 0, 0, "alias-expansion")
    if may_be_deep(text):
        deep = deep_node(root() if root is not None else compose(text))
        if deep is not None:
            line, col = _line_col(text, deep.start_mark.index)  # only newlines break lines
            return YamlProblem(f"nesting is deeper than {MAX_DEPTH} levels; refusing to read it",
                               line, col, "too-deep")
    return None


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


def _line_col(text: str, index: int) -> tuple[int, int]:
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1)


def _reader_problem(text: str, err: ReaderError) -> YamlProblem:
    # libyaml counts bytes, the pure reader characters: the first such character
    # in the text is the one the reader stopped at, either way
    char = err.character if isinstance(err.character, int) else None
    index = text.find(chr(char)) if char is not None else -1
    line, col = _line_col(text, index if index >= 0 else 0)
    what = f"character U+{char:04X}" if char is not None else "character"
    return YamlProblem(f"{what} is not allowed in YAML: {err.reason}", line, col)


def _deepest_point(text: str) -> tuple[int, int]:
    """Best guess at where nesting passes MAX_DEPTH: flow brackets counted as written,
    else the line with the longest indentation."""
    depth = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            return _line_col(text, m.start())
    lines = text.split("\n")
    widest = max(range(len(lines)), key=lambda i: len(lines[i]) - len(lines[i].lstrip(" \t?:-")))
    return widest, 0


def _failing_node(text: str) -> Node | None:
    """The first scalar that the constructor refuses on its own (for a position)."""
    y = _safe_yaml(pure=nesting_risk(text))
    try:
        root = y.compose(text)
    except (YAMLError, RecursionError):
        return None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            try:
                y.constructor.construct_object(node, deep=True)
            except Exception:  # whatever it is, this node caused it
                return node
        else:
            stack.extend(reversed(_children(node)))
    return None


def load_yaml(text: str) -> Any:
    """Load one YAML document; raise YamlProblem with a position on any failure.

    Nothing a text holds escapes as another exception: an error raised while
    constructing values (e.g. a KeyError for ``!!bool maybe``) is reported at
    the node that caused it."""
    try:
        docs = _load_all(text)
    except ReaderError as err:
        raise _reader_problem(text, err) from None
    except MarkedYAMLError as err:
        message, line, col, kind = _describe(err)
        raise YamlProblem(message, line, col, kind) from None
    except YAMLError as err:
        raise YamlProblem(str(err).splitlines()[0] if str(err) else "invalid YAML", 0, 0) from None
    except RecursionError:
        line, col = _deepest_point(text)
        raise YamlProblem(f"nesting is deeper than {MAX_DEPTH} levels; refusing to read it",
                          line, col, "too-deep") from None
    except MemoryError:
        raise
    except Exception as err:  # a constructor's error on odd input is the input's
        node = _failing_node(text)
        if node is None:
            raise YamlProblem(f"cannot load a value ({type(err).__name__})", 0, 0, "construct") from None
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
        raise YamlProblem(f"cannot load {value!r} as {tag}", node.start_mark.line,
                          node.start_mark.column, "construct") from None
    if len(docs) > 1:
        raise YamlProblem(
            f"the file holds {len(docs)} YAML documents; guidekit expects one", 0, 0, "multi"
        )
    return docs[0] if docs else None


_LONG_NUMBER = re.compile(rf"[0-9a-fA-F_]{{{MAX_NUMBER_CHARS + 1}}}")
# an explicit tag (``!!bool maybe``) may start any token: the safe loader judges those
_TAG = re.compile(r"(?:^|[\s\[{,:-])!", re.MULTILINE)


def load_with_nodes(text: str) -> tuple[Any, Node]:
    """The data and the composed node tree of one YAML document, from one parse (in C).

    For the usual text, about twice as fast as load_yaml plus compose; anything
    unusual (aliases, custom tags, duplicate or merge keys, syntax errors, deep
    nesting, very long numbers, ruamel internals missing) raises ``Unusual``, and
    the caller takes load_yaml, which reports such problems properly."""
    if may_have_aliases(text):  # the standard loader bounds alias expansion
        raise Unusual("aliases")
    if nesting_risk(text):  # too deep for libyaml's composer: the standard loader copes
        raise Unusual("deep")
    if _LONG_NUMBER.search(text) is not None:  # load_yaml refuses them with a position
        raise Unusual("long number")
    if "!" in text and _TAG.search(text) is not None:
        raise Unusual("explicit tag")
    return compose_and_construct(text)


def compose(text: str) -> Node | None:
    try:
        return _safe_yaml(pure=nesting_risk(text)).compose(text)  # type: ignore[no-any-return]
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


def _contains(node: Node, line: int, col: int) -> bool:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column) <= (line, col) <= (end.line, end.column)


def node_at(root: Node | None, line: int, col: int) -> tuple[tuple[str | int, ...], Node, bool] | None:
    """The innermost scalar at a 0-based position: (its JSON path, the node, whether it is a key).

    The inverse of ``locate_node``, for editors: what the cursor is on."""
    node = root
    path: list[str | int] = []
    while node is not None:
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and _contains(k, line, col):
                    return (*path, k.value), k, True
                if _contains(v, line, col) and isinstance(k, ScalarNode):
                    path.append(k.value)
                    node = v
                    break
            else:
                return None
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                if _contains(item, line, col):
                    path.append(i)
                    node = item
                    break
            else:
                return None
        elif isinstance(node, ScalarNode):
            return tuple(path), node, False
        else:
            return None
    return None
