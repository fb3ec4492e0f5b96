"""`guidekit init` and `guidekit new`."""

from __future__ import annotations

from pathlib import Path

import typer

from guidekit.cli.common import ROOT_OPTION, resolve_config
from guidekit.errors import GuidekitError
from guidekit.fsutil import atomic_write_text
from guidekit.scaffold import init_files, new_policy, new_sop, slug_for


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
    directory: Path = typer.Argument(..., help="Folder for the new guidance repository.",
                                     file_okay=False),
    name: str | None = typer.Option(None, "--name", help="Name of the guidance collection."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
) -> None:
    """Scaffold a guidance repository that passes `guidekit check`: config, taxonomy,
    one policy, one SOP, schemas for editors, a pre-commit config and a CI workflow example."""
    files = init_files(name or directory.resolve().name)
    _write_all(directory, files, force)
    typer.echo(f"created {len(files)} files in {directory}")
    typer.echo(f"next: guidekit check {directory}")


def new(
    kind: str = typer.Argument(..., help="policy or sop"),
    doc_id: str = typer.Argument(..., metavar="ID", help="Id of the new document, e.g. CG-SPAM."),
    title: str | None = typer.Option(None, "--title", help="Title of the document."),
    policy: str | None = typer.Option(None, "--policy", help="For an SOP: the policy it applies "
                                      "(its rule ID-1.a is used in the template)."),
    doc_kind: str = typer.Option("community", "--kind", help="For a policy: community, ads, "
                                 "live, commerce, creator or other."),
    root: Path | None = ROOT_OPTION,
    force: bool = typer.Option(False, "--force", help="Overwrite the file if it exists."),
) -> None:
    """Write a new policy or SOP from a template that passes `guidekit check`."""
    config = resolve_config(root)
    if kind == "policy":
        rel = f"policies/{slug_for(doc_id)}.md"
        text = new_policy(doc_id, title=title, kind=doc_kind, schema_uri="../schemas")
    elif kind == "sop":
        if not policy:
            raise GuidekitError("an SOP needs --policy ID: the policy whose rules it applies")
        rel = f"sops/{slug_for(doc_id)}.sop.yaml"
        text = new_sop(doc_id, policy=policy, title=title, schema_uri="../schemas")
    else:
        raise GuidekitError(f"cannot make a new {kind!r}; choose policy or sop")
    _write_all(config.root, {rel: text}, force)
    typer.echo(f"wrote {config.root / rel}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("new")(new)
