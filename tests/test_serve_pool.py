"""/sparql under hostile queries, over real HTTP: each query parsed, checked and run in a
worker, never in the server's main process; workers killed (as the kernel's out-of-memory
killer would) replaced at once; answers bounded in bytes and rows; a full queue answered
at once with 503 and Retry-After."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servers import project_app, wait_for
from turkestan_kg import Dataset
from turkestan_kg.graph.dataset import load
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits, QueryPool
from turkestan_kg.web.server import running

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def app() -> Iterator[LinkedDataApp]:
    with project_app(Limits(timeout=8, max_results=500, max_bytes=20_000)) as served:
        yield served


@pytest.fixture(scope="module")
def base(app: LinkedDataApp) -> Iterator[str]:
    with running(app) as url:
        yield url


def query(base: str, text: str, accept: str = JSON) -> tuple[int, dict[str, str], bytes]:
    """POST ``text`` to /sparql: (status, headers, body)."""
    request = urllib.request.Request(
        base + "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as err:
        return err.code, _lower(err.headers.items()), err.read()


def _lower(headers: object) -> dict[str, str]:
    assert isinstance(headers, list)
    return {str(name).lower(): str(value) for name, value in headers}


def ask_works(base: str) -> bool:
    status, _, body = query(base, "ASK { ?s ?p ?o }")
    return status == 200 and json.loads(body)["boolean"] is True


def test_the_main_process_parses_no_query(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both parsers made unusable in this process: queries are still answered, the ones
    that need rdflib's tree (the text could hold SERVICE) included."""
    import pyoxigraph
    from rdflib.plugins.sparql import parser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a query was parsed in the server's main process")

    monkeypatch.setattr(parser, "parseQuery", refuse)
    monkeypatch.setattr(pyoxigraph.Store, "query", refuse)
    assert ask_works(base)
    status, _, body = query(base, 'SELECT ?s WHERE { ?s ?p "no service here" }')
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = query(base, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { } }")
    assert status == 400 and b"SERVICE is not allowed" in body


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (" + "(" * 31_000 + "1" + ")" * 31_000 + " AS ?x) {}",
        "SELECT * " + "{" * 31_000 + "}" * 31_000,
        "ASK { FILTER(" + "!" * 60_000 + "true) }",
        "SELECT * WHERE " + "{ SELECT * WHERE " * 3_000 + "{}" + "}" * 3_000,
    ],
    ids=["parentheses", "groups", "negations", "subqueries"],
)
def test_deep_nesting_is_answered_or_refused_never_a_500(base: str, text: str) -> None:
    status, _, body = query(base, text)
    assert status in (200, 400), body[:200]
    assert ask_works(base)


def test_deep_nesting_that_names_service_is_a_clear_400(base: str) -> None:
    """rdflib's grammar recurses in Python: past its depth, one line, not a traceback."""
    text = "SELECT ?service WHERE " + "{" * 5_000 + "}" * 5_000
    status, _, body = query(base, text)
    assert status == 400 and b"nested too deeply" in body, body[:200]


def test_a_huge_expression_does_not_stall_other_queries(base: str) -> None:
    """The 8 kB expression that once held the parser's lock for a minute."""
    huge = "SELECT (" + "+".join(["1"] * 4_000) + " AS ?x) {}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        running_huge = pool.submit(query, base, huge)
        started = time.monotonic()
        assert ask_works(base)
        waited = time.monotonic() - started
        status, _, body = running_huge.result()
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "4000"
    assert waited < 8, "the trivial query waited a whole time limit"


def test_an_ordinary_query_of_400_triple_patterns_is_no_500(base: str) -> None:
    """Once a RecursionError in the main process; Oxigraph's planner may take longer than
    the time limit on it, which is then a 503 that says so."""
    patterns = " ".join(f"?s <urn:p{i}> ?o{i} ." for i in range(400))
    status, _, body = query(base, f"SELECT * WHERE {{ {patterns} }}")
    assert status == 200 or (status == 503 and b"ran longer than" in body), body
    assert ask_works(base)


