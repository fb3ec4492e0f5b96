"""The JSON Schemas shipped with guidekit: found on disk, never fetched."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

__all__ = ["SCHEMA_NAMES", "load_schema", "schema_dir", "validator_for"]

SCHEMA_NAMES = ("policy", "sop", "cases", "taxonomy", "config")


@cache
def schema_dir() -> Path:
    """Inside the wheel the schemas sit in ``guidekit/schemas``; in a source checkout
    (editable install) they are the repository's ``schemas/`` folder."""
    packaged = Path(str(resources.files("guidekit"))) / "schemas"
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
    resources_ = []
    for name in available():
        schema = load_schema(name)
        if "$id" in schema:
            resources_.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources_)


@cache
def validator_for(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), format_checker=FormatChecker(), registry=registry()
    )
