"""`guidekit diff`, `guidekit changelog` and `guidekit history`.

Engines and reporters are imported when a command runs, so that other
commands do not pay for the diff machinery at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guidekit.cli.common import VERBOSE_OPTION, choices, output_stream, root_option, use_color
from guidekit.cli.outcome import echo_err
from guidekit.diff.model import Impact
from guidekit.errors import ExitCode
from guidekit.loading.root import guidance_root
from guidekit.report.diff_base import DIFF_REPORTERS

if TYPE_CHECKING:
    DiffFormat = str
    HistoryFormat = str
    ChangelogFormat = str
else:
    DiffFormat = choices("DiffFormat", DIFF_REPORTERS)
    HistoryFormat = choices("HistoryFormat", ("text", "markdown", "json"))
    ChangelogFormat = choices("ChangelogFormat", ("markdown", "json"))

_ROOT = root_option(paths=False)
_OUTPUT = typer.Option(None, "--output", "-o", "--out", metavar="FILE", dir_okay=False,
                       help="Write the report to FILE (atomically) instead of standard output.")


def diff(
    base: str = typer.Argument("HEAD", metavar="BASE",
                               help="Base revision: a commit, tag, branch or HEAD~3."),
    head: str | None = typer.Argument(None, metavar="HEAD", help="Head revision. Default: the "
                                      "working tree (uncommitted and untracked files included)."),
    root: Path | None = _ROOT,
    fmt: DiffFormat = typer.Option("text", "--format", "-f",
                                   help="Output format. markdown is a pull-request comment, html "
                                   "a self-contained redline page."),
    fail_on: list[Impact] = typer.Option([], "--fail-on", metavar=f"<{'|'.join(Impact)}>",
                                         help="Exit 1 when a change with this impact is present "
                                         "(repeatable). A CI gate for a second approver."),
    output: Path | None = _OUTPUT,
    path: list[str] = typer.Option([], "--path", metavar="PATH", help="Only these files or folders "
                                   "(relative to the guidance root). Repeatable."),
    max_chars: int = typer.Option(60_000, "--max-chars", metavar="N", min=2_000, help="markdown: "
                                  "the size limit of the comment; details past it are left out "
                                  "with a note."),
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
    import gc

    from guidekit.diff import diff_revisions  # nothing heavy: it starts git, then loads the engine
    from guidekit.report.diff_base import DiffReportOptions, get_diff_reporter

    # one short run that allocates many small objects and frees them by reference counting:
    # collect cycles rarely (Python's default ran ~57 collections per 50-policy diff)
    gc.set_threshold(50_000, 20, 20)
    where = guidance_root(root)
    changes = diff_revisions(where, base, head, paths=tuple(path))
    # imported once git has started: the modules it shares with the diff engine then load
    # while git works (before git, they delayed it by ~10 ms)
    from guidekit.i18n.changes import with_translations

    changes = with_translations(where, changes, tuple(path))
    reporter = get_diff_reporter(str(fmt))
    color = str(fmt) == "text" and use_color(output)
    options = DiffReportOptions(color=color, verbose=verbose, max_chars=max_chars)
    with output_stream(output) as stream:
        reporter(changes, stream, options)
    tripped = [gate for gate in dict.fromkeys(Impact(g) for g in fail_on) if changes.has(gate)]
    if tripped:
        parts = []
        for impact in tripped:
            docs = [d.id for d in changes.documents if impact in d.impacts]
            shown = ", ".join(docs[:5]) + (f" and {len(docs) - 5} more" if len(docs) > 5 else "")
            parts.append(f"{impact.value} changes in {len(docs)} document{'s' * (len(docs) != 1)} ({shown})")
        echo_err(f"guidekit: failed: --fail-on {', '.join(t.value for t in tripped)}: {'; '.join(parts)}")
        raise typer.Exit(ExitCode.FINDINGS)


def changelog(
    since: str = typer.Option(..., "--since", metavar="REV",
                              help="Start of the range (exclusive): a tag, commit or branch."),
    until: str = typer.Option("HEAD", "--until", metavar="REV", help="End of the range (inclusive)."),
    root: Path | None = _ROOT,
    fmt: ChangelogFormat = typer.Option("markdown", "--format", "-f", help="Output format."),
    output: Path | None = _OUTPUT,
) -> None:
    """Release notes grouped by policy.

    Each document's net change and impact, with the commits (short sha, author,
    date) that made it and a one-line summary of each; where guidekit.yaml lists
    translations, the units translated or revised per locale.
    """
    from guidekit.diff.history import build_changelog
    from guidekit.i18n.changes import with_changelog_translations
    from guidekit.report.diff_history import write_changelog

    where = guidance_root(root)
    log = with_changelog_translations(where, build_changelog(where, since, until))
    with output_stream(output) as stream:
        write_changelog(log, stream, str(fmt))


def history(
    doc_id: str = typer.Argument(..., metavar="ID", help="A policy, SOP or document id (plain Markdown: "
                                 "its path without the extension), or the document's path."),
    rev: str = typer.Option("HEAD", "--rev", metavar="REV", help="Walk history back from this revision."),
    root: Path | None = _ROOT,
    fmt: HistoryFormat = typer.Option("text", "--format", "-f", help="Output format."),
    output: Path | None = _OUTPUT,
) -> None:
    """Every commit that changed one document, newest first.

    Followed across moves and renames by id, each with the semantic summary of
    that commit's change.
    """
    from guidekit.diff.history import document_history
    from guidekit.report.diff_history import write_history

    h = document_history(guidance_root(root), doc_id, rev)
    with output_stream(output) as stream:
        write_history(h, stream, str(fmt))