def test_an_answer_past_its_bytes_is_a_clear_413(base: str) -> None:
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 400"  # under 500 rows, over 20 kB
    status, _, body = query(base, text)
    assert status == 413 and b"over 20,000 bytes" in body
    status, _, body = query(base, "SELECT ?nothing WHERE { ?s ?p ?o }")  # rows of 2 bytes
    assert status == 413 and b"more than 500 results" in body
    status, _, body = query(base, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert status == 413
    assert ask_works(base)


@pytest.mark.parametrize(
    "accept",
    ["text/csv", "application/sparql-results+xml", "text/turtle", "application/ld+json"],
)
def test_answers_in_each_format_are_bounded_too(base: str, accept: str) -> None:
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 480"
    if accept in ("text/turtle", "application/ld+json"):
        text = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 480"
    status, _, body = query(base, text, accept)
    assert status == 413 and b"over 20,000 bytes" in body, body[:200]
    status, _, body = query(base, text.replace("480", "5"), accept)
    assert status == 200


def _pool(app: LinkedDataApp) -> QueryPool:
    pool = app.site.pool
    assert isinstance(pool, QueryPool)
    return pool


def _worker_pids(app: LinkedDataApp, *, busy: bool = False) -> list[int]:
    """The pool's idle workers (or, with ``busy``, those running a query)."""
    pool = _pool(app)
    with pool._lock:
        return [w.process.pid for w in pool._workers if w.process.pid and bool(w.jobs) == busy]


def test_an_idle_worker_killed_is_replaced_at_once(base: str, app: LinkedDataApp) -> None:
    size = _pool(app).size
    assert wait_for(lambda: len(_worker_pids(app)) == size)
    killed = set(_worker_pids(app))
    started = time.monotonic()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)  # every one of them, as the OOM killer might
    assert wait_for(lambda: len(_worker_pids(app)) == size and not killed & set(_worker_pids(app)))
    assert time.monotonic() - started < 15, "replaced without waiting for a query"
    for _ in range(size + 1):
        assert ask_works(base)


def test_a_query_whose_worker_is_killed_runs_again_and_a_second_death_is_a_503(
    base: str, app: LinkedDataApp, caplog: pytest.LogCaptureFixture
) -> None:
    size = _pool(app).size
    assert wait_for(lambda: len(_worker_pids(app)) == size)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(query, base, slow)
        assert wait_for(lambda: len(_worker_pids(app, busy=True)) == 1)
        first = _worker_pids(app, busy=True)[0]
        os.kill(first, signal.SIGKILL)  # as the OOM killer might: the query runs again
        assert wait_for(lambda: set(_worker_pids(app, busy=True)) - {first})
        assert not answer.done()
        (second,) = _worker_pids(app, busy=True)
        os.kill(second, signal.SIGKILL)
        status, _, body = answer.result()
    assert status == 503 and b"killed from outside this server" in body, body
    assert wait_for(lambda: len(_worker_pids(app)) == size)
    assert ask_works(base)
    said = [r.getMessage() for r in caplog.records]
    assert any("ended under 1 query (killed by signal 9)" in line for line in said), said


def test_a_full_queue_is_503_with_retry_after_at_once() -> None:
    served = LinkedDataApp(
        Dataset.of(load()), limits=Limits(timeout=4, queue=0, slots=1), workers=1
    )
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        with running(served) as url, ThreadPoolExecutor(max_workers=1) as pool:
            long_one = pool.submit(query, url, slow)
            assert wait_for(lambda: not _worker_pids(served))
            started = time.monotonic()
            status, headers, body = query(url, "ASK {}")
            assert time.monotonic() - started < 2
            assert status == 503 and int(headers["retry-after"]) >= 1, body
            assert long_one.result()[0] == 503  # past its time limit
            assert wait_for(lambda: len(_worker_pids(served)) == 1)
            assert query(url, "ASK {}")[0] == 200
    finally:
        served.close()


NESTINGS = st.recursive(
    st.sampled_from(["?s ?p ?o .", "", "BIND (1 AS ?x)", 'FILTER (?o != "x")']),
    lambda inner: st.one_of(
        inner.map(lambda x: "{ " + x + " }"),
        inner.map(lambda x: "OPTIONAL { " + x + " }"),
        st.tuples(inner, inner).map(lambda xy: "{ " + xy[0] + " } UNION { " + xy[1] + " }"),
        inner.map(lambda x: "MINUS { " + x + " }"),
        inner.map(lambda x: "{ SELECT * WHERE { " + x + " } LIMIT 3 }"),
        inner.map(lambda x: "FILTER EXISTS { " + x + " }"),
    ),
    max_leaves=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=NESTINGS, depth=st.integers(0, 3_000), junk=st.sampled_from(["", "}", "{", ")"]))
def test_generated_nested_queries_are_answered_or_a_400(
    base: str, body: str, depth: int, junk: str
) -> None:
    text = "SELECT * WHERE { " + "{" * depth + body + "}" * depth + junk + " } LIMIT 5"
    status, _, answer = query(base, text)
    assert status in (200, 400, 413), answer[:200]


