"""Templates for `guidekit init` and `guidekit new`: pure functions from names to file texts."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from string import Template

from guidekit.errors import GuidekitError
from guidekit.schemas import available, load_schema

__all__ = ["Existing", "folder_for", "glob_folder", "init_files", "new_policy", "new_sop", "schema_dir_for",
           "slug_for"]

_DOC_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


def _template(name: str) -> Template:
    text = (resources.files("guidekit") / "templates" / "scaffold" / name).read_text("utf-8")
    return Template(text)


def _quote(text: str) -> str:
    # a JSON string is a valid double-quoted YAML scalar, whatever the title holds
    return json.dumps(text, ensure_ascii=False)


def _dates(today: dt.date, status: str = "draft") -> dict[str, str]:
    # a new document is a draft: it takes effect after review, and is reviewed again a year
    # on; an active one (init's starters) is in force from today
    effective = today + dt.timedelta(days=30 if status == "draft" else 0)
    return {"effective": effective.isoformat(), "review_by": (effective + dt.timedelta(days=365)).isoformat(),
            "status": status}


def slug_for(doc_id: str) -> str:
    return doc_id.lower()


def _check_id(doc_id: str) -> None:
    if not _DOC_ID.match(doc_id):
        raise GuidekitError(
            f"{doc_id!r} is not a valid id: use capitals, digits and dashes, e.g. CG-SPAM or SOP-SPAM"
        )


def new_policy(doc_id: str, *, title: str | None = None, kind: str = "community",
               owner: str = "policy-team", category: str = "scams_fraud",
               schema_uri: str | None = "../../schemas", today: dt.date | None = None,
               status: str = "draft", llama_guard: str | None = None) -> str:
    """``llama_guard``: the Llama Guard code to pin (S1, ...), which exports need for an active policy."""
    _check_id(doc_id)
    kinds = load_schema("policy")["properties"]["kind"]["enum"]
    if kind not in kinds:
        raise GuidekitError(f"{kind!r} is not a policy kind; choose one of {', '.join(kinds)}")
    today = today or dt.date.today()
    text = _modeline(_template("policy.md").substitute(
        id=doc_id, title=_quote(title or doc_id), kind=kind, owner=owner,
        category=category, schema_uri=schema_uri or "", **_dates(today, status),
    ), schema_uri)
    if llama_guard:
        text = text.replace("\nrules:\n", f"\ncodes: {{llama_guard: {llama_guard}}}\nrules:\n", 1)
    return text


def new_sop(doc_id: str, *, policy: str, title: str | None = None, queue: str = "general",
            owner: str = "review-ops", schema_uri: str | None = "../schemas",
            today: dt.date | None = None, status: str = "draft") -> str:
    _check_id(doc_id)
    _check_id(policy)
    today = today or dt.date.today()
    return _modeline(_template("sop.sop.yaml").substitute(
        id=doc_id, title=_quote(title or doc_id), queue=queue, owner=owner,
        policy=policy, schema_uri=schema_uri or "", **_dates(today, status),
    ), schema_uri)


def _modeline(text: str, schema_uri: str | None) -> str:
    """The template's text; without its editor modeline when there are no schemas to name."""
    if schema_uri is not None:
        return text
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("# yaml-language-server:"))


def init_files(name: str, today: dt.date | None = None) -> dict[str, str]:
    """Relative path -> text of a new guidance repository that passes everything guidekit
    runs on it: check, fmt --check, test, every export and a build whose handbook shows
    the starter documents (they are active, the policy pins its Llama Guard code)."""
    files: dict[str, str] = {
        "guidekit.yaml": _template("guidekit.yaml").substitute(name=_quote(name), schema_uri="schemas"),
        "policies/example-scams.md": new_policy(
            "CG-EXAMPLE", title="Example policy: scams", schema_uri="../schemas",
            category="scams_fraud", today=today, status="active", llama_guard="S1",
        ),
        "sops/example-triage.sop.yaml": new_sop(
            "SOP-EXAMPLE", policy="CG-EXAMPLE", title="Example triage", queue="triage",
            schema_uri="../schemas", today=today, status="active",
        ),
        ".gitignore": _template("gitignore").template,
        ".pre-commit-config.yaml": _template("pre-commit-config.yaml").template,
        ".github/workflows/guidance.yaml": _template("workflow.yaml").template,
    }
    for vocab in ("actions", "severities", "markets", "surfaces", "categories"):
        files[f"taxonomy/{vocab}.yaml"] = _template(f"{vocab}.yaml").template
    for schema in available():
        files[f"schemas/{schema}.schema.json"] = json.dumps(load_schema(schema), indent=2) + "\n"
    return files


@dataclass(frozen=True, slots=True)
class Existing:
    """A document already in the repository: where it is, and its kind field (a policy's
    community, ads, ...; None for an SOP)."""

    rel: str
    kind: str | None = None


def glob_folder(pattern: str) -> str:
    """The fixed folder a paths glob starts with: policies/**/*.md -> policies."""
    parts = []
    for part in PurePosixPath(pattern).parts[:-1]:
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    return "/".join(parts)


def folder_for(existing: Sequence[Existing], globs: Sequence[str], kind: str | None = None) -> str:
    """The folder (relative to the root, "" for the root itself) a new document goes in:
    where most documents of its kind are, else a folder named after the kind when the
    repository sorts documents that way, else the folder of the configured paths glob."""
    same = Counter(str(PurePosixPath(e.rel).parent) for e in existing if e.kind == kind)
    if same:
        folder = same.most_common(1)[0][0]
        return "" if folder == "." else folder
    base = glob_folder(globs[0]) if globs else ""
    by_kind = any(e.kind and PurePosixPath(e.rel).parent.name == e.kind for e in existing)
    if kind and by_kind:
        return f"{base}/{kind}" if base else kind
    return base


def schema_dir_for(root: Path, folder: Path) -> str | None:
    """The repository's schemas/ folder (at the guidance root or a folder above it, up to
    the git work tree's top) relative to ``folder``, or None when there is none."""
    for here in (root, *root.parents):
        if (here / "schemas" / "policy.schema.json").is_file():
            return Path(os.path.relpath(here / "schemas", folder)).as_posix()
        if (here / ".git").exists():
            break
    return None
