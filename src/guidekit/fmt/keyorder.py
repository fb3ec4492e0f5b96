"""The canonical order of keys: the order of ``properties`` in the kind's JSON Schema.

Follows ``$ref`` (also into the other shipped schemas), ``allOf`` branches
whose ``if`` holds for the data (the taxonomy's per-vocabulary items), and the
alternatives of ``oneOf``/``anyOf``. Keys the schema does not know keep their
relative order and go after the known ones.
"""

from __future__ import annotations

from typing import Any

from guidekit.schemas import load_schema

__all__ = ["Shape", "shape_of"]

Schema = dict[str, Any]


def _resolve(schema: Any, base: Schema) -> tuple[Schema, Schema]:
    """Follow ``$ref``s; return (schema, the document it lives in)."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        seen += 1
        ref = schema["$ref"]
        doc_part, _, pointer = ref.partition("#")
        if doc_part:
            base = load_schema(doc_part.rsplit("/", 1)[-1].removesuffix(".schema.json"))
        target: Any = base
        for step in (p for p in pointer.split("/") if p):
            target = target.get(step, {}) if isinstance(target, dict) else {}
        schema = target
    return (schema if isinstance(schema, dict) else {}), base


def _holds(condition: Schema, data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    for key, sub in (condition.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if "const" in sub and data.get(key) != sub["const"]:
            return False
        if "enum" in sub and data.get(key) not in sub["enum"]:
            return False
    return all(k in data for k in condition.get("required") or ())


class Shape:
    """What the schema says about one node: its key order and its children's shapes."""

    def __init__(self, schema: Any, base: Schema) -> None:
        self.schema, self.base = _resolve(schema, base)

    def _properties(self, data: Any) -> dict[str, Any]:
        props: dict[str, Any] = {}
        parts = [self.schema]
        for sub in self.schema.get("allOf") or ():
            s, _ = _resolve(sub, self.base)
            if "if" in s:
                if _holds(_resolve(s["if"], self.base)[0], data):
                    parts.append(_resolve(s.get("then") or {}, self.base)[0])
            else:
                parts.append(s)
        for key in ("oneOf", "anyOf"):
            parts.extend(_resolve(s, self.base)[0] for s in self.schema.get(key) or ())
        for part in parts:
            for name, sub in (part.get("properties") or {}).items():
                old = props.get(name)
                props[name] = {**old, **sub} if isinstance(old, dict) and isinstance(sub, dict) else sub
        return props

    def order(self, data: Any) -> list[str]:
        return list(self._properties(data))

    def properties(self, data: Any) -> dict[str, Schema]:
        """The keys this node may hold (for ``data``), each with its schema (title, description)."""
        out = {}
        for name, sub in self._properties(data).items():
            own = {k: v for k, v in sub.items() if k != "$ref"} if isinstance(sub, dict) else {}
            out[name] = {**_resolve(sub, self.base)[0], **own}  # a title beside a $ref wins
        return out

    def child(self, key: Any, data: Any) -> Shape:
        props = self._properties(data)
        if key in props:
            return Shape(props[key], self.base)
        extra = self.schema.get("additionalProperties")
        return Shape(extra if isinstance(extra, dict) else {}, self.base)

    def item(self) -> Shape:
        items = self.schema.get("items")
        return Shape(items if isinstance(items, dict) else {}, self.base)


def shape_of(schema_name: str) -> Shape:
    schema = load_schema(schema_name)
    return Shape(schema, schema)
