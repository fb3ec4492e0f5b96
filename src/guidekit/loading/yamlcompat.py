"""Every ruamel.yaml internal guidekit uses, in one place, each with a fallback.

guidekit reads YAML through ruamel.yaml's public API (``YAML(typ="safe")``,
``YAML(typ="rt")``, the node classes). A few speed-ups and ``fmt``'s comment
handling reach further, into names ruamel does not promise to keep:

- ``VersionedResolver._loader_version`` (the safe loader's version lookup),
- ``CParser`` (libyaml's parser, ``_ruamel_yaml`` or ``_ruamel_yaml_clibz``), ``VersionedResolver.versioned_resolver``,
  ``LazyEval.lazy_self`` and ``Node.ctag`` (the diff's one-pass loader),
- ``CommentedBase.ca.items`` / ``.ca.comment``, ``CommentToken``,
  ``CommentMark`` and ``Token._comment`` (``fmt`` keeping comments with keys).

They are all used here and nowhere else. ``probe()`` checks once per process
that they exist; when one is missing (a ruamel release renamed it), or a use
raises ``AttributeError``, guidekit takes the public path instead: the plain
safe loader, the standard diff loader, and a ``fmt`` that reorders keys
without moving comments (its check that no comment line is lost still
refuses to write a file whose comments it would drop). Slower, never wrong.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

__all__ = [
    "Internals",
    "Unusual",
    "comment_lines",
    "compose_and_construct",
    "probe",
    "reorder_keys",
    "safe_resolver",
]


@dataclass(frozen=True, slots=True)
class Internals:
    """The ruamel internals found in this process."""

    cparser: Any  # ruamel.yaml.cyaml.CParser: libyaml's parser and composer, in C
    implicit_table: Any  # VersionedResolver.versioned_resolver's getter
    tag_class: Any  # ruamel.yaml.tag.Tag, what Node.ctag holds
    comment_token: Any  # ruamel.yaml.tokens.CommentToken
    comment_mark: Any  # ruamel.yaml.error.CommentMark


_probed: list[Internals | None] = []


def _find() -> Internals | None:
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # libyaml, clib or clibz
        from ruamel.yaml.error import CommentMark
        from ruamel.yaml.tag import Tag
        from ruamel.yaml.tokens import CommentToken, Token

        fget = VersionedResolver.versioned_resolver.fget  # type: ignore[attr-defined]
        resolver = VersionedResolver()
        _ = resolver._loader_version
        node = ScalarNode("tag:yaml.org,2002:str", "x")
        if not isinstance(node.ctag, Tag) or "_comment" not in Token.__slots__:
            return None
        _ = CommentedMap().ca.items
    except (ImportError, AttributeError, TypeError):
        return None
    return Internals(CParser, fget, Tag, CommentToken, CommentMark)


def probe() -> Internals | None:
    """The ruamel internals guidekit uses, or None when any of them is missing."""
    if not _probed:
        _probed.append(_find())
    return _probed[0]


# --- the safe loader's resolver ----------------------------------------------------------


class _Yaml12Resolver(VersionedResolver):
    """ruamel's resolver, minus its per-scalar version lookup.

    With the C parser no ``%YAML`` directive reaches the resolver, so the
    version is always the default (1.2); answering that directly instead of
    through a chain of failed attribute lookups makes loading ~1.5x faster.
    """

    @property
    def processing_version(self) -> Any:
        try:
            return self._loader_version or (1, 2)
        except AttributeError:
            return super().processing_version


def safe_resolver() -> type[VersionedResolver]:
    """The resolver class for ``YAML(typ="safe").Resolver``."""
    return _Yaml12Resolver if probe() is not None else VersionedResolver


# --- the diff's one-pass loader --------------------------------------------------------------


class Unusual(Exception):
    """The text needs the standard loader."""


_P = "tag:yaml.org,2002:"
# a plain scalar can only be typed (number, bool, null, date, ...) if it starts with one of these
_MAYBE_TYPED = frozenset("0123456789+-.~<=nNtTfFyYoO")
# the one Tag object the resolver gives every implicit string, sequence and mapping (set
# with the composer class, when the internals are there)
_STR_TAG: Any = None
_SEQ_TAG: Any = None
_MAP_TAG: Any = None
_TAG: Any = None
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
                    return _TAG(suffix=tag)
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
    found = probe()
    assert found is not None
    table = found.implicit_table(resolver)
    # ruamel wraps each pattern in a LazyEval proxy that forwards every attribute
    # lookup (each .match) through Python code; keep the compiled patterns themselves
    _IMPLICIT.update({first: [(tag, _compiled(rx)) for tag, rx in pairs] for first, pairs in table.items()})
    return _IMPLICIT


def _compiled(regexp: Any) -> Any:
    lazy = getattr(regexp, "lazy_self", None)
    return lazy() if callable(lazy) else regexp


_composer_class: list[Any] = []


def _composer(found: Internals) -> Any:
    global _STR_TAG, _SEQ_TAG, _MAP_TAG, _TAG
    if not _composer_class:
        cparser = found.cparser

        class _Composer(cparser, _Resolver):  # type: ignore[misc,valid-type]
            """libyaml's parser and composer (in C) with the resolver above; no constructor."""

            def __init__(self, stream: str) -> None:
                cparser.__init__(self, stream)
                _Resolver.__init__(self, loadumper=self)

        _TAG = found.tag_class
        _STR_TAG, _SEQ_TAG, _MAP_TAG = _TAG(suffix=_P + "str"), _TAG(suffix=_P + "seq"), _TAG(suffix=_P + "map")
        _composer_class.append(_Composer)
    return _composer_class[0]


def _compose(found: Internals, text: str) -> Node | None:
    composer = _composer(found)(text)
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


