"""The one format registry: it agrees with pyoxigraph's format objects, its lookups take what
clients send, and a format added as one entry shows up wherever formats are offered."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from turkestan_kg.formats import (
    FORMATS,
    RESULTS_FORMATS,
    RdfFormat,
    ResultsFormat,
    essence,
    rdf_by_extension,
    rdf_by_media_type,
    results_by_extension,
    results_by_media_type,
)
from turkestan_kg.registry import resolve
from turkestan_kg.sparql.results import QueryResult, render
from turkestan_kg.web import home, views
from turkestan_kg.web.conneg import choose

OWN_W3C_IRIS = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}
"""Where the registry's IRI is not pyoxigraph's: the W3C registry's JSON-LD IRI (pyoxigraph
names it https://www.w3.org/ns/formats/data/JSON-LD)."""


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=lambda f: f.name)
def test_rdf_formats_agree_with_oxigraph(fmt: RdfFormat) -> None:
    theirs = fmt.oxigraph()
    assert fmt.media_type == essence(theirs.media_type)
    assert fmt.file_extension == "." + theirs.file_extension
    assert fmt.title == theirs.name
    assert fmt.w3c_iri == OWN_W3C_IRIS.get(fmt.name, theirs.iri)
    assert fmt.keeps_graphs == theirs.supports_datasets or fmt.name == "jsonld"  # one graph


@pytest.mark.parametrize(
    "fmt", [f for f in RESULTS_FORMATS.values() if f.oxigraph_name], ids=lambda f: f.name
)
def test_results_formats_agree_with_oxigraph(fmt: ResultsFormat) -> None:
    theirs = fmt.oxigraph()
    assert fmt.media_type == essence(theirs.media_type)
    assert fmt.file_extension == "." + theirs.file_extension
    assert fmt.w3c_iri == theirs.iri


def test_every_w3c_results_format_is_oxigraphs() -> None:
    assert all(f.oxigraph_name for f in RESULTS_FORMATS.values() if f.w3c_name)


def test_names_are_unique_across_both_tables() -> None:
    """`tkg query --format` and a query page's ?format= take either kind by name."""
    assert not set(FORMATS) & set(RESULTS_FORMATS)


@pytest.mark.parametrize(
    "fmt", [*FORMATS.values(), *RESULTS_FORMATS.values()], ids=lambda f: f"{f.name}-{f.writer}"
)
def test_every_writer_is_importable(fmt: RdfFormat | ResultsFormat) -> None:
    assert callable(resolve(fmt.writer))


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("text/turtle", "turtle"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("Text/Turtle", "turtle"),
        ("application/x-turtle", "turtle"),
        ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "jsonld"),
        ("application/n-quads", "nquads"),
    ],
)
def test_rdf_by_media_type(media_type: str, name: str) -> None:
    assert rdf_by_media_type(media_type).name == name


@pytest.mark.parametrize(
    ("extension", "name"),
    [(".ttl", "turtle"), ("ttl", "turtle"), (".TTL", "turtle"), (".nt", "ntriples")],
)
def test_rdf_by_extension(extension: str, name: str) -> None:
    assert rdf_by_extension(extension).name == name


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("application/sparql-results+json", "json"),
        ("application/json", "json"),
        ("Application/SPARQL-Results+XML; charset=UTF-8", "xml"),
        ("text/csv; charset=utf-8", "csv"),
        ("text/plain", "table"),  # ours first: pyoxigraph would guess CSV
        ("text/markdown", "markdown"),
    ],
)
def test_results_by_media_type(media_type: str, name: str) -> None:
    assert results_by_media_type(media_type).name == name


def test_results_by_extension() -> None:
    assert [results_by_extension(e).name for e in (".srj", "srx", ".TSV", ".md")] == [
        "json",
        "xml",
        "tsv",
        "markdown",
    ]


@pytest.mark.parametrize(
    "lookup",
    [rdf_by_media_type, rdf_by_extension, results_by_media_type, results_by_extension],
    ids=lambda f: f.__name__,
)
def test_an_unknown_format_is_a_key_error(lookup: Any) -> None:
    for unknown in ("image/png", ".png", "", "nonsense"):
        with pytest.raises(KeyError):
            lookup(unknown)


# ---------------------------------------------------------------------- one entry, every place

TOY_RESULTS = ResultsFormat(
    "toy-results",
    "application/x-toy-results",
    ".toyr",
    f"{__name__}:toy_results",
    w3c_name="Toy_Results",
)
TOY_RDF = RdfFormat(
    "toy-graph", "application/x-toy-rdf", ".toyg", "nt", None, "Toy", writer=f"{__name__}:toy_graph"
)
"""Two formats added from outside the package, each one entry naming its writer here."""
SELECT = QueryResult.select(("n",), [{"n": Literal(1)}, {"n": Literal(2)}])
CONSTRUCT = QueryResult.of_graph(
    Graph().add((URIRef("http://e/s"), URIRef("http://e/p"), Literal("o")))
)


