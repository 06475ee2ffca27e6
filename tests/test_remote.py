"""The stored queries on a real SPARQL server, and the remote paths' failures."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef

import turkestan_kg
from compare import assert_same
from servers import fake_endpoint, free_port, oxigraph_server
from turkestan_kg import Dataset, QueryError, stored_queries
from turkestan_kg.cli import main
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.remote.graphstore import PublishError, put
from turkestan_kg.remote.http import Untrusted
from turkestan_kg.remote.sparql import GRAPH_TYPES, select_results
from turkestan_kg.sparql.catalogue import StoredQuery
from turkestan_kg.sparql.functions import called

QUERIES = sorted(
    (q for q in stored_queries().values() if not called(q.text)), key=lambda q: q.name
)  # what any SPARQL 1.1 store runs
INT = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with oxigraph_server() as base:
        result = CliRunner().invoke(main, ["load", "--graph-store", base + "/store"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("loaded ")
        yield base


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_remote_results_equal_embedded(server: str, kg: KnowledgeGraph, query: StoredQuery) -> None:
    examples = query.examples()
    remote = turkestan_kg.open(endpoint=server + "/query").query(query, expect="result", **examples)
    assert_same(remote, Dataset.of(kg).query(query, expect="result", **examples))


def test_a_query_calling_the_matcher_is_refused_before_it_reaches_a_server(server: str) -> None:
    # The server would refuse it (Oxigraph: the function is not supported): shown first.
    text = turkestan_kg.get_query("find-by-name").text.replace("?text", '"Ryskulov"')
    with pytest.raises(QueryError, match="nameScore"):
        turkestan_kg.open(endpoint=server + "/query").query(text)
    result = CliRunner().invoke(main, ["query", "--endpoint", server + "/query", "-e", text])
    assert result.exit_code == 2 and "the query calls the project's own" in result.output
    result = CliRunner().invoke(
        main, ["query", "--endpoint", server + "/query", "find-by-name", "--param", "text=x"]
    )
    assert result.exit_code == 2, result.output
    assert "function#nameScore" in result.output and "tkg search --endpoint" in result.output
    assert len(result.output.strip().splitlines()) == 1
    found = CliRunner().invoke(main, ["search", "--endpoint", server + "/query", "Рыскулов"])
    assert found.exit_code == 0 and "person:turar-risqulov" in found.output.splitlines()[0]


def test_remote_parameters_are_bound(server: str, kg: KnowledgeGraph) -> None:
    from turkestan_kg import get_query

    for year in (1919, 1921, 1925):
        query = get_query("leaders-in-year")
        assert_same(
            turkestan_kg.open(endpoint=server + "/query").query(query, expect="result", year=year),
            Dataset.of(kg).query(query, expect="result", year=year),
        )


def test_cli_query_on_an_endpoint(server: str) -> None:
    result = CliRunner().invoke(
        main, ["query", "purge-1922", "--endpoint", server + "/query", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "Russian Orthodox,1500,religious prejudice" in result.output.replace("\r", "")


def test_failed_load_leaves_previous_data(server: str, kg: KnowledgeGraph) -> None:
    before = turkestan_kg.open(endpoint=server + "/query").query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", expect="result"
    )
    truncated = b'<http://e/a> <http://e/b> "cut off in the midd'
    with pytest.raises(PublishError, match="refused the data: HTTP 400"):
        put(server + "/store", truncated, "application/n-quads")
    after = turkestan_kg.open(endpoint=server + "/query").query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", expect="result"
    )
    assert after.multiset() == before.multiset()
    assert_same(
        turkestan_kg.open(endpoint=server + "/query").query(QUERIES[0], expect="result"),
        Dataset.of(kg).query(QUERIES[0], expect="result"),
    )


def test_load_replaces_one_named_graph(tmp_path: Path) -> None:
    with oxigraph_server() as base:
        runner = CliRunner()
        assert runner.invoke(main, ["load", "--graph-store", base + "/store"]).exit_code == 0
        graph = "https://w3id.org/turkestan-kg/graph/extra"
        result = runner.invoke(main, ["load", "--graph-store", base + "/store", "--graph", graph])
        assert result.exit_code == 0, result.output
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        [row] = turkestan_kg.open(endpoint=base + "/query").query(count, expect="rows")
        assert isinstance(row["n"], int) and row["n"] > 500


def test_endpoint_down_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(QueryError, match="cannot reach SPARQL endpoint"):
        turkestan_kg.open(endpoint=url, timeout=5).query("ASK {}", expect="result")
    result = CliRunner().invoke(main, ["load", "--graph-store", url.replace("query", "store")])
    assert result.exit_code == 3  # could not reach: the distinct exit code
    assert "cannot reach the store" in result.output


def test_garbage_answer_is_a_clear_error() -> None:
    with fake_endpoint(200, b"<html>not results</html>") as url:
        with pytest.raises(QueryError, match="did not answer with SPARQL JSON results"):
            turkestan_kg.open(endpoint=url, timeout=5).query(
                "SELECT * WHERE { ?s ?p ?o }", expect="result"
            )
        with pytest.raises(QueryError, match="did not answer with RDF"):
            turkestan_kg.open(endpoint=url, timeout=5).query(
                "CONSTRUCT WHERE { ?s ?p ?o }", expect="result"
            )


def test_server_error_is_a_clear_error() -> None:
    with fake_endpoint(500, b"boom") as url, pytest.raises(QueryError, match="refused the query"):
        turkestan_kg.open(endpoint=url, timeout=5).query("ASK {}", expect="result")


def test_slow_endpoint_times_out() -> None:
    with (
        fake_endpoint(200, b"{}", delay=3) as url,
        pytest.raises(QueryError, match=r"no answer from .* within 1 s"),
    ):
        turkestan_kg.open(endpoint=url, timeout=1).query("ASK {}", expect="result")


# ---------------------------------------------------------------------- reading an answer

TRIPLE_TERM = {
    "type": "triple",
    "value": {
        k: {"type": "uri", "value": f"http://e/{k}"} for k in ("subject", "predicate", "object")
    },
}


def answer_of(*bindings: dict[str, object], variables: tuple[str, ...] = ("a",)) -> bytes:
    body = {"head": {"vars": list(variables)}, "results": {"bindings": list(bindings)}}
    return json.dumps(body).encode()


def test_an_answer_is_read_by_oxigraph_as_virtuoso_writes_it() -> None:
    """Virtuoso's extra members and its SPARQL 1.0-era ``typed-literal`` are read."""
    body = (
        b'{"head": {"link": [], "vars": ["a"]}, "results": {"distinct": false, "ordered": true, '
        b'"bindings": [{"a": {"type": "typed-literal", "datatype": "%s", "value": "1"}}]}}'
    ) % INT.encode()
    [row] = select_results(body).rows
    assert row == {"a": Literal("1", datatype=URIRef(INT))}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (answer_of({"a": {"type": "uri", "value": "http://e/a b"}}), "Invalid uri value"),
        (answer_of({"a": {"type": "literal", "value": "x", "xml:lang": "en_US"}}), "xml:lang"),
        (answer_of({"b": {"type": "uri", "value": "http://e/b"}}), "variable b"),
        (answer_of({"a": TRIPLE_TERM}), "unsupported RDF term"),
        (answer_of({"a": {"type": "uri", "value": "http://e/a"}})[:-30], "not complete"),
    ],
    ids=["iri", "language-tag", "undeclared-variable", "triple-term", "cut-off"],
)
def test_a_wrong_answer_says_what_is_wrong(body: bytes, reason: str) -> None:
    with pytest.raises(Untrusted, match="did not answer with SPARQL JSON results") as caught:
        select_results(body)
    assert reason in str(caught.value)


