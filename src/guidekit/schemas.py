"""The JSON Schemas shipped with guidekit: found on disk, never fetched."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported when a document needs a closer look
    from jsonschema import Draft202012Validator
    from referencing import Registry

__all__ = ["SCHEMA_NAMES", "fast_validator", "is_valid_fast", "load_schema", "misfit", "schema_dir",
           "validator_for"]

SCHEMA_NAMES = ("policy", "sop", "cases", "taxonomy", "config")


@cache
def schema_dir() -> Path:
    """Inside the wheel the schemas sit in ``guidekit/schemas``; in a source checkout
    (editable install) they are the repository's ``schemas/`` folder."""
    # guidekit's package folder, as importlib.resources.files would name it (without
    # importing its zip readers, a few ms of every command's start-up)
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "schemas"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("guidekit's schemas are missing from this installation")


def available() -> list[str]:
    return sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json"))


@cache
def load_schema(name: str) -> dict[str, Any]:
    path = schema_dir() / f"{name}.schema.json"
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def registry() -> Registry:
    """All shipped schemas by their $id, so cross-file $refs resolve offline."""
    from referencing import Registry, Resource

    resources_ = []
    for name in available():
        schema = load_schema(name)
        if "$id" in schema:
            resources_.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources_)


@cache
def validator_for(name: str, *, partial: bool = False) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker, validators

    # ``pattern`` with ECMA-262's meaning, as the compiled validator has it: ``$`` is the
    # end of the text, not also the place before a final newline ("CG-HARASS\n" is no id)
    anchored = validators.extend(Draft202012Validator, {"pattern": _pattern})
    schema = _partial(name) if partial else load_schema(name)
    return anchored(schema, format_checker=FormatChecker(), registry=registry())


_DOLLAR = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|\$")


@cache
def _end_anchored(pattern: str) -> re.Pattern[str]:
    """``pattern`` with every ``$`` (outside classes, unescaped) read as the end of the text."""
    return re.compile(_DOLLAR.sub(lambda m: r"\Z" if m.group() == "$" else m.group(), pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _end_anchored(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _partial(name: str) -> dict[str, Any]:
    """The schema of a document some of whose parts were left out (diff's shared items):
    nothing is required, lists may be short or null, and every value present keeps its type."""

    def relax(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: relax(v) for k, v in node.items() if k not in ("required", "minItems")}
            if out.get("type") == "array":
                out["type"] = ["array", "null"]
            return out
        if isinstance(node, list):
            return [relax(v) for v in node]
        return node

    return relax(copy.deepcopy(load_schema(name)))  # type: ignore[no-any-return]


@cache
def fast_validator(name: str, *, partial: bool = False) -> Any:
    """A compiled (Rust) validator used as a fast path: most documents are valid, and
    proving that is ~100x cheaper there. Documents it rejects go through
    ``jsonschema`` for the precise, well-placed messages. None when unavailable or
    when the schema refers to other files."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a dependency; keep working without it
        return None
    schema = _partial(name) if partial else load_schema(name)
    if any(not ref.startswith("#") for ref in _refs(schema)):
        return None
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def is_valid_fast(name: str, data: Any, *, partial: bool = False) -> bool:
    """True only when the compiled validator accepts ``data``; False means "look closer"."""
    fast = fast_validator(name, partial=partial)
    if fast is None:
        return False
    try:
        return bool(fast.is_valid(data))
    except (ValueError, TypeError, OverflowError):  # data it cannot represent (e.g. int keys)
        return False


def misfit(name: str, data: Any, *, partial: bool = False) -> str | None:
    """None when ``data`` fits the schema ``name``, else the clearest reason, in one line.

    ``partial``: some parts of the document were left out (see _partial)."""
    if is_valid_fast(name, data, partial=partial):
        return None
    from jsonschema.exceptions import best_match

    err = best_match(validator_for(name, partial=partial).iter_errors(data))
    if err is None:
        return None
    where = "/".join(str(p) for p in err.absolute_path) or "the top level"
    message = err.message if len(err.message) <= 100 else err.message[:97] + "..."
    return f"{where}: {message}"
