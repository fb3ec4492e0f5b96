"""`guidekit init` and `guidekit new`."""

from __future__ import annotations

import difflib
from enum import StrEnum
from pathlib import Path

import typer

from guidekit.cli.common import resolve_config, root_option
from guidekit.errors import GuidekitError
from guidekit.fsutil import atomic_write_text
from guidekit.loading.config import Config
from guidekit.loading.discover import discover
from guidekit.loading.source import DocKind, load_source
from guidekit.scaffold import (
    Existing,
    folder_for,
    init_files,
    new_policy,
    new_sop,
    schema_dir_for,
    slug_for,
)
from guidekit.schemas import load_schema


class NewKind(StrEnum):
    policy = "policy"
    sop = "sop"


# the policy kinds of the shipped schema, as a choice in --help and completion
PolicyKind = StrEnum(  # type: ignore[misc]  # members come from the schema, not a literal
    "PolicyKind", {k: k for k in load_schema("policy")["properties"]["kind"]["enum"]})


def _write_all(base: Path, files: dict[str, str], force: bool) -> None:
    clashes = [rel for rel in files if (base / rel).exists()]
    if clashes and not force:
        raise GuidekitError(
            f"{len(clashes)} file(s) already exist, e.g. {base / clashes[0]}",
            hint="pass --force to overwrite them",
        )
    for rel, text in sorted(files.items()):
        atomic_write_text(base / rel, text)


def init(
    directory: Path = typer.Argument(..., metavar="DIR", help="Folder for the new guidance repository.",
                                     file_okay=False),
    name: str | None = typer.Option(None, "--name", metavar="TEXT", help="Name of the guidance collection."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
    no_git: bool = typer.Option(False, "--no-git", help="Do not `git init` the folder."),
) -> None:
    """Scaffold a guidance repository that passes everything guidekit runs on it.

    Config, taxonomy, one active policy and SOP, schemas for editors, .gitignore,
    a pre-commit config and a CI workflow (check, fmt --check, test, export and
    build pass on it). The folder becomes a git repository unless it is in one
    already or --no-git is given.
    """
    from guidekit.git import init_work_tree, work_tree_top

    files = init_files(name or directory.resolve().name)
    _write_all(directory, files, force)
    typer.echo(f"created {len(files)} files in {directory}")
    if not no_git and work_tree_top(directory) is None:
        init_work_tree(directory)
        typer.echo(f"initialised a git repository in {directory}")
    typer.echo(f"next: guidekit check {directory}")


def _existing(config: Config) -> tuple[list[Existing], list[Existing], list[str]]:
    """The policies (with their kind) and SOPs already in the repository, and the policy ids."""
    policies: list[Existing] = []
    sops: list[Existing] = []
    ids: list[str] = []
    for found in discover(config):
        if found.kind is DocKind.SOP:
            sops.append(Existing(found.rel))
        elif found.kind is DocKind.POLICY and not found.outside_link:
            data = load_source(found.path, found.rel, found.kind, config.limits).data
            data = data if isinstance(data, dict) else {}
            kind = data.get("kind")
            policies.append(Existing(found.rel, kind if isinstance(kind, str) else None))
            if isinstance(data.get("id"), str):
                ids.append(data["id"])
    return policies, sops, ids


def new(
    kind: NewKind = typer.Argument(..., metavar="KIND", help="What to write: a policy or an SOP."),
    doc_id: str = typer.Argument(..., metavar="ID", help="Id of the new document, e.g. CG-SPAM."),
    title: str | None = typer.Option(None, "--title", metavar="TEXT", help="Title of the document, taken as "
                                     "written. Default: the id."),
    policy: str | None = typer.Option(None, "--policy", metavar="ID", help="For an SOP: the id of the policy it "
                                      "applies (its rule ID-1.a is used in the template)."),
    doc_kind: PolicyKind = typer.Option(PolicyKind("community"), "--kind",
                                        help="For a policy: its kind. The file goes where the "
                                        "repository keeps policies of that kind."),
    root: Path | None = root_option(paths=False),
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
) -> None:
    """Write a new policy or SOP from a template that passes `guidekit check`.

    A policy goes into the folder that holds most policies of its kind (else
    policies/KIND/ when policies are sorted by kind, else the folder of the
    policies glob in guidekit.yaml); an SOP beside the other SOPs. An SOP's
    --policy must name a policy of the repository.
    """
    config = resolve_config(root)
    policies, sops, ids = _existing(config)
    if kind is NewKind.policy:
        folder = folder_for(policies, config.paths["policies"], doc_kind.value)
        rel = f"{folder}/{slug_for(doc_id)}.md".lstrip("/")
        uri = schema_dir_for(config.root, (config.root / rel).parent)
        text = new_policy(doc_id, title=title, kind=doc_kind.value, schema_uri=uri)
    else:
        if not policy:
            raise GuidekitError("an SOP needs --policy ID: the policy whose rules it applies")
        if policy not in ids:
            close = difflib.get_close_matches(policy, ids, n=1)
            raise GuidekitError(f"--policy {policy}: no policy of that id in {config.root}",
                                hint=f"did you mean {close[0]}?" if close else
                                "write the policy first: guidekit new policy ID")
        folder = folder_for(sops, config.paths["sops"])
        rel = f"{folder}/{slug_for(doc_id)}.sop.yaml".lstrip("/")
        uri = schema_dir_for(config.root, (config.root / rel).parent)
        text = new_sop(doc_id, policy=policy, title=title, schema_uri=uri)
    _write_all(config.root, {rel: text}, force)
    typer.echo(f"wrote {config.root / rel}")