def test_a_row_without_a_required_variable_is_refused() -> None:
    body = answer_of({"a": {"type": "uri", "value": "http://e/a"}}, variables=("a", "b"))
    assert len(select_results(body).rows) == 1
    with pytest.raises(Untrusted, match=r"a row lacks \?b"):
        select_results(body, ("a", "b"))


def test_what_a_construct_is_asked_for_comes_from_the_registry() -> None:
    assert GRAPH_TYPES == "text/turtle,application/n-triples;q=0.9"


def test_members_after_the_bindings_are_ignored() -> None:
    """QLever writes ``meta`` after ``results``, which pyoxigraph's streaming reader refuses."""
    body = json.loads(answer_of({"a": {"type": "uri", "value": "http://e/a"}}))
    body["results"]["distinct"] = False
    body["meta"] = {"query-time-ms": 3, "result-size-total": 1}
    assert select_results(json.dumps(body).encode()).rows == ({"a": URIRef("http://e/a")},)


def test_blank_nodes_as_virtuoso_labels_them_are_read() -> None:
    """``nodeID://b1`` is no Turtle label, which pyoxigraph's reader refuses; labels only name
    a node within one answer, so they are read as other labels, one for one."""
    node = {"type": "bnode", "value": "nodeID://b10000"}
    other = {"type": "bnode", "value": "nodeID://b10001"}
    rows = select_results(answer_of({"a": node}, {"a": other}, {"a": node})).rows
    assert all(isinstance(row["a"], BNode) for row in rows)
    assert rows[0]["a"] == rows[2]["a"] != rows[1]["a"]


def test_an_endpoint_with_only_named_graphs_is_named_as_such(kg: KnowledgeGraph) -> None:
    """A plain N-Quads upload puts every triple in a named graph and none in the default
    graph, which the stored queries and the shapes read: an empty answer says so."""
    with oxigraph_server() as base:
        quads = kg.serialize(format="nquads", encoding="utf-8")
        put = urllib.request.Request(
            base + "/store",
            data=quads,
            method="PUT",
            headers={"Content-Type": "application/n-quads"},
        )
        urllib.request.urlopen(put, timeout=30).close()
        endpoint = base + "/query"
        for command in (
            ["query", "leaders-in-year", "--endpoint", endpoint],
            ["validate", "--endpoint", endpoint],
            ["export", "--endpoint", endpoint],
        ):
            result = CliRunner().invoke(main, command)
            assert result.exit_code == 1, result.output
            assert "default graph" in result.output and "only in named graphs" in result.output
            assert "tkg load --graph-store" in result.output
