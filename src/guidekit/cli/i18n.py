"""`guidekit i18n extract|init|update|status`: translation catalogs of the guidance."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guidekit.cli.common import OUTPUT_OPTION, choices, resolve_config, root_option
from guidekit.errors import ExitCode, GuidekitError

ACTIONS = ("extract", "init", "update", "status")

if TYPE_CHECKING:
    Action = str
    Format = str
else:
    Action = choices("Action", ACTIONS)
    Format = choices("Format", ("text", "json"))


def i18n(
    action: Action = typer.Argument(..., help="extract: write the template of every unit; init: start a locale's "
                                 "catalog; update: merge the guidance's current units into catalogs, "
                                 "marking changed ones stale with what changed; status: what is "
                                 "translated, missing or stale, per locale and document."),
    locale: list[str] = typer.Option([], "--locale", "-l", help="A locale (BCP 47, e.g. pt-BR); repeat for "
                                     "several. Default: every locale of translations.locales."),
    root: Path | None = root_option(paths=False),
    fmt: Format = typer.Option("text", "--format", "-f", help="Output of status: text or json."),
    output: Path | None = OUTPUT_OPTION,
) -> None:
    """Translated guidance: units by stable id, gettext catalogs, staleness by meaning.

    Catalogs are gettext PO files, one per locale, under translations/<locale>/guidance.po
    (Poedit, Weblate, Crowdin and msgfmt read them). A translation is stale with the
    impact the diff engine gives its source's change: stricter, looser or breaking
    enforcement changes are errors for required locales, rewording a warning, a
    reflow nothing. Exit 1 from status when a unit is missing or stale.
    """
    action = str(action)
    fmt = str(fmt)
    from guidekit.i18n.catalog import TEMPLATE_NAME, Catalog, catalog_path, shown_path, write_catalog
    from guidekit.i18n.catalog import Planned as _Planned
    from guidekit.i18n.engine import (
        collect_units,
        enforcement_changes,
        entry_files,
        load_catalogs,
        settings_of,
        unit_states,
        unjudged_documents,
        write_update,
    )
    from guidekit.i18n.units import key_document

    config = resolve_config(root)
    settings = settings_of(config)
    unfit: list[str] = []
    units = collect_units(config, unfit=unfit)
    head = _head(config.root)
    if action == "extract":
        path = output or settings.folder / TEMPLATE_NAME
        write_catalog(path, None, [_Planned(u) for u in units.values()], revision=head)
        typer.echo(f"{len(units)} units written to {path}")
        return
    locales = tuple(locale) or settings.locales
    if not locales:
        raise GuidekitError("no locale: pass --locale, or list them under translations.locales in guidekit.yaml")
    if action == "init":
        for loc in locales:
            path = catalog_path(settings.folder, loc)
            if path.exists():
                raise GuidekitError(f"{path} exists; `guidekit i18n update --locale {loc}` brings it up to date")
            write_update(settings, Catalog(loc, path, None, {}), units, {}, head)
            typer.echo(f"{loc}: {len(units)} units to translate in {path}")
        return
    if action == "update" and unfit:
        # its units are unknown: update would take their translations for leftovers and drop them
        shown = ", ".join(unfit[:5]) + (f" and {len(unfit) - 5} more" if len(unfit) > 5 else "")
        raise GuidekitError(f"not updating the catalogs: {shown} do(es) not load or fit the schema, so "
                            "their translations would be taken for leftovers",
                            hint="`guidekit check` says what is wrong; fix it, then update")
    catalogs = load_catalogs(settings, locales)
    if action == "update" and head and _dirty(config.root):
        typer.echo("guidekit: the guidance has uncommitted changes: translations are dated to the last commit, "
                   "so changes not yet committed will show as stale again; update after committing", err=True)
    if action == "update":
        # one diff per revision, not one per locale (catalogs updated together share it)
        diffs = {rev: enforcement_changes(config.root, rev) for rev in {cat.revision for cat in catalogs}}
        for cat in catalogs:
            changes, note = diffs[cat.revision]
            if note:
                typer.echo(f"guidekit: {cat.locale}: {note}; stale translations judged by their text only", err=True)
            planned = write_update(settings, cat, units, changes, head or cat.revision)
            counts = Counter(p.stale_note.split(")")[0] for p in planned if p.fuzzy and p.stale_note)
            new = sum(1 for p in planned if p.unit.key not in cat.entries and not p.translation)
            stale = ", ".join(f"{n} {impact}" for impact, n in sorted(counts.items()))
            typer.echo(f"{cat.locale}: {len(planned)} units, {new} new, "
                       f"{sum(counts.values())} stale{f' ({stale})' if stale else ''} -> {cat.path}")
        return
    # status
    report: list[dict[str, object]] = []
    failed = False
    if unfit:
        shown = ", ".join(unfit[:5]) + (f" and {len(unfit) - 5} more" if len(unfit) > 5 else "")
        typer.echo(f"guidekit: {shown} do(es) not load or fit the schema: their translations are not judged "
                   "(`guidekit check` says what is wrong)", err=True)
    held = {u.doc for u in units.values()}
    for cat in catalogs:
        changes, note = enforcement_changes(config.root, cat.revision)
        # the entries of a file that does not load are not left over: its units are unknown
        left = unjudged_documents(dict.fromkeys(unfit), entry_files(cat.entries.values()), held)
        states = [s for s in unit_states(units, cat, changes) if s.unit is not None or key_document(s.key) not in left]
        per_doc: dict[str, Counter[str]] = {}
        for s in states:
            doc = s.unit.doc if s.unit else "(gone)"
            per_doc.setdefault(doc, Counter())[s.state if s.state != "stale" else f"stale-{s.impact}"] += 1
        items = [{"key": s.key, "state": s.state, "impact": s.impact.value if s.impact else None,
                  "note": s.note, "path": s.unit.span.path if s.unit else shown_path(cat.path, config.root),
                  "line": s.unit.span.line if s.unit else (s.entry.line if s.entry else 0)}
                 for s in states if s.state != "current"]
        total = Counter(s.state for s in states)
        report.append({"locale": cat.locale, "catalog": shown_path(cat.path, config.root), "revision": cat.revision,
                       "note": note,
                       "units": sum(1 for s in states if s.unit), "translated": total["current"],
                       "missing": total["missing"], "stale": total["stale"], "orphaned": total["orphaned"],
                       "documents": {d: dict(c) for d, c in sorted(per_doc.items())}, "entries": items})
        failed |= bool(total["stale"] or total["missing"])
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _status_text(report)
    if output is not None:
        from guidekit.fsutil import atomic_write_text

        atomic_write_text(output, text)
    else:
        typer.echo(text, nl=False)
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)


def _head(root: Path) -> str | None:
    from guidekit import git

    try:
        return git.run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip() or None
    except (git.GitCommandError, GuidekitError):
        return None


def _dirty(root: Path) -> bool:
    from guidekit import git

    try:
        return bool(git.run(root, "status", "--porcelain", "--", ".").strip())
    except (git.GitCommandError, GuidekitError):
        return False


def _status_text(report: list[dict[str, object]]) -> str:
    lines = []
    for r in report:
        lines.append(f"{r['locale']}: {r['translated']} of {r['units']} units current, {r['missing']} missing, "
                     f"{r['stale']} stale, {r['orphaned']} orphaned ({r['catalog']})")
        if r["note"]:
            lines.append(f"  note: {r['note']}")
        for doc, counts in r["documents"].items():  # type: ignore[attr-defined]
            if set(counts) - {"current"}:
                parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k != "current")
                lines.append(f"  {doc}: {parts}")
        for e in r["entries"]:  # type: ignore[attr-defined]
            if e["state"] != "missing":
                impact = f" ({e['impact']})" if e["impact"] else ""
                lines.append(f"    {e['path']}:{e['line']}: {e['state']}{impact} {e['key']}: {e['note']}")
    return "\n".join(lines) + "\n"
