"""The interface in the reader's language, through Babel's gettext catalogues.

The words of the site (headings, buttons, messages) are marked in the templates with
``_()`` and in the code with :func:`N_`; ``locales/messages.pot`` lists them (made by
Babel's extractor, ``babel.cfg``), and ``locales/LANG/LC_MESSAGES/messages.po`` translates
them. A catalogue is read once, from its ``.po`` text: no compiled file is kept. The
language is the first of the reader's (``?lang=``, then ``Accept-Language``) that has a
translated catalogue, else English. Catalogues for Uzbek, Kazakh, Kyrgyz and Tajik are
there, empty, for translators to fill.

>>> translator(["de", "ru", "en"]).gettext("Search")
'Поиск'
>>> translator(["uz"]).gettext("Search")  # an empty catalogue: English
'Search'
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from babel.support import Translations

SOURCE = "en"
"""The language the interface is written in."""
LANGUAGES = {"en": "English", "ru": "Русский"}
"""The interface's languages (each with a translated catalogue), in their own names."""
READY = ("uz", "kk", "ky", "tg")
"""Languages whose catalogues are there, untranslated."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Interface:
    """The interface language chosen for a request, and its translations."""

    language: str
    translations: Translations

    def gettext(self, message: str) -> str:
        return str(self.translations.ugettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(self.translations.ungettext(singular, plural, n))


def interface_language(preferred: list[str]) -> str:
    """The first of ``preferred`` (language tags, best first) the interface speaks; a
    regional tag counts for its language (``ru-RU`` is ``ru``).

    >>> interface_language(["ru-RU", "en"]), interface_language(["de"])
    ('ru', 'en')
    """
    for tag in preferred:
        language = tag.lower().split("-")[0]
        if language in LANGUAGES:
            return language
    return SOURCE


def translator(preferred: list[str]) -> Interface:
    """The interface for a reader who prefers ``preferred``."""
    language = interface_language(preferred)
    return Interface(language, catalogue(language))


@cache
def catalogue(language: str) -> Translations:
    """The translations of ``language``, read from its ``.po`` catalogue (none for the
    source language, whose words are the messages themselves)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if language == SOURCE:
        return NullTranslations()  # type: ignore[return-value]
    text = (locales() / language / "LC_MESSAGES" / "messages.po").read_bytes()
    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(text), locale=language))
    compiled.seek(0)
    return Translations(compiled)


def locales() -> Traversable:
    """The folder of catalogues inside the package."""
    return files("turkestan_kg.web") / "locales"
