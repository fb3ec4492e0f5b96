"""`guidekit export KIND`: bundle, classifier prompts, eval sets and DSA mappings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guidekit.check.engine import run_check
from guidekit.cli.common import choices, resolve_config, root_option
from guidekit.errors import ExitCode, GuidekitError
from guidekit.export import EXPORTERS, Export, get_exporter
from guidekit.findings import Finding, Severity
from guidekit.fsutil import atomic_write_text, unsafe_name

if TYPE_CHECKING:
    Kind = str
else:
    Kind = choices("Kind", EXPORTERS)


def _echo_findings(findings: list[Finding] | tuple[Finding, ...]) -> None:
    for f in findings:
        typer.echo(f"{f.span}: {f.severity.value} {f.rule} {f.message}", err=True)
        if f.fix:
            typer.echo(f"  fix: {f.fix}", err=True)


def _write(result: Export, out: Path | None) -> list[Path]:
    files = result.files
    if out is None:
        if result.folder:
            raise GuidekitError(f"{result.kind} writes a folder of files; give --out FOLDER")
        sys.stdout.write(files[0].text)
        sys.stdout.flush()
        return []
    if result.folder and out.exists() and not out.is_dir():
        raise GuidekitError(f"--out {out}: {result.kind} writes a folder of files, "
                            "so --out must be a folder")
    single = not result.folder and not out.is_dir()
    if not single:  # names come from ids: all checked before anything is written
        for f in files:
            why = unsafe_name(f.name)
            if why is not None:
                raise GuidekitError(f"{result.kind}: not writing {why}",
                                    hint="`guidekit check` reports ids that cannot name a file")
    written = []
    for f in files:
        target = out if single else out / f.name
        atomic_write_text(target, f.text)
        written.append(target)
    return written


def export(
    kind: Kind = typer.Argument(..., metavar="KIND", help="What to export."),
    out: Path | None = typer.Option(None, "--output", "-o", "--out", metavar="PATH", help="File (single-file kinds) or "
                                    "folder to write; single-file kinds print to standard "
                                    "output without it."),
    root: Path | None = root_option(paths=False),
    locale: str | None = typer.Option(None, "--locale", "-l", metavar="LOCALE", help="Export in this "
                                      "translation (BCP 47, e.g. pt-BR; safeguard, cope, llama-guard, eval, "
                                      "bundle): refused when a unit it needs is untranslated or outdated by an "
                                      "enforcement change."),
) -> None:
    """Export the guidance for downstream systems and classifiers; output is deterministic.

    bundle: one JSON file with every document resolved (bundle.json). safeguard:
    a gpt-oss-safeguard policy prompt per active policy plus index.json with
    token estimates. llama-guard: the unsafe-categories block with each
    policy's pinned code. cope: a CoPE policy text per active policy. eval:
    labelled JSONL from examples and SOP cases with a deterministic split. dsa:
    DSA statement-of-reasons fields per action, rule and outcome (dsa.json,
    dsa.csv). --locale exports a translation (translations under
    translations/<locale>/guidance.po). Guidance with check errors is not
    exported. Exit 0 on success
    (warnings on standard error), 1 on an export error, 2 on a usage error.
    """
    config = resolve_config(root, [])
    checked = run_check(config)
    errors = [f for f in checked.findings if f.severity is Severity.ERROR]
    if errors or checked.corpus is None:
        _echo_findings(errors)
        typer.echo(f"guidekit: not exported: the guidance has {len(errors)} check errors", err=True)
        raise typer.Exit(ExitCode.FINDINGS)
    kind = str(kind)
    if locale is None:
        result = get_exporter(kind)(checked.corpus)
    else:
        from guidekit.i18n.exports import export_in

        result = export_in(kind, checked.corpus, locale)
    _echo_findings(result.findings)
    if result.failed:
        what = f"{kind} in {locale}" if locale else kind
        typer.echo(f"guidekit: not exported: {what} has errors", err=True)
        raise typer.Exit(ExitCode.FINDINGS)
    for path in _write(result, out):
        typer.echo(f"wrote {path}", err=True)
