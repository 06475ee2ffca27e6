"""`tkg serve --endpoint`: the same pages, RDF views and /sparql over a remote SPARQL store
(Oxigraph's server and Virtuoso, started on loopback and loaded through the Graph Store
Protocol; Virtuoso's merged graph named as the default graph in the endpoint URL)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

import turkestan_kg
from servers import VIRTUOSO, oxigraph_server, project_site, virtuoso_server
from turkestan_kg.graph.dataset import load
from turkestan_kg.publish.rdf import canonical_nquads
from turkestan_kg.remote.graphstore import publish
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

ALL = "https://w3id.org/turkestan-kg/graph/all"
PAGES = [
    "/organization/communist-party-of-turkestan",
    "/person/turar-risqulov",
    "/tenure/abdullo-rakhimbayev-1920-1921",  # a period and its beginning are blank nodes
    "/event/purge-1922",
    "/concept/ethnic/kazakhs",
]


@contextmanager
def oxigraph_endpoint(_: Path) -> Iterator[str]:
    with oxigraph_server() as base:
        publish(load(), base + "/store")
        yield base + "/query"


@contextmanager
def virtuoso_endpoint(work: Path) -> Iterator[str]:
    if VIRTUOSO is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    with virtuoso_server(work) as base:
        publish(load(), base + "/sparql-graph-crud", graph=ALL)
        yield base + "/sparql?" + urllib.parse.urlencode({"default-graph-uri": ALL})


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    start = oxigraph_endpoint if request.param == "oxigraph" else virtuoso_endpoint
    with start(tmp_path_factory.mktemp(request.param)) as endpoint:
        app = LinkedDataApp(
            turkestan_kg.open(endpoint=endpoint, timeout=10),
            files=load(),
            limits=Limits(timeout=10, max_results=50),
        )
        with running(app) as url:
            yield url
        app.close()


@pytest.fixture(scope="module")
def local() -> Iterator[str]:
    with project_site(Limits(timeout=10, max_results=50)) as url:
        yield url


def get(url: str, accept: str = "text/html") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize("path", PAGES)
def test_each_rdf_view_is_the_graph_the_local_server_gives(
    remote: str, local: str, path: str
) -> None:
    status, theirs = get(remote + path, "text/turtle")
    assert status == 200
    ours = get(local + path, "text/turtle")[1]
    remote_graph = Graph().parse(data=theirs, format="turtle")
    local_graph = Graph().parse(data=ours, format="turtle")
    assert canonical_nquads(remote_graph) == canonical_nquads(local_graph)


def test_pages_read_the_store(remote: str) -> None:
    status, html = get(remote + "/organization/communist-party-of-turkestan")
    assert status == 200 and b"<h1>Communist Party of Turkestan</h1>" in html
    assert b"Referred to by" in html and "Коммунистическая партия Туркестана".encode() in html
    assert get(remote + "/person/nobody")[0] == 404


def test_sparql_is_sent_on_with_the_same_rules(remote: str) -> None:
    def ask(query: str) -> tuple[int, bytes]:
        return get(
            remote + "/sparql?query=" + urllib.parse.quote(query), "application/sparql-results+json"
        )

    status, body = ask(
        "SELECT ?name WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } LIMIT 3"
    )
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
    assert ask("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")[0] == 400
    status, body = ask("SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"more than 50 results" in body
    assert ask("INSERT DATA { <urn:a> <urn:b> <urn:c> }")[0] == 400


def test_reconciliation_reads_the_store(remote: str) -> None:
    queries = json.dumps({"q": {"query": "Рыскулов", "type": "http://xmlns.com/foaf/0.1/Person"}})
    status, body = get(
        remote + "/reconcile?" + urllib.parse.urlencode({"queries": queries}), "application/json"
    )
    assert status == 200
    assert json.loads(body)["q"]["result"][0]["id"].endswith("/person/turar-risqulov")


def test_remote_views_stop_at_their_caps_as_local_ones_do() -> None:
    from rdflib import URIRef

    from turkestan_kg.remote.sparql import RemoteEngine
    from turkestan_kg.web.remote import RemoteLookup

    party = URIRef("https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan")
    with oxigraph_server() as base:
        publish(load(), base + "/store")
        lookup = RemoteLookup(RemoteEngine(base + "/query"))
        cut = lookup.incoming(party, limit=2)
        assert cut.truncated and len(set(cut.graph.subject_predicates(party))) == 2
        whole = lookup.incoming(party, limit=1000)
        assert not whole.truncated and len(set(whole.graph.subject_predicates(party))) > 2
        few = lookup.outgoing(party, limit=3)
        assert few.truncated and len(set(few.graph.predicate_objects(party))) >= 3
        assert not lookup.outgoing(party).truncated


def test_an_empty_store_starts_with_a_warning_and_a_store_down_is_502(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An empty store: the server starts, says which charts it cannot draw and from which
    stored query, and serves the rest. The store gone: every route answers 502 in one line,
    as /sparql does, never 500."""
    with oxigraph_server() as base:
        with caplog.at_level("WARNING", logger="turkestan_kg"):
            app = LinkedDataApp(
                turkestan_kg.open(endpoint=base + "/query", timeout=5),
                files=load(),
                limits=Limits(timeout=5, max_results=50),
            )
        with running(app) as url:
            status, body = get(url + "/")
            assert status == 200 and b"the served data has nothing to draw here" in body
    warned = [r.getMessage() for r in caplog.records]
    assert any("the default graph of" in w and "is empty" in w for w in warned), warned
    try:
        with running(app) as url:
            for path, accept in (
                ("/person/turar-risqulov", "text/html"),
                ("/reconcile?queries=%7B%22q%22%3A%7B%22query%22%3A%22Ryskulov%22%7D%7D", "*/*"),
                ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
            ):
                status, body = get(url + path, accept=accept)
                assert status == 502, (path, status, body)
                assert body.count(b"\n") == 1, body
    finally:
        app.close()


def test_queries_the_store_cannot_run_are_not_offered(remote: str, local: str) -> None:
    # find-by-name calls the project's own name matcher, which a SPARQL server lacks.
    assert b"/queries/find-by-name" in get(local + "/")[1]
    home = get(remote + "/")[1]
    assert b"/queries/find-by-name" not in home and b"/queries/labels-containing" in home
    assert get(remote + "/queries/find-by-name?text=Ryskulov")[0] == 404
    assert b"nameScore" not in get(remote + "/editor")[1]
    status, page = get(remote + "/queries/labels-containing?text=Musbiuro")
    assert status == 200 and b"Formation of the Muslim Bureau (Musbiuro)" in page
