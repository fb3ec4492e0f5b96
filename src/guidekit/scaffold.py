"""Templates for `guidekit init` and `guidekit new`: pure functions from names to file texts."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from string import Template

from guidekit.errors import GuidekitError
from guidekit.schemas import available, load_schema

__all__ = ["init_files", "new_policy", "new_sop", "slug_for"]

_DOC_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


def _template(name: str) -> Template:
    text = (resources.files("guidekit") / "templates" / "scaffold" / name).read_text("utf-8")
    return Template(text)


def _quote(text: str) -> str:
    # a JSON string is a valid double-quoted YAML scalar, whatever the title holds
    return json.dumps(text, ensure_ascii=False)


def _dates(today: dt.date) -> dict[str, str]:
    # a new document is a draft: it takes effect after review, and is reviewed again a year on
    effective = today + dt.timedelta(days=30)
    return {"effective": effective.isoformat(), "review_by": (effective + dt.timedelta(days=365)).isoformat()}


def slug_for(doc_id: str) -> str:
    return doc_id.lower()


def _check_id(doc_id: str) -> None:
    if not _DOC_ID.match(doc_id):
        raise GuidekitError(
            f"{doc_id!r} is not a valid id: use capitals, digits and dashes, e.g. CG-SPAM or SOP-SPAM"
        )


def new_policy(doc_id: str, *, title: str | None = None, kind: str = "community",
               owner: str = "policy-team", category: str = "scams_fraud",
               schema_uri: str = "../../schemas", today: dt.date | None = None) -> str:
    _check_id(doc_id)
    kinds = load_schema("policy")["properties"]["kind"]["enum"]
    if kind not in kinds:
        raise GuidekitError(f"{kind!r} is not a policy kind; choose one of {', '.join(kinds)}")
    today = today or dt.date.today()
    return _template("policy.md").substitute(
        id=doc_id, title=_quote(title or doc_id.replace("-", " ").title()), kind=kind, owner=owner,
        category=category, schema_uri=schema_uri, **_dates(today),
    )


def new_sop(doc_id: str, *, policy: str, title: str | None = None, queue: str = "general",
            owner: str = "review-ops", schema_uri: str = "../schemas",
            today: dt.date | None = None) -> str:
    _check_id(doc_id)
    _check_id(policy)
    today = today or dt.date.today()
    return _template("sop.sop.yaml").substitute(
        id=doc_id, title=_quote(title or doc_id.replace("-", " ").title()), queue=queue, owner=owner,
        policy=policy, schema_uri=schema_uri, **_dates(today),
    )


def init_files(name: str, today: dt.date | None = None) -> dict[str, str]:
    """Relative path -> text of a new guidance repository that passes `guidekit check`."""
    files: dict[str, str] = {
        "guidekit.yaml": _template("guidekit.yaml").substitute(name=_quote(name), schema_uri="schemas"),
        "policies/example-scams.md": new_policy(
            "CG-EXAMPLE", title="Example policy: scams", schema_uri="../schemas",
            category="scams_fraud", today=today,
        ),
        "sops/example-triage.sop.yaml": new_sop(
            "SOP-EXAMPLE", policy="CG-EXAMPLE", title="Example triage", queue="triage",
            schema_uri="../schemas", today=today,
        ),
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml").template,
        ".github/workflows/guidance.yaml": _template("workflow.yaml").template,
    }
    for vocab in ("actions", "severities", "markets", "surfaces", "categories"):
        files[f"taxonomy/{vocab}.yaml"] = _template(f"{vocab}.yaml").template
    for schema in available():
        files[f"schemas/{schema}.schema.json"] = json.dumps(load_schema(schema), indent=2) + "\n"
    return files
