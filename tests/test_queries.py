"""The stored queries: headers, golden results on every engine, typed and safe parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from compare import assert_same
from turkestan_kg import Dataset, QueryError, get_query, stored_queries
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.remote.sparql import from_json_term
from turkestan_kg.sparql import ENGINES
from turkestan_kg.sparql.catalogue import StoredQuery
from turkestan_kg.sparql.functions import called
from turkestan_kg.sparql.results import QueryResult
from turkestan_kg.sparql.text import with_values

GOLDEN = Path(__file__).parent / "golden"
QUERIES = sorted(stored_queries().values(), key=lambda q: q.name)
PORTABLE = [q for q in QUERIES if not called(q.text)]
"""The stored queries any SPARQL 1.1 store runs: all but those calling the project's own
functions (find-by-name), which only the embedded engines have."""


def golden(name: str) -> QueryResult:
    """The reviewed expected result of a stored query."""
    if (GOLDEN / f"{name}.nt").is_file():
        return QueryResult.of_graph(Graph().parse(GOLDEN / f"{name}.nt", format="nt"))
    data = json.loads((GOLDEN / f"{name}.srj").read_text(encoding="utf-8"))
    if "boolean" in data:
        return QueryResult.ask(data["boolean"])
    rows = [{k: from_json_term(v) for k, v in b.items()} for b in data["results"]["bindings"]]
    return QueryResult.select(data["head"]["vars"], rows)


def test_catalogue_has_at_least_15_queries() -> None:
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_header_documents_the_query(query: StoredQuery) -> None:
    assert query.summary and query.description and query.tags
    for param in query.params:
        assert param.description and (param.default or param.example) is not None


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_parses(query: StoredQuery) -> None:
    prepareQuery(query.text)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_returns_its_golden_result(
    kg: KnowledgeGraph, query: StoredQuery, engine: str
) -> None:
    assert_same(
        Dataset.of(kg, engine=engine).query(query, expect="result", **query.examples()),
        golden(query.name),
    )


def test_every_query_has_a_golden_result() -> None:
    names = {p.stem for p in GOLDEN.iterdir() if p.suffix in (".srj", ".nt")}
    assert names == {q.name for q in QUERIES}


def test_the_embedded_default_follows_the_spec(kg: KnowledgeGraph) -> None:
    """A string compared with a number is a type error in SPARQL, so the FILTER is false.

    rdflib's engine answers true here; the default engine must not.
    """
    text = 'ASK { FILTER ("1975" >= 1980) }'
    assert Dataset.of(kg).query(text) is False
    assert Dataset.of(kg, engine="rdflib").query(text) is True  # the known rdflib bug


def test_a_dataset_runs_stored_queries_by_name(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("leaders-in-year", year=1921, expect="rows")
    assert [r["leaderLabel"] for r in rows] == ["Abdullo Rakhimbayev", "Nazir Turiakylov"]
    assert all(isinstance(r["leader"], str) for r in rows)
    [share] = Dataset.of(kg).query("non-russian-share-1922", expect="rows")
    assert isinstance(share["nonRussian"], int)


@pytest.mark.parametrize(
    "value",
    ["1921 } ; DROP ALL #", '"x" . ?s ?p ?o', "nineteen", "1921.5", ""],
)
def test_injection_in_an_integer_parameter_is_rejected(kg: KnowledgeGraph, value: str) -> None:
    with pytest.raises(QueryError, match=r"bad value .* for parameter 'year'"):
        Dataset.of(kg).query("leaders-in-year", year=value)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "value", ['"x" . ?s ?p ?o', 'x" } ; DROP ALL ; SELECT * { "', "} UNION { ?entity ?name ?x"]
)
def test_injection_in_a_string_parameter_is_bound_harmlessly(
    kg: KnowledgeGraph, value: str, engine: str
) -> None:
    before = len(kg)
    ds = Dataset.of(kg, engine=engine)
    assert ds.query("find-by-name", text=value) == []
    assert len(kg) == before
    assert ds.query("find-by-name", text="musbiuro")


def test_values_block_serializes_terms_not_text() -> None:
    from rdflib import Literal

    text = with_values("SELECT * WHERE { ?s ?p ?text }", {"text": Literal('a" } DROP ALL { "')})
    assert 'VALUES (?text) { ("a\\" } DROP ALL { \\"") }' in text
    prepareQuery(text)


def test_injection_in_an_iri_parameter_is_rejected(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="expected an absolute IRI"):
        Dataset.of(kg).query("names-by-language", entity="<x> } ; DROP ALL #")


def test_unknown_parameter_and_query_are_clear_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="has no parameter 'yaer'"):
        Dataset.of(kg).query("leaders-in-year", yaer=1921)
    with pytest.raises(QueryError, match="no stored query named 'nope'") as info:
        get_query("nope")
    assert "leaders-in-year" in str(info.value)


def test_header_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: [unclosed\nSELECT * {}\n")
    with pytest.raises(QueryError, match="not valid YAML") as info:
        StoredQuery.from_file(bad)
    assert info.value.file is not None and info.value.file.endswith("bad.rq")
    bad.write_text("#+ summary: x\n#+ params:\n#+   y:\n#+     type: float\nSELECT * {}\n")
    with pytest.raises(QueryError, match="unknown type 'float'"):
        StoredQuery.from_file(bad)


def test_a_broken_query_is_a_clear_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="could not run the query"):
        Dataset.of(kg).query("SELECT ?x WHERE { ?x ")
