"""Result serializations, checked against an independent parser (pyoxigraph's) and, for XML,
a conforming XML 1.0 one (the standard library's)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from turkestan_kg import Dataset
from turkestan_kg.formats import RESULTS_FORMATS, w3c_results_formats
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.graph.terms import canonical_language
from turkestan_kg.namespaces import XSD
from turkestan_kg.sparql.catalogue import get_query
from turkestan_kg.sparql.engines import from_oxigraph
from turkestan_kg.sparql.results import SPARQL_RESULTS_NS, QueryResult, render

TRICKY = QueryResult.select(
    ("s", "label", "n", "missing"),
    [
        {
            "s": URIRef("https://w3id.org/turkestan-kg/person/turar-risqulov"),
            "label": Literal('Rïsqulov, "Turar"\tb\nc\r\n', lang="en"),
            "n": Literal("49.7", datatype=XSD.decimal),
        },
        {"s": BNode("b0"), "label": Literal("Ҳизби Коммунистии Туркистон", lang="tg-Cyrl")},
        {"s": URIRef("http://e/x"), "label": Literal("plain"), "n": Literal("<&>")},
        {"s": URIRef("http://e/ü"), "label": Literal("  spaced \t"), "n": Literal("]]>")},
        {"label": Literal("", lang="uz-Latn"), "n": Literal("1921", datatype=XSD.gYear)},
        {},
    ],
)
"""Blank nodes, language tags in BCP 47 case, datatypes, unbound values, an empty row, and
text a writer must escape: quotes, tabs, line ends, white space at either end, markup."""
READ_BY_OXIGRAPH = [f.name for f in w3c_results_formats() if f.name != "csv"]
"""The W3C formats pyoxigraph reads (CSV is lossy by design: plain values only)."""


def parsed_by_oxigraph(text: str, fmt: str) -> QueryResult:
    return from_oxigraph(
        ox.parse_query_results(text.encode("utf-8"), format=RESULTS_FORMATS[fmt].oxigraph())
    )


def test_every_w3c_format_is_read_back() -> None:
    assert READ_BY_OXIGRAPH == ["json", "xml", "tsv"]


@pytest.mark.parametrize("fmt", READ_BY_OXIGRAPH)
def test_w3c_formats_parse_back_to_the_same_terms(fmt: str) -> None:
    back = parsed_by_oxigraph(render(TRICKY, fmt), fmt)
    assert back.variables == TRICKY.variables
    assert back.multiset() == TRICKY.multiset()


@pytest.mark.parametrize("fmt", READ_BY_OXIGRAPH)
@pytest.mark.parametrize("answer", [True, False])
def test_ask_results(fmt: str, answer: bool) -> None:
    back = parsed_by_oxigraph(render(QueryResult.ask(answer), fmt), fmt)
    assert (back.kind, back.boolean) == ("ask", answer)


@pytest.mark.parametrize("fmt", READ_BY_OXIGRAPH)
def test_no_variables_and_no_rows(fmt: str) -> None:
    back = parsed_by_oxigraph(render(QueryResult.select((), []), fmt), fmt)
    assert (back.kind, back.variables, back.rows) == ("select", (), ())


def test_xml_reads_back_in_a_conforming_xml_parser() -> None:
    """XML turns a bare carriage return into a line feed, so the writer sends a reference."""
    literals = ET.fromstring(render(TRICKY, "xml")).iter(f"{{{SPARQL_RESULTS_NS}}}literal")
    texts = [literal.text or "" for literal in literals]
    assert {str(row["label"]) for row in TRICKY.rows if "label" in row} <= set(texts)


def test_language_tags_keep_their_case() -> None:
    """pyoxigraph lower-cases tags as it reads (from_oxigraph restores BCP 47 case); the
    writers keep the data's case in every format."""
    for fmt in READ_BY_OXIGRAPH:
        assert "tg-Cyrl" in render(TRICKY, fmt)


def test_csv_is_rfc4180_with_plain_values() -> None:
    text = render(TRICKY, "csv")
    assert text.split("\r\n")[0] == "s,label,n,missing"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [
        "https://w3id.org/turkestan-kg/person/turar-risqulov",
        'Rïsqulov, "Turar"\tb\nc\r\n',
        "49.7",
        "",
    ]
    assert rows[2][0] == "_:b0"
    assert rows[5:] == [["", "", "1921", ""], ["", "", "", ""]]
    assert render(QueryResult.ask(True), "csv") == "true\r\n"


def test_json_follows_the_w3c_shape(kg: KnowledgeGraph) -> None:
    result = Dataset.of(kg).query(get_query("purge-1922"), expect="result")
    body = json.loads(render(result, "json"))
    assert body["head"]["vars"] == ["religion", "religionLabel", "purged", "grounds"]
    first = body["results"]["bindings"][0]
    assert first["purged"] == {"type": "literal", "value": "1500", "datatype": str(XSD.integer)}
    assert first["grounds"] == {"type": "literal", "value": "religious prejudice", "xml:lang": "en"}


def test_table_and_markdown_are_readable(kg: KnowledgeGraph) -> None:
    result = Dataset.of(kg).query(get_query("leaders-in-year"), expect="result")
    table = render(result, "table").splitlines()
    assert table[0].split() == ["leader", "leaderLabel", "tenure", "start", "end"]
    assert "person:nazir-turiakylov" in table[3] and table[-1] == "(2 rows)"
    markdown = render(TRICKY, "markdown").splitlines()
    assert markdown[1] == "| --- | --- | --- | --- |"
    assert len(markdown) == 8


def test_python_rows_are_typed(kg: KnowledgeGraph) -> None:
    [row] = Dataset.of(kg).query(get_query("non-russian-share-1922"), expect="rows")
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