def test_queries_in_flight_while_workers_die_get_no_500(base: str, app: LinkedDataApp) -> None:
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set():
            for pid in _worker_pids(app)[:1]:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.3)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: query(base, "ASK { ?s ?p ?o }")[0], range(40)))
    finally:
        stop.set()
        thread.join()
    assert set(statuses) <= {200, 503}, statuses
    assert wait_for(lambda: len(_worker_pids(app)) == _pool(app).size)
    assert ask_works(base)


@pytest.fixture
def impatient(app: LinkedDataApp, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """The server with deadlines of one second: (host, port)."""
    from turkestan_kg.web import endpoint, server

    monkeypatch.setattr(server, "IDLE_SECONDS", 1)
    monkeypatch.setattr(server, "HEADER_SECONDS", 1)
    monkeypatch.setattr(endpoint, "BODY_SECONDS", 1)
    with running(app) as url:
        netloc = urllib.parse.urlsplit(url)
        assert netloc.hostname and netloc.port
        yield netloc.hostname, netloc.port


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closes ``sock`` within ``seconds``; what it sent first."""
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return False, received
    except ConnectionResetError:
        pass
    return True, received


def test_a_silent_connection_is_closed(impatient: tuple[str, int]) -> None:
    with socket.create_connection(impatient) as sock:
        closed, sent = _closed_within(sock, 5)
    assert closed and sent == b""


def test_headers_trickled_past_their_deadline_are_cut_off(impatient: tuple[str, int]) -> None:
    with socket.create_connection(impatient) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        try:
            while time.monotonic() - started < 5:
                sock.sendall(b"X")  # a header that never ends, a byte at a time
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        closed, _ = _closed_within(sock, 5)
    assert closed and time.monotonic() - started < 4


def test_a_trickled_body_is_a_408(impatient: tuple[str, int]) -> None:
    with socket.create_connection(impatient) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        _, sent = _closed_within(sock, 5)
    assert sent.startswith(b"HTTP/1.1 408"), sent[:100]
    assert b"did not arrive within 1 s" in sent


def test_a_connection_between_requests_is_closed_when_idle(impatient: tuple[str, int]) -> None:
    with socket.create_connection(impatient) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        closed, sent = _closed_within(sock, 5)
    assert closed and sent.startswith(b"HTTP/1.1 200")


def _raw(base: str, request: bytes) -> bytes:
    """Send ``request`` as it is; what the server sends back before it closes."""
    netloc = urllib.parse.urlsplit(base)
    assert netloc.hostname and netloc.port
    with socket.create_connection((netloc.hostname, netloc.port)) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        return _closed_within(sock, 10)[1]


def test_headers_past_their_bound_are_a_431(base: str) -> None:
    """Once 8 MB of Accept kept the main process busy for 45 s, and 64 kB headers (Origin,
    then a key of the cache) grew the answer cache's keys without bound."""
    big = b"a/b;q=0.5," * 2_000
    sent = _raw(
        base, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: " + big + b"\r\n\r\n"
    )
    assert sent.startswith(b"HTTP/1.1 431") and b"over 16384 bytes" in sent, sent[:200]
    many = b"".join(b"X-%d: y\r\n" % i for i in range(3_000))
    assert _raw(base, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")
    assert ask_works(base)


def test_a_target_past_its_bound_is_a_414(base: str) -> None:
    target = b"/sparql?query=" + b"%20" * 30_000 + b"ASK%7B%7D"
    sent = _raw(base, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sent.startswith(b"HTTP/1.1 414") and b"over 65536 bytes" in sent, sent[:200]


def test_a_long_query_in_the_url_is_still_taken(base: str) -> None:
    text = "ASK { FILTER (1 > 0) }" + " " * 20_000  # 60 kB in the URL
    status, _, _ = query(base, text)
    request = urllib.request.Request(
        base + "/sparql?query=" + urllib.parse.quote(text), headers={"Accept": JSON}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and status == 200


def test_the_answer_cache_counts_its_keys() -> None:
    from turkestan_kg.web.answers import AnswerCache, keepable, key_size, request_key

    cache = AnswerCache(lambda scope, receive, send: None, budget=100_000)  # type: ignore[arg-type,return-value]
    scope = {"path": "/x", "query_string": b"", "headers": [(b"accept", b"o" * 16_000)]}
    key = request_key(scope)
    answer = keepable(
        [
            {"type": "http.response.start", "status": 200},
            {"type": "http.response.body", "body": b"."},
        ],
        key_size(key),
    )
    assert answer is not None and cache.answers.getsizeof(answer) > 16_000


def test_identical_requests_that_are_not_kept_each_get_an_answer() -> None:
    # Four at once: the three waiting on the first are handed nothing to keep (a 503), and
    # each then asks the application itself; the last to finish once tripped on the first's
    # bookkeeping (KeyError: an "Exception in ASGI application" in the log).
    import asyncio

    from turkestan_kg.web.answers import AnswerCache

    calls = []

    async def app(scope: object, receive: object, send: Callable[..., Any]) -> None:
        calls.append(1)
        await asyncio.sleep(0.05)
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"busy"})

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def one(cache: AnswerCache) -> list[dict[str, object]]:
        sent: list[dict[str, object]] = []

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/sparql", "query_string": b"q=1"}
        scope["headers"] = []
        await cache(scope, receive, send)  # type: ignore[arg-type]
        return sent

    async def main() -> list[list[dict[str, object]]]:
        cache = AnswerCache(app, budget=100_000)
        return await asyncio.gather(*(one(cache) for _ in range(4)))

    answers = asyncio.run(main())
    assert [a[0]["status"] for a in answers] == [503] * 4 and len(calls) == 4


def test_a_client_that_leaves_mid_body_is_no_traceback(
    base: str, caplog: pytest.LogCaptureFixture
) -> None:
    netloc = urllib.parse.urlsplit(base)
    assert netloc.hostname and netloc.port
    with socket.create_connection((netloc.hostname, netloc.port)) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {}"
        )
        time.sleep(0.3)
    time.sleep(0.5)
    assert ask_works(base)
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"], [
        r.getMessage() for r in caplog.records
    ]


