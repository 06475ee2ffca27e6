"""The stored queries: headers, parsing, typed parameters and safe binding."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from turkestan_kg import KnowledgeGraph, QueryError, get_query, run_query, stored_queries
from turkestan_kg.query import StoredQuery

QUERIES = sorted(stored_queries().values(), key=lambda q: q.name)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_header_documents_the_query(query: StoredQuery) -> None:
    assert query.summary and query.description and query.tags
    for param in query.params:
        assert param.description and param.default is not None


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_parses_and_returns_rows(kg: KnowledgeGraph, query: StoredQuery) -> None:
    prepareQuery(query.text)
    assert run_query(kg, query.name)


@pytest.mark.parametrize(
    "value",
    ["1921 } ; DROP ALL #", '"x" . ?s ?p ?o', "nineteen", "1921.5", ""],
)
def test_injection_in_an_integer_parameter_is_rejected(kg: KnowledgeGraph, value: str) -> None:
    with pytest.raises(QueryError, match=r"bad value .* for parameter 'year'"):
        run_query(kg, "leaders-in-year", year=value)


def test_injection_in_an_iri_parameter_is_rejected(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="expected an absolute IRI"):
        run_query(kg, "names-by-language", entity="<x> } ; DROP ALL #")


def test_unknown_parameter_and_query_are_clear_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="has no parameter 'yaer'"):
        run_query(kg, "leaders-in-year", yaer=1921)
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
