"""A person's and a body's page read like history: each role held is a sentence (who, what
role, of what, when, how it was gained, from which source), the earliest first, in the
interface's language; and what refers to the entity is grouped by relation."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest

from servers import project_app
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with project_app(Limits(timeout=10, max_results=100)) as app, running(app) as url:
        yield url


def html(base: str, path: str) -> str:
    request = urllib.request.Request(base + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(answer.read().decode())


def sentences(page: str) -> list[str]:
    found = re.search(r'<ul class="roles">(.*?)</ul>', page, re.S)
    items = re.findall(r"<li>(.*?)</li>", found[1], re.S) if found else []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_a_person_page_says_the_role_as_a_sentence(base: str) -> None:
    assert sentences(html(base, "/person/nazir-turiakylov")) == [
        "Nazir Turiakylov: leader of Communist Party of Turkestan, 1920\u20131922 · Infobox"
    ]
    risqulov = sentences(html(base, "/person/turar-risqulov"))
    assert risqulov[0].startswith("Turar Rïsqulov: chairman of Muslim Bureau (election) · Lead")


def test_the_party_page_lists_its_leaders_earliest_first_in_russian(base: str) -> None:
    said = sentences(html(base, "/organization/communist-party-of-turkestan?lang=ru"))
    assert [s.split(":")[0] for s in said] == [
        "Pyotr Kobozev",
        "Abdullo Rakhimbayev",
        "Nazir Turiakylov",
        "Abdullo Rakhimbayev",
        "Ferdinand Svetlov",
    ]
    assert said[0] == "Pyotr Kobozev: leader, Коммунистическая партия Туркестана, 1919 · Infobox"


def test_what_refers_to_an_entity_is_grouped_by_relation(base: str) -> None:
    page = html(base, "/organization/communist-party-of-turkestan")
    table = re.search(r'<table class="incoming">(.*?)</table>', page, re.S)
    assert table
    relations = re.findall(r"<tr><th>(.*?)</th>", table[1])
    assert len(relations) == len(set(relations)) and "concerns" in relations
    concerns = re.search(r"<tr><th>concerns</th><td>(.*?)</td></tr>", table[1], re.S)
    assert concerns and concerns[1].count("<a ") >= 3
