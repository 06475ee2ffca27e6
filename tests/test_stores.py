"""Every stored query on real SPARQL servers, loaded through the Graph Store Protocol:
Oxigraph's server (from PyPI) and Virtuoso open source 7 (from Debian), each started on free
loopback ports and compared with the reviewed golden results.

How each is loaded, and what the queries see:
- Oxigraph: the whole dataset in one PUT of N-Quads to /store (every named graph, and their
  merge as the default graph); queries go to /query.
- Virtuoso: its Graph Store (/sparql-graph-crud) takes one graph per PUT, and a query with
  no dataset sees the union of every graph, a triple once per graph that states it. So each
  named graph is put under its own IRI and the merge under ALL; queries go to /sparql with
  ``default-graph-uri=ALL`` and a ``named-graph-uri`` per graph (SPARQL 1.1 Protocol dataset
  parameters), which gives them exactly the dataset the embedded engines query.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from compare import assert_same
from servers import VIRTUOSO, oxigraph_server, virtuoso_server
from test_queries import QUERIES, golden
from turkestan_kg import load
from turkestan_kg.graph.source import Source
from turkestan_kg.publish.upload import publish, put, target_url
from turkestan_kg.sparql.catalogue import StoredQuery
from turkestan_kg.sparql.run import execute

ALL = "https://w3id.org/turkestan-kg/graph/all"


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[Source]:
    with oxigraph_server() as base:
        publish(load(), base + "/store")
        yield Source(endpoint=base + "/query")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        kg = load()
        store = base + "/sparql-graph-crud"
        names = []
        for graph in kg.graphs():
            name = str(graph.identifier)
            if len(graph) and name.startswith("https://"):
                put(
                    target_url(store, name),
                    graph.serialize(format="nt", encoding="utf-8"),
                    "application/n-triples",
                )
                names.append(name)
        publish(kg, store, graph=ALL)
        dataset = [("default-graph-uri", ALL), *(("named-graph-uri", n) for n in names)]
        yield Source(endpoint=base + "/sparql?" + urllib.parse.urlencode(dataset))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_oxigraph_server_gives_the_golden_results(oxigraph: Source, query: StoredQuery) -> None:
    assert_same(execute(query, source=oxigraph), golden(query.name))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_virtuoso_gives_the_golden_results(virtuoso: Source, query: StoredQuery) -> None:
    assert_same(execute(query, source=virtuoso), golden(query.name))


def test_the_virtuoso_fixture_is_a_fresh_database(tmp_path: Path) -> None:
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(tmp_path) as base:
        empty = Source(endpoint=base + "/sparql?default-graph-uri=" + urllib.parse.quote(ALL))
        assert execute("ASK { ?s ?p ?o }", source=empty).boolean is False
