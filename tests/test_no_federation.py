"""/sparql never fetches another URL: SERVICE is refused on the parsed query, and the workers
that run queries have no network even if that check were wrong. A loopback listener stands
for the address a caller would have the server reach; it must receive nothing."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servers import project_app
from turkestan_kg.sparql.policy import Unchecked, federated
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.jobs import Job
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running


class Listener:
    """A loopback TCP listener that counts the connections it is offered."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def served() -> Iterator[LinkedDataApp]:
    with project_app(Limits(timeout=5, max_results=100)) as application:
        yield application


@pytest.fixture(scope="module")
def app(served: LinkedDataApp) -> Iterator[str]:
    with running(served) as base:
        yield base


def post(base: str, query: str) -> tuple[str, bytes]:
    """POST the query to /sparql over real HTTP; (status line, body)."""
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        base + "/sparql",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return f"{response.status} {response.reason}", response.read()
    except urllib.error.HTTPError as err:
        return f"{err.code} {err.reason}", err.read()


WRAPPERS = [
    "{0}",
    "{{ {0} }}",
    "OPTIONAL {{ {0} }}",
    "{{ ?x ?y ?z }} UNION {{ {0} }}",
    "{{ SELECT * WHERE {{ {0} }} }}",
    "MINUS {{ {0} }}",
]
KEYWORDS = st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "service silent"])
GAPS = st.sampled_from([" ", "\n", "\t", " # SERVICE <x> is not here\n ", "  \n  "])


@st.composite
def hidden_service(draw: st.DrawFn, port: int) -> str:
    endpoint = draw(
        st.sampled_from(
            [
                f"<http://127.0.0.1:{port}/sparql>",
                "e:sparql",
                f"<http://127.0.0.1:{port}/sp\\u0061rql>",
                "?endpoint",
            ]
        )
    )
    pattern = f"{draw(KEYWORDS)}{draw(GAPS)}{endpoint}{draw(GAPS)}{{ ?s ?p ?o }}"
    body = draw(st.sampled_from(WRAPPERS)).format(pattern)
    bind = (
        f"BIND (<http://127.0.0.1:{port}/sparql> AS ?endpoint) " if "?endpoint" in endpoint else ""
    )
    prefix = f"PREFIX e: <http://127.0.0.1:{port}/>\n"
    return f"{prefix}SELECT * WHERE {{ {bind}{body} }} LIMIT 1"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_hidden_service_is_refused_and_nothing_is_fetched(
    app: str, listener: Listener, data: st.DataObject
) -> None:
    query = data.draw(hidden_service(listener.port))
    status, body = post(app, query)
    assert status.startswith("400"), (query, body)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/> { }" } LIMIT 1',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }\nLIMIT 1",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } LIMIT 1",
    ],
)
def test_the_word_in_a_string_comment_or_iri_is_not_service(app: str, query: str) -> None:
    status, _ = post(app, query)
    assert status.startswith("200")
    assert federated(query) is False


def test_a_query_that_cannot_be_checked_is_not_run(app: str) -> None:
    """Oxigraph runs RDF 1.2 triple terms, but rdflib's grammar, which decides SERVICE, has
    none: a text that could name SERVICE and does not parse there is refused."""
    query = 'SELECT * WHERE { <<( ?s ?p ?o )>> ?q "a service" }'
    with pytest.raises(Unchecked):
        federated(query)
    status, body = post(app, query)
    assert status.startswith("400") and b"can check" in body
    status, _ = post(app, "SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?v }")
    assert status.startswith("200")


def _query_off_the_network(url: str, answers: Any) -> None:
    """In a worker's confinement, run a SERVICE query with no check at all."""
    import pyoxigraph as ox

    from turkestan_kg.confine import isolate

    isolated = isolate()
    try:
        found = ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert isinstance(found, ox.QuerySolutions)
        list(found)  # the engine is lazy: SERVICE is called for here
        answers.put((isolated, "answered"))
    except OSError as err:
        answers.put((isolated, str(err)))


def test_even_unchecked_the_workers_reach_nothing(
    served: LinkedDataApp, listener: Listener
) -> None:
    """Defence in depth: the engine itself does follow SERVICE, but not from where the
    workers run (past the check, straight to the engine)."""
    import multiprocessing

    assert served.site.pool.isolated, "the workers run in a network namespace of their own"
    url = f"http://127.0.0.1:{listener.port}/sparql"
    before = listener.connections
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    process = context.Process(target=_query_off_the_network, args=(url, answers))
    process.start()
    isolated, outcome = answers.get(timeout=30)
    process.join(timeout=30)
    assert isolated and outcome != "answered"
    assert listener.connections == before


def test_answers_holding_triple_terms_are_written(served: LinkedDataApp) -> None:
    """A result holding an RDF 1.2 triple term once made the worker raise and die."""
    triple_term = "SELECT ?t WHERE { BIND (<<( <http://e/a> <http://e/b> <http://e/c> )>> AS ?t) }"
    for _ in range(3):
        reply = served.site.pool.answer(Job(triple_term))
        assert json.loads(reply.body)["results"]["bindings"][0]["t"]["type"] == "triple"
    assert json.loads(served.site.pool.answer(Job("ASK { ?s ?p ?o }")).body)["boolean"] is True
