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
from dataclasses import dataclass
from pathlib import Path

import pytest

import turkestan_kg
from compare import assert_same
from servers import VIRTUOSO, oxigraph_server, virtuoso_server
from test_queries import PORTABLE, golden
from turkestan_kg import Dataset
from turkestan_kg.errors import TkgError
from turkestan_kg.graph.dataset import load
from turkestan_kg.remote.graphstore import PublishError, publish, put, target_url
from turkestan_kg.remote.stream import stream_file
from turkestan_kg.sparql.catalogue import StoredQuery
from turkestan_kg.synth.roll import Generator, write_roll

ALL = "https://w3id.org/turkestan-kg/graph/all"


@dataclass(frozen=True)
class Store:
    """A running server: where queries, Graph Store requests and updates go."""

    source: Dataset
    query: str
    graph_store: str
    update: str


@pytest.fixture(scope="module")
def oxigraph_store() -> Iterator[Store]:
    with oxigraph_server() as base:
        publish(load(), base + "/store")
        query = base + "/query"
        yield Store(turkestan_kg.open(endpoint=query), query, base + "/store", base + "/update")


@pytest.fixture(scope="module")
def oxigraph(oxigraph_store: Store) -> Dataset:
    return oxigraph_store.source


@pytest.fixture(scope="module")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        kg = load()
        store = base + "/sparql-graph-crud"
        names = []
        for graph in kg.graphs():
            name = str(graph.identifier)
            if len(graph) and name.startswith("https://"):
                body = graph.serialize(format="nt", encoding="utf-8")
                put(target_url(store, name), body, "application/n-triples")
                names.append(name)
        publish(kg, store, graph=ALL)
        dataset = [("default-graph-uri", ALL), *(("named-graph-uri", n) for n in names)]
        source = turkestan_kg.open(endpoint=base + "/sparql?" + urllib.parse.urlencode(dataset))
        yield Store(source, base + "/sparql", store, base + "/sparql")


@pytest.fixture(scope="module")
def virtuoso(virtuoso_store: Store) -> Dataset:
    return virtuoso_store.source


@pytest.mark.parametrize("query", PORTABLE, ids=lambda q: q.name)
def test_oxigraph_server_gives_the_golden_results(oxigraph: Dataset, query: StoredQuery) -> None:
    assert_same(oxigraph.query(query, expect="result", **query.examples()), golden(query.name))


@pytest.mark.parametrize("query", PORTABLE, ids=lambda q: q.name)
def test_virtuoso_gives_the_golden_results(virtuoso: Dataset, query: StoredQuery) -> None:
    assert_same(virtuoso.query(query, expect="result", **query.examples()), golden(query.name))


def test_the_virtuoso_fixture_is_a_fresh_database(tmp_path: Path) -> None:
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(tmp_path) as base:
        empty = turkestan_kg.open(
            endpoint=base + "/sparql?default-graph-uri=" + urllib.parse.quote(ALL)
        )
        assert empty.query("ASK { ?s ?p ?o }", expect="result").boolean is False


# ---------------------------------------------------------------------- streaming a big file

ROLL = "https://w3id.org/turkestan-kg/graph/roll"
STORES = ["oxigraph_store", "virtuoso_store"]


