"""The handbook's interface in its reader's language: gettext catalogs read through Babel.

Every word the handbook itself says (headings, labels, buttons, notices,
search messages, dates) comes from a catalog; the guidance's own text does
not. Catalogs are ``locales/<locale>/LC_MESSAGES/handbook.po`` in this
package, the form translation tools read and write, compiled in memory the
first time a build needs one, so there is no ``.mo`` file to keep in step.
``make messages`` extracts new strings into ``handbook.pot`` and merges them
into every catalog.

A handbook's ``locale`` picks its catalog: the exact locale, else its
language (``de-AT`` -> ``de``), else English with a warning for the author.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

if TYPE_CHECKING:
    from guidekit.i18n.content import Notice

__all__ = ["DOMAIN", "LOCALES", "SOURCE_LOCALE", "UI", "shipped_locales", "translation_notice", "ui_for"]

DOMAIN = "handbook"
LOCALES = Path(__file__).resolve().parent / "locales"
SOURCE_LOCALE = "en"


@dataclass(frozen=True)
class UI:
    """One locale's interface strings and date format."""

    locale: str  # the catalog's locale in Babel's form, e.g. "pt_BR"
    translations: gettext.NullTranslations
    date_locale: str = ""  # the handbook's own locale when Babel knows it (en-GB dates differ)

    @property
    def tag(self) -> str:
        """The locale as a BCP 47 tag for ``lang=""``, e.g. "pt-BR"."""
        return self.locale.replace("_", "-")

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def date(self, day: dt.date | None) -> str:
        return format_date(day, format="long", locale=self.date_locale or self.locale) if day else ""


def shipped_locales() -> tuple[str, ...]:
    """Every locale with a catalog, the source locale first."""
    found = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return (SOURCE_LOCALE, *(f for f in found if f != SOURCE_LOCALE))


@cache
def _compiled(locale: str) -> UI:
    with (LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return UI(locale, Translations(fp=buf, domain=DOMAIN))


def _candidates(tag: str) -> list[str]:
    try:
        loc = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return []
    out = [str(loc)]
    if loc.language == "zh" and (loc.script == "Hans" or loc.territory in (None, "CN", "SG")):
        out.append("zh_Hans")
    out.append(loc.language)
    return out


def ui_for(tag: str | None) -> tuple[UI, str | None]:
    """The interface for a handbook's ``locale``, and a warning when it falls back to English."""
    tag = tag or SOURCE_LOCALE
    shipped = set(shipped_locales())
    cands = _candidates(tag)
    for cand in cands:
        if cand in shipped:
            ui = _compiled(cand)
            return (ui if cands[0] == cand else replace(ui, date_locale=cands[0])), None
    return _compiled(SOURCE_LOCALE), (
        f"locale {tag} has no handbook catalog; its interface is in English "
        f"(catalogs: {', '.join(sorted(shipped)).replace('_', '-')})")


def translation_notice(notice: Notice, ui: UI, *, whole_page: bool = False) -> str:
    """What a reader of a translated handbook is told where the source text is shown: for
    a rule, why (not yet translated; changed since, and how); for a page, that parts are."""
    _ = ui.gettext
    if whole_page:
        return (_("Parts of this page changed since they were translated and are shown in the "
                  "original language.") if notice.state == "stale"
                else _("Parts of this page are not yet translated and are shown in the original language."))
    impact = notice.impact.value if notice.impact is not None else None
    if notice.state == "missing":
        return _("Not yet translated: the original text is shown.")
    if impact == "stricter":
        return _("This rule became stricter since it was translated: the original text is shown "
                 "until the translation is updated.")
    if impact == "looser":
        return _("This rule became less strict since it was translated: the original text is shown "
                 "until the translation is updated.")
    if impact == "breaking":
        return _("This rule changed since it was translated: the original text is shown until the "
                 "translation is updated.")
    return _("The wording changed since it was translated: the original text is shown until the "
             "translation is updated.")
