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

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from guidekit.loading.yamlio import may_have_aliases

__all__ = ["Unusual", "load_with_nodes"]

_P = "tag:yaml.org,2002:"


class Unusual(Exception):
    """The text needs the standard loader."""


# a plain scalar can only be typed (number, bool, null, date, ...) if it starts with one of these
_MAYBE_TYPED = frozenset("0123456789+-.~<=nNtTfFyYoO")
_STR_TAG = Tag(suffix=_P + "str")


class _Resolver(VersionedResolver):
    """ruamel's YAML 1.2 resolver with a shortcut: quoted scalars and plain ones that
    start with a letter no typed value starts with are strings, without trying
    every implicit pattern (that trial is most of the time of composing)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and (not implicit[0] or (value and value[0] not in _MAYBE_TYPED)):
            return _STR_TAG
        return super().resolve(kind, value, implicit)

    @property
    def processing_version(self) -> Any:
        return self._loader_version or (1, 2)


_composer: YAML | None = None


def _compose(text: str) -> Node | None:
    # one composer per process; one that stopped half-way is never reused
    global _composer
    y = _composer
    if y is None:
        y = YAML(typ="safe")
        y.Resolver = _Resolver
    _composer = None
    try:
        node: Node | None = y.compose(text)
    except (YAMLError, RecursionError):
        return None
    _composer = y
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
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        if _tag(node) != _P + "seq":
            raise Unusual(_tag(node))
        return [_construct(v) for v in node.value]
    if isinstance(node, MappingNode):
        if _tag(node) != _P + "map":
            raise Unusual(_tag(node))
        out: dict[Any, Any] = {}
        for k, v in node.value:
            key = _construct(k)
            if isinstance(key, dict | list) or key in out or key == "<<":
                raise Unusual("complex, duplicate or merge key")
            out[key] = _construct(v)
        return out
    raise Unusual(type(node).__name__)


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

