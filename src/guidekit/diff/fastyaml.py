"""One pass over a YAML text for both its data and its positions.

A diff needs the data of every changed document and the line of every change
in it. The safe loader gives data without positions, so locating a change
means composing the text a second time; here the node tree is composed once
(in C) and turned into plain data by a small constructor that knows the
scalars guidance uses. Anything unusual (aliases, custom tags, duplicate or
merge keys, syntax errors) raises ``Unusual``, and the caller takes the standard
loader, which reports such problems properly.
"""

from __future__ import annotations

import math
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from guidekit.loading.yamlio import may_have_aliases

try:  # libyaml's parser, from ruamel.yaml.clib (a dependency; absent only in odd installs)
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover
    CParser = None

__all__ = ["Unusual", "load_with_nodes"]

_P = "tag:yaml.org,2002:"


class Unusual(Exception):
    """The text needs the standard loader."""


# a plain scalar can only be typed (number, bool, null, date, ...) if it starts with one of these
_MAYBE_TYPED = frozenset("0123456789+-.~<=nNtTfFyYoO")
_STR_TAG = Tag(suffix=_P + "str")
_SEQ_TAG = Tag(suffix=_P + "seq")
_MAP_TAG = Tag(suffix=_P + "map")
_IMPLICIT: dict[str | None, list[tuple[str, Any]]] = {}  # YAML 1.2 implicit patterns by first character


class _Resolver(VersionedResolver):
    """ruamel's YAML 1.2 implicit typing, with the patterns looked up once per process
    (ruamel rebuilds them for every document) and a shortcut for quoted scalars and
    plain ones that start with a letter no typed value starts with."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if not implicit[0] or (value and value[0] not in _MAYBE_TYPED):
                return _STR_TAG
            table = _IMPLICIT or _implicit(self)
            for tag, regexp in (*table.get(value[0] if value else "", ()), *table.get(None, ())):
                if regexp.match(value):
                    return Tag(suffix=tag)
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    # the composer calls these two around every node to track path resolvers, which
    # resolve() above never reads
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    @property
    def processing_version(self) -> Any:
        return (1, 2)


def _implicit(resolver: VersionedResolver) -> dict[str | None, list[tuple[str, Any]]]:
    table = VersionedResolver.versioned_resolver.fget(resolver)  # type: ignore[attr-defined]
    # ruamel wraps each pattern in a LazyEval proxy that forwards every attribute
    # lookup (each .match) through Python code; keep the compiled patterns themselves
    _IMPLICIT.update({first: [(tag, _compiled(rx)) for tag, rx in pairs] for first, pairs in table.items()})
    return _IMPLICIT


def _compiled(regexp: Any) -> Any:
    lazy = getattr(regexp, "lazy_self", None)
    return lazy() if callable(lazy) else regexp


class _Composer(CParser or object, _Resolver):  # type: ignore[misc]
    """libyaml's parser and composer (in C) with the resolver above; no constructor."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self, loadumper=self)


def _compose(text: str) -> Node | None:
    if CParser is None:  # pragma: no cover
        return None
    composer = _Composer(text)
    try:
        node: Node | None = composer.get_single_node()
    except (YAMLError, RecursionError):
        return None
    finally:
        composer.dispose()
    return node


def _tag(node: Node) -> str:
    t = node.ctag
    return str(t.suffix) if t.handle is None else str(t)


def _int(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if t.startswith(("0x", "0X")):
        return sign * int(t[2:], 16)
    if t.startswith(("0o", "0O")):
        return sign * int(t[2:], 8)
    if t.startswith(("0b", "0B")):
        return sign * int(t[2:], 2)
    return sign * int(t)


def _float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t in (".inf", "+.inf"):
        return math.inf
    if t == "-.inf":
        return -math.inf
    if t == ".nan":
        return math.nan
    return float(t)


def _scalar(node: ScalarNode) -> Any:
    tag = _tag(node)
    value: str = node.value
    if tag == _P + "str" or tag == _P + "timestamp":  # dates stay strings, as in the loader
        return value
    if tag == _P + "int":
        return _int(value)
    if tag == _P + "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == _P + "null":
        return None
    if tag == _P + "float":
        return _float(value)
    raise Unusual(tag)


def _construct(node: Node) -> Any:
    # The resolver above gives every implicit string, sequence and mapping one of three
    # Tag objects, so most nodes are told apart by identity, and a string (the commonest
    # node) is read in place rather than through a call; typed scalars and explicit
    # tags take the general path.
    tag = node.ctag
    if tag is _MAP_TAG:
        return _mapping(node)
    if tag is _SEQ_TAG:
        return [v.value if v.ctag is _STR_TAG else _construct(v) for v in node.value]
    if tag is _STR_TAG:
        return node.value
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        if _tag(node) != _P + "seq":
            raise Unusual(_tag(node))
        return [_construct(v) for v in node.value]
    if isinstance(node, MappingNode):
        if _tag(node) != _P + "map":
            raise Unusual(_tag(node))
        return _mapping(node)
    raise Unusual(type(node).__name__)


def _mapping(node: Node) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for k, v in node.value:
        key = k.value if k.ctag is _STR_TAG else _construct(k)
        if isinstance(key, dict | list) or key in out or key == "<<":
            raise Unusual("complex, duplicate or merge key")
        out[key] = v.value if v.ctag is _STR_TAG else _construct(v)
    return out


def load_with_nodes(text: str) -> tuple[Any, Node]:
    """The data and the composed node tree of one YAML document."""
    if may_have_aliases(text):  # the standard loader bounds alias expansion
        raise Unusual("aliases")
    root = _compose(text)
    if root is None:
        raise Unusual("empty or not composable")
    try:
        return _construct(root), root
    except (ValueError, RecursionError) as err:
        raise Unusual(str(err)) from None

