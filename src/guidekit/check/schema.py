"""JSON Schema validation -> findings at the offending node, best message first."""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from guidekit.findings import Finding, JsonPath, Severity, SourceSpan
from guidekit.loading.source import DocKind, Source
from guidekit.schemas import is_valid_fast, validator_for

if TYPE_CHECKING:  # jsonschema is imported when a document is invalid (jsonschema_rs proves the rest)
    from jsonschema import ValidationError

__all__ = ["salvage", "schema_findings"]

_SCHEMA_FOR = {
    DocKind.POLICY: "policy",
    DocKind.SOP: "sop",
    DocKind.CASES: "cases",
    DocKind.TAXONOMY: "taxonomy",
    DocKind.CONFIG: "config",
}

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    return type(value).__name__


def _short(value: Any) -> str:
    """A value as the author wrote it in YAML: 'text', true, null, [a, b], {k: v}."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: ValidationError) -> tuple[str, JsonPath, bool, str | None]:
    """(message, path to point at, point at the key?, suggestion)."""
    path: JsonPath = tuple(err.absolute_path)
    v = err.validator
    inst = err.instance
    if v == "required":
        # one error per missing key, all at the same node: say them all in one message
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        if len(missing) == 1:
            return f"missing required key {missing[0]!r}", path, True, None
        return f"missing required keys {', '.join(map(repr, missing))}", path, True, None
    if v == "enum":
        options = ", ".join(str(o) for o in err.validator_value)
        close = difflib.get_close_matches(str(inst), [str(o) for o in err.validator_value], n=1)
        hint = f"did you mean {close[0]!r}?" if close else None
        return f"{_short(inst)} is not one of: {options}", path, False, hint
    if v == "const":
        return f"{_short(inst)} must be {err.validator_value!r}", path, False, None
    if v == "type":
        want = err.validator_value
        wants = want if isinstance(want, list) else [want]
        expected = " or ".join(_TYPE_NAMES.get(str(w), str(w)) for w in wants)
        return f"expected {expected}, found {_yaml_type(inst)} {_short(inst)}", path, False, None
    if v == "pattern":
        return f"{_short(inst)} does not have the expected form ({err.validator_value})", path, False, None
    if v == "format":
        return f"{_short(inst)} is not a valid {err.validator_value}", path, False, None
    if v == "minItems":
        if err.validator_value == 1:
            return "list must not be empty", path, False, None
        return f"list needs at least {err.validator_value} items, has {len(inst)}", path, False, None
    if v == "maxItems":
        return f"list allows at most {err.validator_value} items, has {len(inst)}", path, False, None
    if v == "uniqueItems":
        return "list has duplicate items", path, False, None
    if v == "minLength":
        if err.validator_value == 1:
            return "text must not be empty", path, False, None
        return f"text is shorter than {err.validator_value} characters", path, False, None
    if v == "maxLength":
        return f"text is longer than {err.validator_value} characters", path, False, None
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return err.message, path, False, None
    if v == "oneOf" and isinstance(inst, dict) and "next" in inst and "outcome" in inst:
        return "an answer leads either to a next node or to an outcome, not both", path, False, None
    if v == "oneOf" and isinstance(inst, dict) and err.validator_value and not err.context:
        return "no alternative matches", path, False, None
    return err.message, path, False, None


def _unknown_keys(err: ValidationError) -> Iterator[tuple[str, JsonPath, bool, str | None]]:
    """One problem per unknown key (jsonschema reports them all in one error), each at its key."""
    schema = err.schema if isinstance(err.schema, dict) else {}
    allowed = sorted(schema.get("properties", {}))
    for key in err.instance:
        if key not in allowed:
            # a key YAML read as null, a number or a boolean is named as written
            name = key if isinstance(key, str) else json.dumps(key)
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else None
            yield f"unknown key {name!r}", (*err.absolute_path, name), True, hint


def _problems(err: ValidationError) -> Iterator[tuple[str, JsonPath, bool, str | None]]:
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        yield from _unknown_keys(err)
    else:
        yield _message(err)


def _leaf(err: ValidationError) -> ValidationError:
    """For oneOf/anyOf, descend to the most relevant branch error."""
    from jsonschema.exceptions import best_match, relevance

    while err.context:
        deeper = best_match(err.context, key=relevance)
        if deeper is None:
            break
        # a branch that failed only on "required" for oneOf alternatives says less
        # than the combinator itself
        if err.validator == "oneOf" and deeper.validator == "required":
            break
        err = deeper
    return err


def schema_findings(src: Source, *, verbose: bool = False) -> Iterator[Finding]:
    schema_name = _SCHEMA_FOR.get(src.kind)
    if schema_name is None:  # a page is Markdown alone: nothing to validate
        return
    if is_valid_fast(schema_name, src.data):
        return
    errors = list(validator_for(schema_name).iter_errors(src.data))
    if not errors:
        return
    # one finding per place pointed at: the most relevant message, the others on -v
    from jsonschema.exceptions import relevance

    by_place: dict[tuple[JsonPath, bool], list[tuple[ValidationError, str, str | None]]] = {}
    leaves = [_leaf(e) for e in errors]
    try:
        ordered = sorted(leaves, key=relevance)
    except TypeError:  # sibling paths with a number and a text key (`1:` beside `x:`) do not compare
        ordered = sorted(leaves, key=lambda e: (tuple(map(repr, e.path)), relevance(e)))
    for err in ordered:
        for message, point, at_key, hint in _problems(err):
            by_place.setdefault((point, at_key), []).append((err, message, hint))
    for (point, at_key), problems in by_place.items():
        best, message, hint = problems[0]
        span: SourceSpan = src.span(point, key=at_key)
        notes: list[str] = []
        if hint:
            notes.append(hint)
        desc = best.schema.get("description") if isinstance(best.schema, dict) else None
        if desc:
            notes.append(desc)
        if verbose:
            others = dict.fromkeys(m for _e, m, _h in problems[1:] if m != message)
            notes.extend(f"also: {m}" for m in others)
        yield Finding(
            rule="GK100",
            name="schema",
            severity=Severity.ERROR,
            message=message,
            span=span,
            json_path=point,
            notes=tuple(notes),
        )


# --- salvage: model what is valid, so the rest of the checks still run ---------------

# required keys a policy (and each of its rules) can lack and still be modelled: the
# builder gives each a neutral value (no title, draft, version 1, no date, no owners,
# no rules; a rule without title or text); the schema error reports the gap
_ROOT_OPTIONAL = {DocKind.POLICY: frozenset({"title", "kind", "status", "version", "effective",
                                             "owners", "rules"})}
_RULE_OPTIONAL = frozenset({"title", "text"})
_ROUNDS = 8


def _optional(kind: DocKind, path: JsonPath) -> frozenset[str]:
    if not path:
        return _ROOT_OPTIONAL.get(kind, frozenset())
    if kind is DocKind.POLICY and len(path) == 2 and path[0] == "rules" and isinstance(path[1], int):
        return _RULE_OPTIONAL
    return frozenset()


def salvage(src: Source) -> bool:
    """Replace ``src.data`` by the data without the nodes schema errors point at.

    A node whose value is wrong is dropped (a list item becomes None, which the
    model builder skips, so the other items keep their positions); a mapping
    that lacks a required key is dropped whole, except the document itself when
    the builder can do without the key; a list of plain values with a wrong one
    is dropped whole. Unknown keys are dropped. Whatever is
    left is schema-valid, so the document rules and corpus rules run on it and
    find nothing twice for a broken node. False (``src`` unchanged) when the
    document itself cannot be modelled.
    """
    optional = _ROOT_OPTIONAL.get(src.kind)
    if optional is None or not isinstance(src.data, dict):
        return False
    validator = validator_for(_SCHEMA_FOR[src.kind])
    data = copy.deepcopy(src.data)
    for _ in range(_ROUNDS):
        targets: set[JsonPath] = set()
        for err in validator.iter_errors(data):
            path = tuple(err.absolute_path)
            if _is_tombstone(data, path):
                continue
            if err.validator == "required" and isinstance(err.instance, dict):
                missing = {m for m in err.validator_value if m not in err.instance}
                if missing <= _optional(src.kind, path):
                    continue
            if err.validator == "additionalProperties" and isinstance(err.instance, dict):
                known = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
                targets.update((*path, k) for k in err.instance if k not in known)
                continue
            if path and isinstance(path[-1], int) and not isinstance(err.instance, (dict, list)):
                path = path[:-1]  # a scalar in a list: references name items by position
            if not path:
                return False
            targets.add(path)
        if not targets:
            src.data = data
            return True
        for path in sorted(targets, key=len, reverse=True):
            _drop(data, path)
    return False


def _is_tombstone(data: Any, path: JsonPath) -> bool:
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    return node is None and bool(path) and isinstance(path[-1], int)


def _drop(data: Any, path: JsonPath) -> None:
    parent = data
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = None
