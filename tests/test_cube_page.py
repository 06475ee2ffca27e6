"""A statistical data set's page shows its numbers: a row per observation, a column per
component of its structure, and each count's share of the total worked out beside the
percentage the source prints."""

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


def table(base: str, path: str) -> list[list[str]]:
    request = urllib.request.Request(base + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        html = answer.read().decode()
    found = re.search(r'<table class="results cube">(.*?)</table>', html, re.S)
    assert found, "no statistics table"
    rows = re.findall(r"<tr>(.*?)</tr>", found[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def test_the_1922_composition_is_a_table_of_counts_and_shares(base: str) -> None:
    rows = table(base, "/dataset/composition-1922")
    assert rows[0][:3] == ["reference year", "ethnic category", "member count"]
    assert rows[1][1:3] == ["Russians", "9424"] and rows[1][-2:] == ["49.7", "49.7 %"]
    assert rows[-1][1:3] == ["Total", "18945"] and rows[-1][-1] == "100.0 %"
    # every share the source prints is the one the counts give, to its one decimal
    for row in rows[1:-1]:
        assert row[-1] == f"{row[-2]} %", row


def test_the_purge_has_its_shares_worked_out(base: str) -> None:
    rows = table(base, "/dataset/purge-1922?lang=ru")
    assert rows[0][-1] == "доля от общего числа (вычислена)"
    assert [r[1:] for r in rows[1:]] == [
        ["Russian Orthodox", "1500", "100.0 %"],
        ["Muslim", "0", "0.0 %"],
    ]


def test_a_page_that_is_not_a_data_set_has_no_table(base: str) -> None:
    with pytest.raises(AssertionError, match="no statistics table"):
        table(base, "/person/turar-risqulov")
