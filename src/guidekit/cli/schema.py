"""`guidekit schema`: print or export the shipped JSON Schemas."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from guidekit.cli.common import root_option
from guidekit.errors import GuidekitError
from guidekit.fsutil import atomic_write_text
from guidekit.schemas import available, load_schema

MODELINE = "# yaml-language-server: $schema={uri}"
# schema name -> the paths key in guidekit.yaml of the files it is for
_PATHS_KEY = {"policy": "policies", "sop": "sops", "cases": "cases", "taxonomy": "taxonomy"}


def schema(
    kind: str | None = typer.Argument(None, metavar="KIND", help="Schema to print (policy, sop, cases, "
                                      "taxonomy, config, ...). Omit to list them."),
    export: Path | None = typer.Option(None, "--export", "--output", "-o", metavar="DIR", file_okay=False,
                                       help="Write every schema into this folder, for editors and "
                                       "other tools."),
    modeline: bool = typer.Option(False, "--modeline", help="Print the yaml-language-server "
                                  "comment that makes editors validate a file against KIND, "
                                  "naming the repository's schemas/ by a relative path."),
    for_file: Path | None = typer.Option(None, "--for", metavar="FILE", help="With --modeline: "
                                         "the file the comment is for. Default: a file in the "
                                         "folder of KIND's paths glob in guidekit.yaml."),
    root: Path | None = root_option(paths=False),
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
        typer.echo(MODELINE.format(uri=_relative_uri(kind, for_file, root)))
        return
    typer.echo(json.dumps(load_schema(kind), indent=2, ensure_ascii=False))


def _relative_uri(kind: str, for_file: Path | None, root: Path | None) -> str:
    """KIND's schema in the repository's schemas/, relative to the folder of the file it is
    for; never a path of this machine, which would break for everyone else once committed."""
    from guidekit.cli.common import resolve_config
    from guidekit.scaffold import glob_folder, schema_dir_for

    start = for_file
    while start is not None and not start.exists() and start != start.parent:
        start = start.parent  # a file (and folders) not written yet: the nearest that is
    config = resolve_config(root, [start] if start else [])
    if for_file is not None:
        folder = for_file.resolve().parent
    else:
        globs = config.paths.get(_PATHS_KEY.get(kind, ""), ())
        folder = config.root / (glob_folder(globs[0]) if globs else "")
    schemas = schema_dir_for(config.root, folder)
    if schemas is None:
        raise GuidekitError(f"no schemas/ folder in {config.root} or above it for the modeline to name",
                            hint="export the schemas into the repository first: "
                            f"guidekit schema --export {os.path.relpath(config.root / 'schemas')}")
    return f"{schemas}/{kind}.schema.json"