def compose_and_construct(text: str) -> tuple[Any, Node]:
    """The data and the node tree of one YAML document, composed once, in C.

    Raises ``Unusual`` for anything the standard loader must handle: aliases are
    the caller's to rule out; custom tags, duplicate or merge keys, syntax errors,
    and the internals this needs being absent.
    """
    found = probe()
    if found is None:
        raise Unusual("ruamel internals unavailable")
    try:
        root = _compose(found, text)
        if root is None:
            raise Unusual("empty or not composable")
        return _construct(root), root
    except (ValueError, RecursionError, AttributeError, TypeError) as err:
        raise Unusual(str(err)) from None


# --- fmt: comments ---------------------------------------------------------------------------


def comment_lines(text: str, scan: Any) -> Counter[str]:
    """Every comment line of a YAML text; ``scan`` is a round-trip ``YAML().scan``.

    With the internals, the comments the round-trip scanner attaches to its
    tokens; without them, the lines that are comments as text.
    """
    found = probe()
    if found is not None:
        try:
            return _scanned_comments(found, text, scan)
        except AttributeError:
            pass
    return Counter(s for line in text.split("\n") if (s := line.strip()).startswith("#"))


def _scanned_comments(found: Internals, text: str, scan: Any) -> Counter[str]:
    counted: Counter[str] = Counter()
    token_class = found.comment_token

    def walk(node: Any) -> None:
        if isinstance(node, token_class):
            counted.update(line.strip() for line in node.value.split("\n")
                           if line.strip().startswith("#"))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    try:
        for token in scan(text):
            walk(getattr(token, "_comment", None))
            if isinstance(token, token_class):
                walk(token)
    except (YAMLError, RecursionError):
        pass
    return counted


def reorder_keys(mapping: Any, order: list[Any], *, top: bool = False) -> None:
    """Put the keys of a round-trip mapping in ``order`` (every key exactly once).

    With the internals, comments follow the key they describe (see ``_Comments``);
    without them, the keys move alone.
    """
    found = probe()
    if found is not None and list(mapping) != order:
        try:
            _Comments(found).reorder(mapping, order, top=top)
            return
        except AttributeError:
            pass
    for key in order:
        mapping.move_to_end(key)


Slot = tuple[dict[Any, Any], Any, int]


class _Comments:
    """Keep comments with the key they describe when keys are reordered.

    ruamel.yaml attaches a comment line to the node *before* it: the comment
    above ``rules:`` belongs, for ruamel, to the end of the previous key's value.
    People mean the opposite. So before a mapping is reordered, full-line
    comments (and blank lines) are detached from the end of each key's value and
    re-attached in front of the key that followed them; what trails the last
    key stays at the end of the mapping. Nothing is ever dropped.
    """

    def __init__(self, found: Internals) -> None:
        self.token = found.comment_token
        self.mark = found.comment_mark

    @staticmethod
    def _block(node: Any) -> bool:
        return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and \
            not node.fa.flow_style()

    def _tail(self, owner: Any, key: Any) -> Slot:
        """The comment slot holding what follows the value of ``owner[key]``."""
        value = owner[key]
        if self._block(value):
            last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
            return self._tail(value, last)
        return owner.ca.items, key, 2 if isinstance(owner, CommentedMap) else 0

    def _get(self, slot: Slot) -> Any:
        items, key, index = slot
        entry = items.get(key)
        if not entry or len(entry) <= index:
            return None
        token = entry[index]
        return token if isinstance(token, self.token) else None

    @staticmethod
    def _set(slot: Slot, token: Any) -> None:
        items, key, index = slot
        entry = items.setdefault(key, [None, None, None, None])
        while len(entry) <= index:
            entry.append(None)
        entry[index] = token

    def _detach(self, slot: Slot) -> str:
        """Remove and return the full lines after the end-of-line part of the slot's comment."""
        token = self._get(slot)
        if token is None:
            return ""
        cut = token.value.find("\n") + 1
        if cut <= 0:
            return ""
        eol, lines = str(token.value[:cut]), str(token.value[cut:])
        if eol.strip():
            token.value = eol
        else:
            self._set(slot, None)
        return lines

    def _attach(self, slot: Slot, lines: str) -> None:
        if not lines:
            return
        token = self._get(slot)
        if token is not None:
            token.value += lines
        else:
            self._set(slot, self.token("\n" + lines, self.mark(0), None))

    def _header(self, mapping: Any, lines: str) -> None:
        """Comment lines in front of a top-level mapping's first key."""
        comment = mapping.ca.comment
        if comment is None:
            mapping.ca.comment = comment = [None, []]
        if comment[1] is None:
            comment[1] = []
        comment[1].append(self.token(lines, self.mark(0), None))

    def reorder(self, mapping: Any, order: list[Any], *, top: bool = False) -> None:
        """Put the keys of ``mapping`` in ``order``, comments following.

        A comment above a key that becomes the first one moves to the top of the
        document for the top-level mapping; elsewhere it stays after the key it
        followed (a nested mapping has no place of its own before its first key).
        """
        keys = list(mapping)
        leads = {k: self._detach(self._tail(mapping, prev)) for prev, k in itertools.pairwise(keys)}
        end = self._detach(self._tail(mapping, keys[-1]))
        first = order[0]
        if leads.get(first):
            if top:
                self._header(mapping, leads.pop(first))
            else:
                prev = keys[keys.index(first) - 1]
                self._attach(self._tail(mapping, prev), leads.pop(first))
        for k in order:
            mapping.move_to_end(k)
        for prev, k in itertools.pairwise(order):
            self._attach(self._tail(mapping, prev), leads.get(k, ""))
        self._attach(self._tail(mapping, order[-1]), end)
