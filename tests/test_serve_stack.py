"""What the web stack gives `tkg serve`, over real HTTP: answers kept and shared by
concurrent requests, HEAD, keep-alive, a memory limit per SPARQL worker, and Ctrl-C."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from servers import free_port, project_app
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

PERSON = "/person/turar-risqulov"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def app() -> Iterator[LinkedDataApp]:
    with project_app(Limits(timeout=10, max_results=50, memory=400 * 2**20)) as served:
        yield served


@pytest.fixture(scope="module")
def base(app: LinkedDataApp) -> Iterator[str]:
    with running(app) as url:
        yield url


def get(url: str, accept: str = "text/html", method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def sparql(base: str, query: str) -> str:
    return base + "/sparql?query=" + urllib.parse.quote(query)


def test_concurrent_requests_for_a_new_answer_compute_it_once(
    base: str, app: LinkedDataApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []
    workers = app.site.pool
    real_answer = workers.answer_async  # type: ignore[union-attr]

    async def counted(*args: object) -> object:
        runs.append("run")
        await asyncio.sleep(0.2)  # long enough for every request to arrive meanwhile
        return await real_answer(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "answer_async", counted)
    url = sparql(
        base, "SELECT ?o WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o } LIMIT 3"
    )
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: get(url, JSON), range(16)))
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1
    assert runs == ["run"]
    assert get(url, JSON) == answers[0] and runs == ["run", "run"]  # asked again: kept
    assert get(url, JSON) == answers[0] and runs == ["run", "run"]  # answered from memory


def test_new_query_texts_each_time_do_not_fill_the_cache(base: str, app: LinkedDataApp) -> None:
    kept = len(app.cached.answers)
    for n in range(40):
        assert get(sparql(base, f"ASK {{ FILTER ({n} > -1) }}"), JSON)[0] == 200
    assert len(app.cached.answers) == kept
    assert len(app.cached.seen_once) >= 40


def test_an_error_is_not_kept(base: str, app: LinkedDataApp) -> None:
    url = sparql(base, "SELECT * WHERE { ?s ?p ?o } ORDER BY")
    assert get(url, JSON)[0] == 400
    assert get(url, JSON)[0] == 400
    assert not any(url.endswith(str(key[1], "ascii")) for key in app.cached.answers)


def test_head_has_the_headers_of_get_and_no_body(base: str) -> None:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        for method in ("HEAD", "GET", "HEAD"):  # a miss, then a kept answer
            connection.request(method, PERSON, headers={"Accept": "text/turtle"})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200
            assert response.getheader("Content-Type", "").startswith("text/turtle")
            if method == "HEAD":
                assert body == b""
            else:
                assert int(response.getheader("Content-Length", "0")) == len(body) > 0
    finally:
        connection.close()


def test_one_connection_serves_many_requests(base: str) -> None:
    """HTTP/1.1 keep-alive: the same socket answers a hundred requests."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        connection.connect()
        first_socket = connection.sock
        for _ in range(100):
            connection.request("GET", PERSON, headers={"Accept": "text/turtle"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and response.version == 11
        assert connection.sock is first_socket
    finally:
        connection.close()


def test_a_query_past_the_memory_limit_is_refused_and_the_next_is_answered(base: str) -> None:
    cross = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c ?x ?y ?z LIMIT 5"
    status, body = get(sparql(base, cross), JSON)
    assert status == 503, body
    assert b"more than 419,430,400 bytes" in body
    status, body = get(sparql(base, "ASK { ?s ?p ?o }"), JSON)
    assert status == 200 and b"true" in body


def test_control_c_stops_the_server_with_one_line(root: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "turkestan_kg.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
    )
    try:
        assert process.stdout is not None
        announced = process.stdout.readline().decode()
        assert f"serving on http://127.0.0.1:{port}/" in announced
        assert get(f"http://127.0.0.1:{port}{PERSON}", "text/turtle")[0] == 200
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    lines = stderr.decode().strip().splitlines()
    assert lines == ["stopped: requests under way were answered first"], lines


def test_control_c_during_a_long_query_answers_it_503_within_the_grace(root: Path) -> None:
    """The query outlives the grace period: its client gets a 503 before the server ends,
    the stop takes the grace period and no more, and one line says what happened."""
    from turkestan_kg.web.server import GRACE_SECONDS

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "turkestan_kg.cli", "serve", "--port", str(port), "--timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        start_new_session=True,
    )
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        assert process.stdout is not None
        assert "serving on" in process.stdout.readline().decode()
        with ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(get, sparql(f"http://127.0.0.1:{port}", slow), JSON)
            time.sleep(1.0)  # the query is running in a worker
            os.killpg(process.pid, signal.SIGINT)
            interrupted = time.monotonic()
            status, body = answer.result(timeout=30)
            answered = time.monotonic() - interrupted
        _, stderr = process.communicate(timeout=30)
        stopped = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            process.kill()
    assert status == 503 and b"stopped before the query finished" in body, body
    assert answered < GRACE_SECONDS + 1
    assert stopped < GRACE_SECONDS + 3
    assert process.returncode == 130
    lines = stderr.decode().strip().splitlines()
    assert lines == [
        "stopped: requests under way were answered first, but 1 SPARQL query still running "
        f"after {GRACE_SECONDS} s got 503"
    ], lines
