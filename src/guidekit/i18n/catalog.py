"""Translation catalogs: one gettext PO file per locale, read and written with polib.

``translations/<locale>/guidance.po`` holds, for every unit, ``msgctxt`` = the
unit's key, ``msgid`` = the source text the translation was made from,
``msgstr`` = the translation, ``#.`` comments that say what the unit is (and,
for a stale one, what changed), ``#:`` its file:line, and the ``fuzzy`` flag
(with ``#| msgid``, the previous source) when the source changed since. The
header's ``X-Guidekit-Revision`` is the git commit the catalog was last
brought up to date with: ``check`` diffs from there to see whether a rule's
enforcement changed under a translation.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from guidekit.fsutil import atomic_write_text

if TYPE_CHECKING:  # polib is imported to read or write a catalog (a cached check does neither)
    from guidekit.i18n.units import Unit

__all__ = ["CATALOG_NAME", "TEMPLATE_NAME", "Catalog", "Entry", "Planned", "catalog_path", "plural_forms",
           "read_catalog", "read_catalog_text", "read_revision", "shown_path", "write_catalog"]

CATALOG_NAME = "guidance.po"
TEMPLATE_NAME = "guidance.pot"
REVISION = "X-Guidekit-Revision"
STALE_MARK = "guidekit: stale ("  # the start of the #. line update writes on a stale entry


class Entry(NamedTuple):
    key: str
    source: str  # the msgid: the source text the translation was made from
    translation: str
    fuzzy: bool
    recorded: str | None  # the impact update recorded on a stale entry ("stricter", ...)
    line: int  # 1-based line of the entry in the PO file
    obsolete: bool = False
    previous: str | None = None  # the ``#| msgid`` of a stale entry: the source it was translated from
    note: str | None = None  # what update wrote changed on a stale entry ("action: ad_disapprove -> ...")
    # the file its unit was in when the entry was written (its first ``#:`` reference): what
    # names its document's file while that file does not load
    origin: str | None = None


class Catalog(NamedTuple):
    locale: str
    path: Path
    revision: str | None
    entries: dict[str, Entry]
    header: dict[str, str] = {}  # noqa: RUF012 - never mutated: the header as translators' tools left it


def catalog_path(folder: Path, locale: str) -> Path:
    return folder / locale / CATALOG_NAME


def shown_path(path: Path, root: Path) -> str:
    """A catalog's path as reports show it: relative to the guidance root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _recorded(comment: str) -> tuple[str | None, str | None]:
    """The impact and the note update recorded on a stale entry."""
    for line in comment.splitlines():
        if line.startswith(STALE_MARK):
            impact, _, note = line[len(STALE_MARK):].partition(")")
            return impact, note.removeprefix(":").strip() or None
    return None, None


def read_catalog(path: Path, locale: str) -> Catalog:
    """A catalog as translators' tools left it (entries in any order, lines wrapped any way).

    Raises ValueError (with a line where polib gives one) for a file that is not a PO file."""
    return _catalog(str(path), path, locale)


def read_catalog_text(text: str, path: Path, locale: str) -> Catalog:
    """A catalog from its text (a revision of it read from git); ``path`` is where it lives."""
    if not text.strip():
        return Catalog(locale, path, None, {})
    return _catalog(text, path, locale)


def _catalog(path_or_text: str, path: Path, locale: str) -> Catalog:
    import polib

    # the collector is paused while polib makes its objects: none of them is garbage
    # before the read ends, and each collection would walk all made so far (~7% of the read)
    collecting = gc.isenabled()
    gc.disable()
    try:
        po = polib.pofile(path_or_text, wrapwidth=0)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(str(err)) from None
    finally:
        if collecting:
            gc.enable()
    entries: dict[str, Entry] = {}
    for e in po:
        key = e.msgctxt
        if not key:
            continue
        comment = e.comment
        impact, note = _recorded(comment) if STALE_MARK in comment else (None, None)
        entries[key] = Entry(key, e.msgid, e.msgstr, "fuzzy" in e.flags, impact, e.linenum, bool(e.obsolete),
                             e.previous_msgid or None, note, e.occurrences[0][0] if e.occurrences else None)
    return Catalog(locale, path, po.metadata.get(REVISION) or None, entries, dict(po.metadata))


