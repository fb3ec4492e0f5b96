"""Output for `guidekit changelog` (Markdown, JSON) and `guidekit history` (text, Markdown, JSON)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from guidekit import __version__
from guidekit.diff.history import Changelog, CommitChange, History
from guidekit.report.diff_json import document_dict
from guidekit.report.diff_markdown import BADGE
from guidekit.report.paths import from_top

__all__ = ["CHANGELOG_FORMATS", "HISTORY_FORMATS", "write_changelog", "write_history"]

CHANGELOG_FORMATS = ("markdown", "json")
HISTORY_FORMATS = ("text", "markdown", "json")


def _md(text: str) -> str:
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").split())


def _top(root: str, path: str | None) -> str | None:
    return None if path is None else from_top(root, path)


def _commit_dict(c: CommitChange, root: str, *, with_document: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sha": c.sha,
        "short": c.short,
        "author": c.author,
        "date": c.date,
        "subject": c.subject,
        "change": c.change.value,
        "impact": c.impact.value,
        "summary": c.summary,
        "path": _top(root, c.path),
        "old_path": _top(root, c.old_path),
    }
    if with_document:
        out["document"] = document_dict(c.document, root)
    return out


def _commit_line(c: CommitChange) -> str:
    return (f"- `{c.short}` {c.date[:10]} {_md(c.author)}: {_md(c.subject)} — "
            f"{BADGE[c.impact]}, {_md(c.summary)}")


def changelog_markdown(log: Changelog) -> str:
    lines = [f"## What changed: {log.since.label} → {log.until.label}", ""]
    if not log.entries:
        return "\n".join([*lines, "No guidance changed.", ""])
    for e in log.entries:
        d = e.document
        lines += [f"### {BADGE[d.impact]} · {d.id}: {_md(d.title)}", "",
                  f"{d.change.value.capitalize()}: {_md(e.summary)}", ""]
        lines += [_commit_line(c) for c in e.commits]
        lines.append("")
    return "\n".join(lines)


def changelog_dict(log: Changelog) -> dict[str, Any]:
    return {
        "tool": "guidekit",
        "version": __version__,
        "since": {"ref": log.since.ref, "sha": log.since.sha},
        "until": {"ref": log.until.ref, "sha": log.until.sha},
        "root": log.root,
        "entries": [
            {
                "id": e.id,
                "title": e.document.title,
                "path": _top(log.root, e.document.path),
                "change": e.document.change.value,
                "impact": e.impact.value,
                "summary": e.summary,
                "commits": [_commit_dict(c, log.root, with_document=False) for c in e.commits],
                "document": document_dict(e.document, log.root),
            }
            for e in log.entries
        ],
    }


def write_changelog(log: Changelog, stream: TextIO, fmt: str) -> None:
    if fmt == "json":
        json.dump(changelog_dict(log), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    else:
        stream.write(changelog_markdown(log))


def history_text(h: History) -> str:
    lines = [f"History of {h.id} up to {h.rev.label}: {len(h.entries)} commit"
             f"{'s' if len(h.entries) != 1 else ''}", ""]
    for c in h.entries:
        where = _top(h.root, c.path) if c.old_path is None else \
            f"{_top(h.root, c.old_path)} → {_top(h.root, c.path)}"
        lines.append(f"{c.short}  {c.date[:10]}  {c.impact.value:<9}  {c.change.value:<8}  {c.subject}")
        lines.append(f"         {where}: {c.summary}")
    return "\n".join(lines) + "\n"


def history_markdown(h: History) -> str:
    lines = [f"## History of {h.id}", ""]
    lines += [_commit_line(c) + (f" (moved from `{_top(h.root, c.old_path)}`)" if c.old_path else "")
              for c in h.entries]
    return "\n".join([*lines, ""])


def write_history(h: History, stream: TextIO, fmt: str) -> None:
    if fmt == "json":
        data = {"tool": "guidekit", "version": __version__, "id": h.id,
                "rev": {"ref": h.rev.ref, "sha": h.rev.sha}, "root": h.root,
                "commits": [_commit_dict(c, h.root, with_document=True) for c in h.entries]}
        json.dump(data, stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "markdown":
        stream.write(history_markdown(h))
    else:
        stream.write(history_text(h))
