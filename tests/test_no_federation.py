"""/sparql never fetches another URL: SERVICE is refused on the parsed query, and the workers
that run queries have no network even if that check were wrong. A loopback listener stands
for the address a caller would have the server reach; it must receive nothing."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servers import project_app
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.policy import Unchecked, federated
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
    with pytest.raises(Unchecked):
        federated("SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?v }")
    status, body = post(app, "SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?v }")
    assert status.startswith("400") and b"can check" in body


def test_even_unchecked_the_workers_reach_nothing(
    served: LinkedDataApp, listener: Listener
) -> None:
    """Defence in depth: a SERVICE query handed straight to the workers, past the check."""
    assert served.site.pool.isolated, "the workers run in a network namespace of their own"
    before = listener.connections
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the point is below
        served.site.pool.run(query)
    assert listener.connections == before


def test_a_query_that_breaks_a_worker_leaves_the_endpoint_working(
    served: LinkedDataApp, app: str
) -> None:
    """A result holding an RDF 1.2 triple term made the worker raise and die; two of them
    left no worker at all. Past the parser check, straight to the pool, three times."""
    from turkestan_kg.web.sandbox import SandboxError

    triple_term = "SELECT ?t WHERE { BIND (<<( <http://e/a> <http://e/b> <http://e/c> )>> AS ?t) }"
    for _ in range(3):
        with pytest.raises(SandboxError):
            served.site.pool.run(triple_term)
    assert served.site.pool.run("ASK { ?s ?p ?o }").boolean is True
