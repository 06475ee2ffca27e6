"""Stored queries a page at a time: `tkg query --page`, StoredQuery.page and the text cut."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import turkestan_kg
from turkestan_kg import Dataset
from turkestan_kg.cli import main
from turkestan_kg.errors import QueryError
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.store import load_store
from turkestan_kg.sparql.catalogue import StoredQuery, get_query
from turkestan_kg.sparql.text import paged
from turkestan_kg.synth.roll import Generator, write_roll

PAGED = ("unlinked-entities", "facts-without-source", "labels-containing")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    work = tmp_path_factory.mktemp("paged")
    roll = work / "roll.nt"
    write_roll(roll, Generator(members=230, seed=8, defects=0.05))
    load_store(work / "store", load(root / "data", root / "ontology"), extra=[roll])
    return work / "store"


@pytest.fixture(scope="module")
def store(store_dir: Path) -> Dataset:
    return turkestan_kg.open(store=store_dir)


def rows(result: object) -> Counter[tuple[tuple[str, str], ...]]:
    return Counter(tuple(sorted((k, str(v)) for k, v in r.items())) for r in result.rows)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", PAGED)
def test_the_pages_of_a_growing_answer_are_the_whole_answer(store: Dataset, name: str) -> None:
    query = get_query(name)
    assert query.page_size == 100
    whole = rows(store.query(query, expect="result"))
    pages: Counter[tuple[tuple[str, str], ...]] = Counter()
    for number in range(1, 50):
        page = rows(store.query(query.page(number, 7), expect="result"))
        assert sum(page.values()) <= 7
        if not page:
            break
        pages += page
    assert pages == whole and sum(whole.values()) > 0


def test_the_pages_come_in_the_same_order_each_time(store: Dataset) -> None:
    query = get_query("unlinked-entities").page(2, 50)
    first, again = (store.query(query, expect="result").rows for _ in range(2))
    assert first == again and len(first) == 50


def test_a_query_without_a_page_size_keeps_its_order() -> None:
    query = get_query("tenures")
    assert query.page_size is None
    assert "ORDER BY" in query.page(1).text.upper()
    assert "ORDER BY" not in get_query("unlinked-entities").page(1).text.upper()
    kg = load()
    whole = Dataset.of(kg).query(query, expect="result").rows
    assert Dataset.of(kg).query(query.page(2, 2), expect="result").rows == whole[2:4]


def test_the_cut_reads_tokens_not_text() -> None:
    text = (
        "PREFIX x: <http://example.org/order#by>\n"
        "SELECT ?s WHERE { ?s x:p 'ORDER BY ?s' . { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 9 } }\n"
        "# ORDER BY in a comment\nORDER BY DESC(?s)"
    )
    cut = paged(text, 2, 5, keep_order=False)
    assert cut.endswith("\nLIMIT 5 OFFSET 5\n") and "DESC" not in cut
    assert "ORDER BY ?s LIMIT 9" in cut and "'ORDER BY ?s'" in cut
    assert "DESC(?s)\nLIMIT 5" in paged(text, 2, 5, keep_order=True)
    with pytest.raises(QueryError, match="own LIMIT"):
        paged("SELECT * { ?s ?p ?o } LIMIT 3", 1, 5, keep_order=True)


def test_what_cannot_be_paged_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="not a SELECT"):
        get_query("describe-entity").page(1)
    with pytest.raises(QueryError, match="from 1"):
        get_query("tenures").page(0)
    with pytest.raises(QueryError, match="past any answer"):
        get_query("unlinked-entities").page(10**20)
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\n#+ page-size: many\nSELECT * { ?s ?p ?o }\n", "utf-8")
    with pytest.raises(QueryError, match="page-size"):
        StoredQuery.from_file(bad)


def test_tkg_query_page(store_dir: Path) -> None:
    runner = CliRunner()
    args = ["query", "unlinked-entities", "--store", str(store_dir), "--format", "csv"]
    result = runner.invoke(main, [*args, "--page", "2", "--page-size", "25"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 26
    assert runner.invoke(main, ["query", "-e", "SELECT * {?s ?p ?o}", "--page", "1"]).exit_code == 2
    refused = runner.invoke(main, ["query", "describe-entity", "--page", "1"])
    assert refused.exit_code == 1 and "not a SELECT" in refused.output
