"""Output for `guidekit changelog` (Markdown, JSON) and `guidekit history` (text, Markdown, JSON)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from guidekit import __version__
from guidekit.diff.history import Changelog, CommitChange, History, TranslationLog
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


def _revised(t: TranslationLog) -> tuple[int, int]:
    """(units translated for the first time, units whose translation was revised)."""
    units = t.translations.units
    revised = sum(1 for u in units if u.note == "revised")
    return len(units) - revised, revised


def _translations_markdown(log: Changelog) -> list[str]:
    """Per locale: the units translated or revised over the range, by document, and the
    commits that changed the catalog."""
    touched = [t for t in log.translations if t.translations.units or t.commits or t.translations.note]
    if not touched:
        return []
    lines = ["## Translations", ""]
    for t in touched:
        lt = t.translations
        new, revised = _revised(t)
        lines += [f"### {_md(lt.locale)}{' (required)' if lt.required else ''}", "",
                  f"{new} unit{'s' * (new != 1)} translated, {revised} revised, in "
                  f"`{_top(log.root, lt.catalog)}`" + (f" ({_md(lt.note)})" if lt.note else "") + ".", ""]
        per_doc: dict[str, list[int]] = {}
        for u in lt.units:
            per_doc.setdefault(u.document, [0, 0])[u.note == "revised"] += 1
        lines += [f"- {_md(doc)}: {n[0]} translated, {n[1]} revised" for doc, n in sorted(per_doc.items())]
        if lt.units:
            lines += ["", "<details>", f"<summary>{len(lt.units)} units</summary>", ""]
            lines += [f"- `{u.key}` — {u.note}" for u in lt.units]
            lines += ["", "</details>"]
        if t.commits:
            lines += ["", *(f"- `{c.short}` {c.date.date().isoformat()} {_md(c.author)}: {_md(c.summary)}"
                            for c in t.commits)]
        lines.append("")
    return lines


def changelog_markdown(log: Changelog) -> str:
    lines = [f"## What changed: {log.since.label} → {log.until.label}", ""]
    if not log.entries:
        return "\n".join([*lines, "No guidance changed.", "", *_translations_markdown(log)])
    for e in log.entries:
        d = e.document
        lines += [f"### {BADGE[d.impact]} · {d.id}: {_md(d.title)}", "",
                  f"{d.change.value.capitalize()}: {_md(e.summary)}", ""]
        lines += [_commit_line(c) for c in e.commits]
        lines.append("")
    return "\n".join([*lines, *_translations_markdown(log)])


def _translation_dict(t: TranslationLog, root: str) -> dict[str, Any]:
    lt = t.translations
    new, revised = _revised(t)
    return {
        "locale": lt.locale,
        "required": lt.required,
        "catalog": _top(root, lt.catalog),
        "note": lt.note,
        "translated": new,
        "revised": revised,
        "units": [{"key": u.key, "document": u.document, "change": u.note,
                   "location": {"path": _top(root, u.span.path), "line": u.span.line} if u.span else None}
                  for u in lt.units],
        "commits": [{"sha": c.sha, "short": c.short, "author": c.author, "date": c.date.isoformat(),
                     "subject": c.summary} for c in t.commits],
    }


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
        **({"translations": [_translation_dict(t, log.root) for t in log.translations]} if log.translations else {}),
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
