"""Result serializations, checked against an independent parser (pyoxigraph's)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from turkestan_kg import KnowledgeGraph
from turkestan_kg.graph.terms import canonical_language, from_oxigraph_term
from turkestan_kg.namespaces import XSD
from turkestan_kg.sparql.catalogue import get_query
from turkestan_kg.sparql.results import QueryResult, render
from turkestan_kg.sparql.run import execute

TRICKY = QueryResult.select(
    ("s", "label", "n", "missing"),
    [
        {
            "s": URIRef("https://w3id.org/turkestan-kg/person/turar-risqulov"),
            "label": Literal('Rïsqulov, "Turar"\tb\nc', lang="en"),
            "n": Literal("49.7", datatype=XSD.decimal),
        },
        {"s": BNode("b0"), "label": Literal("Ҳизби Коммунистии Туркистон", lang="tg-Cyrl")},
        {"s": URIRef("http://e/x"), "label": Literal("plain"), "n": Literal("<&>")},
    ],
)
OX_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}


def parsed_by_oxigraph(text: str, fmt: str) -> QueryResult:
    answer = ox.parse_query_results(text.encode("utf-8"), format=OX_FORMATS[fmt])
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult.ask(bool(answer))
    variables = [v.value for v in answer.variables]
    rows = [{v: from_oxigraph_term(s[v]) for v in variables if s[v] is not None} for s in answer]
    return QueryResult.select(variables, rows)


@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
def test_w3c_formats_parse_back_to_the_same_rows(fmt: str) -> None:
    back = parsed_by_oxigraph(render(TRICKY, fmt), fmt)
    assert back.variables == TRICKY.variables
    assert back.multiset() == TRICKY.multiset()


@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
@pytest.mark.parametrize("answer", [True, False])
def test_ask_results(fmt: str, answer: bool) -> None:
    assert parsed_by_oxigraph(render(QueryResult.ask(answer), fmt), fmt).boolean is answer


def test_csv_is_rfc4180_with_plain_values() -> None:
    text = render(TRICKY, "csv")
    assert text.split("\r\n")[0] == "s,label,n,missing"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [
        "https://w3id.org/turkestan-kg/person/turar-risqulov",
        'Rïsqulov, "Turar"\tb\nc',
        "49.7",
        "",
    ]
    assert rows[2][0] == "_:b0"


def test_json_follows_the_w3c_shape(kg: KnowledgeGraph) -> None:
    body = json.loads(render(execute(get_query("purge-1922"), kg=kg), "json"))
    assert body["head"]["vars"] == ["religion", "religionLabel", "purged", "grounds"]
    first = body["results"]["bindings"][0]
    assert first["purged"] == {"type": "literal", "value": "1500", "datatype": str(XSD.integer)}
    assert first["grounds"] == {"type": "literal", "value": "religious prejudice", "xml:lang": "en"}


def test_table_and_markdown_are_readable(kg: KnowledgeGraph) -> None:
    result = execute(get_query("leaders-in-year"), kg=kg)
    table = render(result, "table").splitlines()
    assert table[0].split() == ["leader", "leaderLabel", "tenure", "start", "end"]
    assert "person:nazir-turiakylov" in table[3] and table[-1] == "(2 rows)"
    markdown = render(TRICKY, "markdown").splitlines()
    assert markdown[1] == "| --- | --- | --- | --- |"
    assert len(markdown) == 5


def test_python_rows_are_typed(kg: KnowledgeGraph) -> None:
    [row] = execute(get_query("non-russian-share-1922"), kg=kg).python_rows()
    assert type(row["nonRussian"]) is int and str(row["share"]) == "50.3"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("uz-latn", "uz-Latn"),
        ("EN-GB", "en-GB"),
        ("ky-CYRL", "ky-Cyrl"),
        ("de-ch-1996", "de-CH-1996"),
        ("en-x-abcd", "en-x-abcd"),
    ],
)
def test_canonical_language(tag: str, expected: str) -> None:
    assert canonical_language(tag) == expected
