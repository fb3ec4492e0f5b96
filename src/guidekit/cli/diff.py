"""`guidekit diff`, `guidekit changelog` and `guidekit history`.

Engines and reporters are imported when a command runs, so that other
commands do not pay for the diff machinery at start-up. The body of `diff`
is guidekit.cli.diff_run, shared with the start-up fast path.
"""

from __future__ import annotations

from pathlib import Path

import typer

from guidekit.cli.common import OUTPUT_OPTION, ROOT_OPTION, VERBOSE_OPTION, choice, output_stream
from guidekit.cli.diff_run import DIFF_FORMATS, GATES, DiffRequest, run_diff
from guidekit.cli.fastparams import FastCommand
from guidekit.loading.root import guidance_root


def _gates(values: list[str]) -> list[str]:
    check = choice(GATES)
    return [v for v in values if check(v)]


def diff(
    base: str = typer.Argument("HEAD", help="Base revision: a commit, tag, branch or HEAD~3."),
    head: str | None = typer.Argument(None, help="Head revision. Default: the working tree "
                                      "(uncommitted and untracked files included)."),
    root: Path | None = ROOT_OPTION,
    fmt: str = typer.Option("text", "--format", "-f", callback=choice(DIFF_FORMATS),
                            help=f"Output format: {', '.join(DIFF_FORMATS)}. markdown is a pull-request "
                            "comment, html a self-contained redline page."),
    fail_on: list[str] = typer.Option([], "--fail-on", callback=_gates,
                                      help="Exit 1 when a change with this impact is present "
                                      "(stricter, looser or breaking; repeatable). A CI gate for a "
                                      "second approver."),
    output: Path | None = OUTPUT_OPTION,
    path: list[str] = typer.Option([], "--path", help="Only these files or folders (relative to the "
                                   "guidance root). Repeatable."),
    max_chars: int = typer.Option(60_000, "--max-chars", min=2_000, help="markdown: the size limit "
                                  "of the comment; details past it are left out with a note."),
    verbose: bool = VERBOSE_OPTION,
) -> None:
    """What changed in the guidance between two revisions, by meaning.

    Documents match by id (a moved file is "moved"), rules by rule id, Markdown
    sections by heading path with word-level redlines. Each change is added,
    removed, modified or moved, and stricter, looser, breaking, editorial or
    metadata; action order comes from the taxonomy ranks. Exit 0, or 1 when
    --fail-on matches, 2 on a usage error (unknown revision, not a git repository,
    shallow clone without BASE).
    """
    code = run_diff(DiffRequest(base=base, head=head, root=root, fmt=fmt, fail_on=tuple(fail_on),
                                output=output, path=tuple(path), max_chars=max_chars, verbose=verbose))
    if code:
        raise typer.Exit(code)


def changelog(
    since: str = typer.Option(..., "--since", help="Start of the range (exclusive): a tag, commit or branch."),
    until: str = typer.Option("HEAD", "--until", help="End of the range (inclusive)."),
    root: Path | None = ROOT_OPTION,
    fmt: str = typer.Option("markdown", "--format", "-f", callback=choice(("markdown", "json")),
                            help="Output format: markdown or json."),
    output: Path | None = OUTPUT_OPTION,
) -> None:
    """Release notes grouped by policy: each document's net change and impact, with the
    commits (short sha, author, date) that made it and a one-line summary of each."""
    from guidekit.diff.history import build_changelog
    from guidekit.report.diff_history import write_changelog

    log = build_changelog(guidance_root(root), since, until)
    with output_stream(output) as stream:
        write_changelog(log, stream, fmt)


def history(
    doc_id: str = typer.Argument(..., metavar="ID", help="A policy, SOP or document id (plain Markdown: "
                                 "its path without the extension)."),
    rev: str = typer.Option("HEAD", "--rev", help="Walk history back from this revision."),
    root: Path | None = ROOT_OPTION,
    fmt: str = typer.Option("text", "--format", "-f", callback=choice(("text", "markdown", "json")),
                            help="Output format: text, markdown or json."),
    output: Path | None = OUTPUT_OPTION,
) -> None:
    """Every commit that changed one document, newest first, followed across moves and
    renames by id, each with the semantic summary of that commit's change."""
    from guidekit.diff.history import document_history
    from guidekit.report.diff_history import write_history

    h = document_history(guidance_root(root), doc_id, rev)
    with output_stream(output) as stream:
        write_history(h, stream, fmt)


def register(app: typer.Typer) -> None:
    app.command("diff", cls=FastCommand)(diff)
    app.command("changelog", cls=FastCommand)(changelog)
    app.command("history", cls=FastCommand)(history)