def in_graph(store: Store, graph: str, pattern: str = "?s ?p ?o") -> int:
    """How many triples of ``graph`` match, asked with the graph in the query itself."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}"
    rows = turkestan_kg.open(endpoint=store.query).query(query, expect="result").rows
    return int(str(rows[0]["n"]))


def staging_graphs(store: Store) -> int:
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (CONTAINS(STR(?g), 'staging-')) }"
    )
    return len(turkestan_kg.open(endpoint=store.query).query(query, expect="result").rows)


@pytest.fixture(scope="module")
def roll(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roll") / "roll.nt"
    write_roll(path, Generator(members=300, seed=3))
    return path


@pytest.mark.parametrize("which", STORES)
def test_a_file_is_streamed_in_chunks_with_its_blank_nodes_kept(
    which: str, roll: Path, request: pytest.FixtureRequest
) -> None:
    import pyoxigraph as ox

    store: Store = request.getfixturevalue(which)
    triples = list(ox.parse(path=str(roll), format=ox.RdfFormat.N_TRIPLES))
    blanks = {t.object.value for t in triples if isinstance(t.object, ox.BlankNode)}
    result = stream_file(roll, store.graph_store, ROLL, store.update, chunk=500)
    assert result.triples == len(triples) and result.chunks == -(-len(triples) // 500)
    assert in_graph(store, ROLL) == len(triples)
    skolems = "?s ?p ?o FILTER (STRSTARTS(STR(?o), 'https://w3id.org/turkestan-kg/.well-known/genid/load-'))"
    assert in_graph(store, ROLL, skolems) == sum(
        isinstance(t.object, ox.BlankNode) for t in triples
    )
    distinct = f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH <{ROLL}> {{ {skolems} }} }}"
    assert int(
        str(turkestan_kg.open(endpoint=store.query).query(distinct, expect="result").rows[0]["n"])
    ) == len(blanks)
    assert staging_graphs(store) == 0


@pytest.mark.parametrize("which", STORES)
def test_a_load_that_fails_leaves_the_graph_as_it_was(
    which: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store: Store = request.getfixturevalue(which)
    kept = "https://w3id.org/turkestan-kg/graph/kept"
    first = tmp_path / "first.nt"
    first.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    stream_file(first, store.graph_store, kept, store.update)
    broken = tmp_path / "broken.nt"
    good = "".join(
        f"<https://example.org/s{i}> <https://example.org/p> _:b{i} .\n" for i in range(1200)
    )
    broken.write_text(good + "<https://example.org/s> <https://example.org/p> not-a-term .\n")
    with pytest.raises(TkgError, match="is not N-Triples"):
        stream_file(broken, store.graph_store, kept, store.update, chunk=500)
    assert in_graph(store, kept) == 1  # two chunks had been sent; none of them stayed
    with pytest.raises(PublishError):  # a Graph Store URL that refuses every chunk
        stream_file(first, store.query.rsplit("/", 1)[0] + "/nothing", kept, store.update)
    assert in_graph(store, kept) == 1 and staging_graphs(store) == 0


def test_the_command_streams_a_roll_and_says_what_it_needs(
    oxigraph_store: Store, roll: Path
) -> None:
    from click.testing import CliRunner

    from turkestan_kg.cli import main

    runner = CliRunner()
    base = ["load", "--graph-store", oxigraph_store.graph_store, "--file", str(roll)]
    missing = runner.invoke(main, [*base, "--graph", ROLL])
    assert missing.exit_code == 2 and "SPARQL Update URL" in missing.output
    done = runner.invoke(main, [*base, "--graph", ROLL, "--update", oxigraph_store.update])
    assert done.exit_code == 0, done.output
    assert f"into <{ROLL}>" in done.output and in_graph(oxigraph_store, ROLL) > 5000


# ---------------------------------------------------------------------- validation on a server

CHECKED = "https://w3id.org/turkestan-kg/graph/checked"


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, ...]]]:
    """The project's graph and a roll with one broken member of each kind, in one N-Triples
    file; and the problems an on-disk store of the same data reports."""
    from turkestan_kg.graph.store import load_store
    from turkestan_kg.validation.engines import validate_store

    work = tmp_path_factory.mktemp("defective")
    roll = work / "roll.nt"
    write_roll(roll, Generator(members=400, seed=5, defects=0.01))
    kg = load()
    both = work / "both.nt"
    both.write_bytes(kg.merged().serialize(format="nt", encoding="utf-8") + roll.read_bytes())
    local = validate_store(load_store(work / "store", kg, extra=[roll]), name="local")
    assert not local.conforms
    return both, sorted(_located(p) for p in local.problems)


def _located(problem: object) -> tuple[str, ...]:
    """A problem's fields, a blank node's label (which each store makes up) left out."""
    fields = ("entity", "label", "path", "message", "shape", "severity", "value")
    found = [str(getattr(problem, f)) for f in fields]
    return tuple("_:" if f.startswith("_:") else f for f in found)


@pytest.mark.parametrize("which", STORES)
def test_validation_on_a_server_gives_the_local_report(
    which: str, defective: tuple[Path, list[tuple[str, ...]]], request: pytest.FixtureRequest
) -> None:
    """A differential test: a roll with injected defects, validated in an on-disk store and
    through the protocol on each server; the same problems, field for field."""

    store: Store = request.getfixturevalue(which)
    data, expected = defective
    put(target_url(store.graph_store, CHECKED), data.read_bytes(), "application/n-triples")
    endpoint = store.query + "?" + urllib.parse.urlencode({"default-graph-uri": CHECKED})
    report = turkestan_kg.open(endpoint=endpoint).validate()
    assert not report.conforms
    assert sorted(_located(p) for p in report.problems) == expected


def test_virtuoso_refusing_the_swap_leaves_the_graph_as_it_was(roll: Path, tmp_path: Path) -> None:
    """Virtuoso refuses a transaction that writes more than TransactionAfterImageLimit: the
    swap at the end of a streamed load fails, and the graph and the store are as before."""
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(tmp_path / "small", after_image_limit=100_000) as base:
        store = Store(
            turkestan_kg.open(endpoint=base + "/sparql"),
            base + "/sparql",
            base + "/sparql-graph-crud",
            base + "/sparql",
        )
        first = tmp_path / "first.nt"
        first.write_text(
            "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
        )
        stream_file(first, store.graph_store, ROLL, store.update)
        with pytest.raises(PublishError, match="log after image size"):
            stream_file(roll, store.graph_store, ROLL, store.update, chunk=500)
        assert in_graph(store, ROLL) == 1 and staging_graphs(store) == 0


PRE_BOUND_GRAPH = "https://w3id.org/turkestan-kg/graph/pre-bound"


@pytest.mark.parametrize("which", STORES)
def test_pre_bound_sparql_checks_run_through_the_protocol(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A SPARQL constraint that needs $this written into its text, and an ASK component,
    checked on each server as in memory."""
    from test_validate import SPARQL_KINDS

    store: Store = request.getfixturevalue(which)
    body = (
        b"<http://example.org/y> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b'<http://example.org/C> .\n<http://example.org/y> <http://example.org/p> "long" .\n'
    )
    put(target_url(store.graph_store, PRE_BOUND_GRAPH), body, "application/n-triples")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SPARQL_KINDS, encoding="utf-8")
    endpoint = store.query + "?" + urllib.parse.urlencode({"default-graph-uri": PRE_BOUND_GRAPH})
    report = turkestan_kg.open(endpoint=endpoint).validate(shapes=shapes)
    assert sorted((p.entity, p.message) for p in report.problems) == [
        ("http://example.org/y", "does not meet the constraint http://example.org/Short"),
        ("http://example.org/y", "fails a SPARQL constraint"),
    ]
