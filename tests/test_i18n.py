"""The interface in English and Russian: Babel's catalogues hold every word the code and the
templates mark, the Russian one translates each with its placeholders kept, and a reader
who asks for Russian (Accept-Language or ?lang=) gets Russian pages with a switcher back,
over real HTTP. Data labels stay as the data gives them."""

from __future__ import annotations

import configparser
import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from servers import project_app
from turkestan_kg.web.i18n import LANGUAGES, READY, SOURCE
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "turkestan_kg" / "web"
LOCALES = WEB / "locales"


def marked() -> set[str]:
    """Every message the code and the templates mark, as Babel's extractor finds them with
    the project's babel.cfg."""
    config = configparser.ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = [
        (section.split(":", 1)[1].strip(), section.split(":", 1)[0])
        for section in config.sections()
    ]
    options_map = {pattern: dict(config[f"{method}: {pattern}"]) for pattern, method in method_map}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(WEB, method_map, options_map, keywords=keywords)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


def catalogue(path: Path, locale: str | None = None) -> Catalog:
    return read_po(io.BytesIO(path.read_bytes()), locale=locale)


def ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_holds_every_marked_message() -> None:
    assert ids(catalogue(LOCALES / "messages.pot")) == marked()


@pytest.mark.parametrize("locale", sorted({*LANGUAGES, *READY} - {SOURCE}))
def test_each_catalogue_follows_the_template(locale: str) -> None:
    po = catalogue(LOCALES / locale / "LC_MESSAGES" / "messages.po", locale)
    assert ids(po) == ids(catalogue(LOCALES / "messages.pot"))


@pytest.mark.parametrize("locale", sorted(set(LANGUAGES) - {SOURCE}))
def test_an_interface_language_is_translated_whole_with_its_placeholders(locale: str) -> None:
    po = catalogue(LOCALES / locale / "LC_MESSAGES" / "messages.po", locale)
    untranslated = [
        m.id
        for m in po
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert untranslated == []
    problems = [(m.id, errors) for m, errors in po.check() if errors]
    assert problems == []  # Babel's checkers: python-format placeholders, plural forms


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with project_app(Limits(timeout=10, max_results=100)) as app, running(app) as url:
        yield url


def page(url: str, language: str | None = None) -> tuple[int, str]:
    headers = {"Accept": "text/html", **({"Accept-Language": language} if language else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_a_russian_reader_gets_a_russian_page(base: str) -> None:
    status, html = page(base + "/person/turar-risqulov", "ru-RU,ru;q=0.9,en;q=0.5")
    assert status == 200
    assert '<html lang="ru">' in html and "<h2>Факты</h2>" in html and "Поиск по имени" in html
    assert '<b lang="ru">Русский</b>' in html
    assert 'href="/person/turar-risqulov?lang=en"' in html  # the way back
    assert "Рыскулов" in html or "Rïsqulov" in html  # the data's own labels


def test_lang_in_the_address_wins_and_the_default_is_english(base: str) -> None:
    _, russian = page(base + "/?lang=ru", "en")
    assert "Состав партии в 1922 году" in russian and "Сохранённые запросы" in russian
    _, english = page(base + "/")
    assert '<html lang="en">' in english and "Membership in 1922" in english
    _, untranslated = page(base + "/", "uz")  # a catalogue with nothing in it yet
    assert "Membership in 1922" in untranslated


def test_search_and_404_speak_russian(base: str) -> None:
    query = urllib.parse.urlencode({"q": "Рыскулов", "lang": "ru"})
    status, found = page(f"{base}/search?{query}")
    assert status == 200 and "для «Рыскулов», сначала лучшее" in found
    assert 'name="lang" value="ru"' in found  # the next search stays in Russian
    status, missing = page(base + "/person/ryskulov", "ru")
    assert status == 404 and "404 Не найдено" in missing and "Возможно, вы искали:" in missing


def test_a_stored_query_page_counts_rows_in_russian(base: str) -> None:
    status, html = page(base + "/queries/leaders-in-year?year=1921&lang=ru")
    assert status == 200 and "2 строки" in html and "Параметры запроса:" in html