def test_deep_nesting_with_the_word_service_is_checked_not_refused(base: str) -> None:
    """rdflib's grammar recurses in Python: the worker lets it go as deep as its stack."""
    text = "SELECT * WHERE { ?s <http://example.org/service> ?o " + "{" * 200 + "}" * 200 + "}"
    status, _, body = query(base, text)
    assert status == 200, body[:200]


def test_a_cheap_query_is_answered_while_fifty_long_ones_run() -> None:
    """More long queries than the server's page threads, and more than one worker's
    share: a new ASK still gets its answer before any of them ends."""
    served = LinkedDataApp(
        Dataset.of(load()), limits=Limits(timeout=20, queue=4, slots=30), workers=2
    )
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } LIMIT "
    try:
        with running(served) as url, ThreadPoolExecutor(max_workers=50) as pool:
            long_ones = [pool.submit(query, url, slow + str(n)) for n in range(1, 51)]
            assert wait_for(lambda: len(_worker_pids(served, busy=True)) == 2)
            assert wait_for(lambda: sum(len(w.jobs) for w in _pool(served)._workers) >= 50)
            for n in range(5):
                status, _, body = query(url, f"ASK {{ FILTER ({n} >= 0) }}")
                assert status == 200 and b"true" in body, body
            assert not any(future.done() for future in long_ones)
            assert served.stop_queries() >= 50
            assert {future.result()[0] for future in long_ones} == {503}
    finally:
        served.close()


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/sparql-query"]
)
def test_a_query_in_the_url_and_the_body_is_one_too_many(base: str, content_type: str) -> None:
    """Neither wins silently: the client is told it sent two."""
    body = "ASK {}" if content_type == "application/sparql-query" else "query=ASK%20%7B%7D"
    request = urllib.request.Request(
        base + "/sparql?query=" + urllib.parse.quote("SELECT * {}"),
        data=body.encode(),
        headers={"Content-Type": content_type, "Accept": JSON},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert b"more than one query" in refused.value.read()


def test_one_address_holds_at_most_its_share_of_connections(base: str) -> None:
    """A client that keeps connections open gets 503 past its share; closing some lets it
    in again (the rest of the server's connections stay for others)."""
    from turkestan_kg.web.server import MAX_PER_CLIENT

    netloc = urllib.parse.urlsplit(base)
    assert netloc.hostname and netloc.port
    address = (netloc.hostname, netloc.port)
    held = [socket.create_connection(address) for _ in range(MAX_PER_CLIENT)]
    try:
        with socket.create_connection(address) as extra:
            extra.settimeout(5)
            answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.1 503") and b"connections from one address" in answer
        for sock in held[:10]:
            sock.close()
        time.sleep(0.2)
        assert ask_works(base)
    finally:
        for sock in held:
            sock.close()