_HEAD = 1 << 16  # the most bytes read_revision reads to find the header's end


def read_revision(path: Path) -> str | None:
    """The revision a catalog's header records, read from its first entry alone (by polib):
    a first look for work that must start before the whole catalog is read. ``read_catalog``
    gives the revision that counts; this gives None where the header is not the first entry
    (ended by a blank line within the file's first 64 KiB), or the file cannot be read."""
    import polib

    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
        end = min((i for i in (head.find(b"\n\n"), head.find(b"\n\r\n")) if i >= 0), default=-1)
        if end < 0 and len(head) == _HEAD:
            return None
        po = polib.pofile((head[:end + 1] if end >= 0 else head).decode("utf-8"), wrapwidth=0)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return po.metadata.get(REVISION) or None


class Planned(NamedTuple):
    """One entry as update or init writes it."""

    unit: Unit
    translation: str = ""
    fuzzy: bool = False
    previous: str | None = None  # the old source of a stale entry
    stale_note: str | None = None  # "stricter: action ad_restrict -> ad_disapprove"


def plural_forms(locale: str) -> str | None:
    """The gettext ``Plural-Forms`` header of ``locale`` (BCP 47: pt-BR, zh-Hans) from
    Babel's table (its language's where Babel does not know the region: en-XA, es-419),
    or None for a language Babel does not know (no rule beats a wrong one: the units have
    no plural messages, so gettext's tools need none)."""
    from babel import Locale, UnknownLocaleError  # only writing a catalog needs Babel
    from babel.messages.plurals import get_plural

    for tag in dict.fromkeys((locale, locale.split("-")[0])):
        try:
            return get_plural(Locale.parse(tag, sep="-")).plural_forms
        except (UnknownLocaleError, ValueError):
            continue
    return None


def write_catalog(path: Path, locale: str | None, planned: Iterable[Planned], *, revision: str | None,
                  obsolete: Iterable[Entry] = (), header: dict[str, str] | None = None) -> None:
    """Write a PO file (``locale`` None: the template) atomically; ``header`` keeps what a
    translator's tool wrote there (last translator, team, revision date)."""
    import polib

    po = polib.POFile(wrapwidth=78)
    po.header = (f"{locale} translation of the guidance" if locale else "Template of the guidance's units") + \
        " (guidekit i18n: keys in msgctxt, staleness in #. comments)"
    po.metadata = {
        "Project-Id-Version": "guidance",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        **(header or {}),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    po.metadata.setdefault("X-Generator", "guidekit")
    if locale:
        po.metadata["Language"] = locale.replace("-", "_")
        forms = plural_forms(locale)
        if forms is not None:  # else what a translator's tool wrote, if anything
            po.metadata["Plural-Forms"] = forms
    if revision:
        po.metadata[REVISION] = revision
    for p in planned:
        u = p.unit
        comment = f"{u.what} ({u.doc})"
        if p.stale_note:
            comment += f"\n{STALE_MARK}{p.stale_note}"
        entry = polib.POEntry(msgctxt=u.key, msgid=u.text, msgstr=p.translation, comment=comment,
                              occurrences=[(u.span.path, str(u.span.line))])
        if p.fuzzy and p.translation:
            entry.flags.append("fuzzy")
            if p.previous is not None and p.previous != u.text:
                entry.previous_msgctxt = u.key
                entry.previous_msgid = p.previous
        po.append(entry)
    for old in obsolete:
        if old.translation:
            po.append(polib.POEntry(msgctxt=old.key, msgid=old.source, msgstr=old.translation, obsolete=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, str(po))
