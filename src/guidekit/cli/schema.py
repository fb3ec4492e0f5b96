"""`guidekit schema`: print or export the shipped JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from guidekit.errors import GuidekitError
from guidekit.fsutil import atomic_write_text
from guidekit.schemas import available, load_schema

MODELINE = "# yaml-language-server: $schema={uri}"


def schema(
    kind: str | None = typer.Argument(None, help="Schema to print (policy, sop, cases, "
                                      "taxonomy, config, ...). Omit to list them."),
    export: Path | None = typer.Option(None, "--export", help="Write every schema into this "
                                       "folder, for editors and other tools.", file_okay=False),
    modeline: bool = typer.Option(False, "--modeline", help="Print the yaml-language-server "
                                  "comment that makes editors validate a file against KIND."),
) -> None:
    """Print or export guidekit's JSON Schemas (draft 2020-12); no network needed."""
    names = available()
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        for name in names:
            text = json.dumps(load_schema(name), indent=2, ensure_ascii=False) + "\n"
            atomic_write_text(export / f"{name}.schema.json", text)
        typer.echo(f"wrote {len(names)} schemas to {export}")
        typer.echo("add to a YAML file: " + MODELINE.format(uri=f"{export}/policy.schema.json"))
        return
    if kind is None:
        for name in names:
            typer.echo(f"{name:16} {load_schema(name).get('title', '')}")
        return
    if kind not in names:
        raise GuidekitError(f"unknown schema {kind!r}; choose one of {', '.join(names)}")
    if modeline:
        from guidekit.schemas import schema_dir

        typer.echo(MODELINE.format(uri=(schema_dir() / f"{kind}.schema.json").as_uri()))
        return
    typer.echo(json.dumps(load_schema(kind), indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
