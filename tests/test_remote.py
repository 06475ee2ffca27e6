"""The stored queries on a real SPARQL server, and the remote paths' failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from compare import assert_same
from servers import fake_endpoint, free_port, oxigraph_server
from turkestan_kg import KnowledgeGraph, QueryError, stored_queries
from turkestan_kg.cli import main
from turkestan_kg.publish.upload import PublishError, put
from turkestan_kg.sparql.catalogue import StoredQuery
from turkestan_kg.sparql.run import execute

QUERIES = sorted(stored_queries().values(), key=lambda q: q.name)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with oxigraph_server() as base:
        result = CliRunner().invoke(main, ["load", "--endpoint", base + "/store"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("loaded ")
        yield base


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_remote_results_equal_embedded(server: str, kg: KnowledgeGraph, query: StoredQuery) -> None:
    remote = execute(query, endpoint=server + "/query")
    assert_same(remote, execute(query, kg=kg))


def test_remote_parameters_are_bound(server: str, kg: KnowledgeGraph) -> None:
    from turkestan_kg import get_query

    for year in (1919, 1921, 1925):
        query = get_query("leaders-in-year")
        assert_same(
            execute(query, {"year": year}, endpoint=server + "/query"),
            execute(query, {"year": year}, kg=kg),
        )


def test_cli_query_on_an_endpoint(server: str) -> None:
    result = CliRunner().invoke(
        main, ["query", "purge-1922", "--endpoint", server + "/query", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "Russian Orthodox,1500,religious prejudice" in result.output.replace("\r", "")


def test_failed_load_leaves_previous_data(server: str, kg: KnowledgeGraph) -> None:
    before = execute(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", endpoint=server + "/query"
    )
    truncated = b'<http://e/a> <http://e/b> "cut off in the midd'
    with pytest.raises(PublishError, match="refused the data: HTTP 400"):
        put(server + "/store", truncated, "application/n-quads")
    after = execute(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", endpoint=server + "/query"
    )
    assert after.multiset() == before.multiset()
    assert_same(execute(QUERIES[0], endpoint=server + "/query"), execute(QUERIES[0], kg=kg))


def test_load_replaces_one_named_graph(tmp_path: Path) -> None:
    with oxigraph_server() as base:
        runner = CliRunner()
        assert runner.invoke(main, ["load", "--endpoint", base + "/store"]).exit_code == 0
        graph = "https://w3id.org/turkestan-kg/graph/extra"
        result = runner.invoke(main, ["load", "--endpoint", base + "/store", "--graph", graph])
        assert result.exit_code == 0, result.output
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        [row] = execute(count, endpoint=base + "/query").python_rows()
        assert row["n"] > 500


def test_endpoint_down_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(QueryError, match="cannot reach SPARQL endpoint"):
        execute("ASK {}", endpoint=url, timeout=5)
    result = CliRunner().invoke(main, ["load", "--endpoint", url.replace("query", "store")])
    assert result.exit_code == 3  # could not reach: the distinct exit code
    assert "cannot reach the store" in result.output


def test_garbage_answer_is_a_clear_error() -> None:
    with fake_endpoint(200, b"<html>not results</html>") as url:
        with pytest.raises(QueryError, match="did not answer with SPARQL JSON results"):
            execute("SELECT * WHERE { ?s ?p ?o }", endpoint=url, timeout=5)
        with pytest.raises(QueryError, match="did not answer with RDF"):
            execute("CONSTRUCT WHERE { ?s ?p ?o }", endpoint=url, timeout=5)


def test_server_error_is_a_clear_error() -> None:
    with fake_endpoint(500, b"boom") as url, pytest.raises(QueryError, match="refused the query"):
        execute("ASK {}", endpoint=url, timeout=5)


def test_slow_endpoint_times_out() -> None:
    with (
        fake_endpoint(200, b"{}", delay=3) as url,
        pytest.raises(QueryError, match=r"no answer from .* within 1 s"),
    ):
        execute("ASK {}", endpoint=url, timeout=1)