def toy_results(result: QueryResult) -> str:
    return f"{len(result.rows)} toy rows\n"


def toy_graph(graph: Graph, fmt: RdfFormat, context: dict[str, Any]) -> bytes:
    return f"{len(graph)} toy triples as {fmt.name}\n".encode()


@pytest.fixture
def toys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A toy results format and a toy RDF format, each added as one entry."""
    monkeypatch.setitem(RESULTS_FORMATS, TOY_RESULTS.name, TOY_RESULTS)
    monkeypatch.setitem(FORMATS, TOY_RDF.name, TOY_RDF)
    yield


def test_an_added_format_is_found_by_media_type_and_extension(toys: None) -> None:
    assert results_by_media_type("application/x-toy-results; charset=utf-8") is TOY_RESULTS
    assert results_by_extension(".toyr") is TOY_RESULTS
    assert rdf_by_media_type("Application/X-Toy-RDF") is TOY_RDF
    assert rdf_by_extension("toyg") is TOY_RDF


def test_an_added_results_format_is_rendered(toys: None) -> None:
    assert render(SELECT, "toy-results") == "2 toy rows\n"


def test_an_added_format_is_written_by_the_endpoint_workers(toys: None) -> None:
    """The endpoint's workers write what the registry holds: an added format by its writer
    (here, in this process, where the toy entries are)."""
    import pyoxigraph as ox

    from turkestan_kg.web.jobs import Job, Setup
    from turkestan_kg.web.worker import answer, result_types

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    select = "SELECT ?n WHERE { VALUES ?n { 1 2 } }"
    reply = answer(store, Job(select, results_media="application/x-toy-results"), Setup())
    assert (reply.body, reply.media_type) == (b"2 toy rows\n", "application/x-toy-results")
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    media = choose("application/x-toy-rdf;q=0.9, image/png", views.view_types())
    reply = answer(store, Job(construct, graph_media=media), Setup())
    assert (reply.body, reply.media_type) == (
        b"1 toy triples as toy-graph\n",
        "application/x-toy-rdf",
    )
    media = choose("*/*", result_types())
    assert answer(store, Job(select, results_media=media), Setup()).media_type == (
        RESULTS_FORMATS["json"].media_type
    )


def test_an_added_rdf_format_is_an_entity_view(toys: None) -> None:
    assert "application/x-toy-rdf" in views.view_types()
    assert views.view_suffixes()[".toyg"] == "application/x-toy-rdf"
    assert views.split_suffix("/person/x.toyg") == ("/person/x", ".toyg")
    assert (
        views.serialize_graph(Graph(), "application/x-toy-rdf", {})
        == b"0 toy triples as toy-graph\n"
    )


def test_an_added_format_is_a_download_on_the_query_pages(toys: None) -> None:
    links = dict(home.download_links("tenures", {"year": "1921"}, "select"))
    assert links["toy-results"] == "/queries/tenures?year=1921&format=toy-results"
    assert "toy-graph" in dict(home.download_links("tenures", {}, "graph"))
    answer = home.format_result(SELECT, "toy-results", {})
    assert (answer.body, answer.media_type) == (b"2 toy rows\n", "application/x-toy-results")
    assert home.format_result(CONSTRUCT, "toy-graph", {}).body == b"1 toy triples as toy-graph\n"


CLI_WITH_TOYS = """
from click.testing import CliRunner
from turkestan_kg.formats import FORMATS, RESULTS_FORMATS
import test_formats as toys
RESULTS_FORMATS[toys.TOY_RESULTS.name] = toys.TOY_RESULTS
FORMATS[toys.TOY_RDF.name] = toys.TOY_RDF
from turkestan_kg.cli import main
for args in (["query", "--help"], ["query", "composition-1922", "--format", "toy-results"]):
    print(CliRunner().invoke(main, args, catch_exceptions=False).output)
"""


def test_an_added_format_is_a_choice_and_an_output_of_tkg_query() -> None:
    """In a fresh process, as when the entry is written into the registry's source."""
    run = subprocess.run(
        [sys.executable, "-c", CLI_WITH_TOYS],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    assert "|toy-results|" in run.stdout and "|toy-graph]" in run.stdout
    assert "6 toy rows" in run.stdout  # composition-1922 has six rows


def test_the_registry_is_as_it_was_after_the_toys() -> None:
    assert TOY_RESULTS.name not in RESULTS_FORMATS and TOY_RDF.name not in FORMATS
    with pytest.raises(KeyError):
        results_by_media_type("application/x-toy-results")
