"""Finding an entity by any spelling of its name: the library call, `tkg search`, the
search box on every page and the 404 page all use the matcher reconciliation uses."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

import turkestan_kg
from servers import project_app
from turkestan_kg.cli import main
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

RISQULOV = "https://w3id.org/turkestan-kg/person/turar-risqulov"


@pytest.mark.parametrize("spelling", ["T. Ryskulov", "Рыскулов", "Risqulov", "RYSKULOV T."])
def test_the_library_finds_the_person_first(spelling: str) -> None:
    found = turkestan_kg.open().search(spelling)
    assert found[0].entity == RISQULOV, found[:2]


def test_tkg_search_lists_the_best_first_and_says_when_nothing_is_found() -> None:
    result = CliRunner().invoke(main, ["search", "Рыскулов"])
    assert result.exit_code == 0 and "person:turar-risqulov" in result.output.splitlines()[0]
    nothing = CliRunner().invoke(main, ["search", "xqzvw blorp"])
    assert nothing.exit_code == 0 and "nothing in the graph is named like" in nothing.output


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with project_app(Limits(timeout=10, max_results=100)) as app, running(app) as url:
        yield url


def page(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_every_page_has_the_search_box(base: str) -> None:
    for path in ("/", "/person/turar-risqulov", "/search"):
        status, html = page(base + path)
        assert status == 200 and 'role="search"' in html and 'action="/search"' in html


@pytest.mark.parametrize("spelling", ["T. Ryskulov", "Рыскулов"])
def test_the_search_page_links_the_entity_first(base: str, spelling: str) -> None:
    status, html = page(base + "/search?" + urllib.parse.urlencode({"q": spelling}))
    assert status == 200
    links = html.split('<ul class="suggestions">', 1)[1]
    assert links.index('href="/person/turar-risqulov"') < links.index("/membership/")


def test_a_search_with_nothing_to_find_says_so(base: str) -> None:
    status, html = page(base + "/search?q=qqq")
    assert status == 200 and "Nothing in the graph is named like" in html
    status, html = page(base + "/search?q=" + "x" * 20_000)
    assert status == 200


def test_a_missing_page_suggests_who_its_path_names(base: str) -> None:
    status, html = page(base + "/person/ryskulov")
    assert status == 404 and 'href="/person/turar-risqulov"' in html
