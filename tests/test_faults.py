"""The remote client against servers on loopback that misbehave on purpose: resets, cut-off and
trickling bodies, huge answers, wrong shapes, HTML, empty rows, 429 and 503 with Retry-After,
and a damaged cache. Each ends in an answer or one clear error (exit 3 through the CLI), in
bounded time and memory, with nothing bad cached."""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servers import free_port, scripted_endpoint
from turkestan_kg.cli import main
from turkestan_kg.errors import EndpointError, RemoteError
from turkestan_kg.remote.http import Client, Policy, Untrusted
from turkestan_kg.remote.sparql import RemoteEngine, select_results
from turkestan_kg.wikidata.client import WikidataClient, WikidataError

ROWS = {"head": {"vars": ["item"]}, "results": {"bindings": []}}
GOOD = json.dumps(
    {
        "head": {"vars": ["n"]},
        "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]},
    }
).encode()
QUERY = "SELECT ?n WHERE { BIND (1 AS ?n) }"
Handler = Callable[[socket.socket], None]


@contextmanager
def raw_server(handler: Handler) -> Iterator[tuple[str, list[int]]]:
    """A loopback TCP server: each connection's request is read, then ``handler`` answers
    (or misbehaves) on the socket. Yields the URL and a list that counts connections."""
    served: list[int] = []

    class Handle(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            served.append(1)
            _read_request(self.request)
            with contextlib.suppress(OSError):  # the client went away, as it does when it gives up
                handler(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", served
    finally:
        server.shutdown()
        server.server_close()


def _read_request(sock: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += sock.recv(65536)


def headers(length: int | None, extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n{size}{extra}"
        "Connection: close\r\n\r\n"
    ).encode()


def reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # RST instead of an answer


def cut_off(sock: socket.socket) -> None:
    sock.sendall(headers(len(GOOD)) + GOOD[:10])
    sock.shutdown(socket.SHUT_WR)


def trickle(sock: socket.socket) -> None:
    sock.sendall(headers(len(GOOD)))
    for byte in GOOD:
        sock.sendall(bytes([byte]))
        time.sleep(0.2)


def endless(sock: socket.socket) -> None:
    """A chunked body that never ends: 1 MB chunks until the client hangs up."""
    sock.sendall(headers(None, "Transfer-Encoding: chunked\r\n"))
    chunk = b"[" * 2**20
    for _ in range(200):  # bounded: 200 MB at most
        sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")


def quick(**policy: float) -> Policy:
    return Policy(**{"timeout": 2.0, "retries": 1, "backoff": 0.01, **policy})  # type: ignore[arg-type]


def client(url: str, **policy: float) -> WikidataClient:
    settings = {"timeout": 2.0, "retries": 1, "backoff": 0.01, **policy}
    return WikidataClient(url, contact="x@example.org", sleep=lambda s: None, **settings)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- the connection


@pytest.mark.parametrize("misbehave", [reset, cut_off], ids=["reset", "cut-off"])
def test_a_broken_connection_is_retried_then_one_error(misbehave: Handler) -> None:
    with raw_server(misbehave) as (url, served), pytest.raises(WikidataError) as caught:
        client(url, retries=2).select(QUERY)
    assert len(served) == 3
    assert "kept failing (the connection broke" in str(caught.value)


def test_a_reset_then_an_answer_is_an_answer() -> None:
    def answer(sock: socket.socket) -> None:
        sock.sendall(headers(len(GOOD)) + GOOD)

    answers: Iterator[Handler] = iter([reset, answer])
    with raw_server(lambda sock: next(answers)(sock)) as (url, served):
        assert str(client(url, retries=2).select(QUERY)[0]["n"]) == "1"
    assert len(served) == 2


def test_a_trickling_body_is_cut_off_at_the_deadline() -> None:
    start = time.monotonic()
    with raw_server(trickle) as (url, _), pytest.raises(WikidataError, match="within 1 s"):
        client(url, timeout=1.0, retries=0).select(QUERY)
    assert time.monotonic() - start < 2.5  # the deadline, plus one read at most


def test_a_huge_answer_is_refused_while_it_streams_in() -> None:
    sent = Client(user_agent="t", policy=quick(max_bytes=2**20), sleep=lambda s: None)
    start = time.monotonic()
    with raw_server(endless) as (url, _), pytest.raises(RemoteError, match="over 1,048,576 bytes"):
        sent.fetch("GET", url, lambda body: body)
    assert time.monotonic() - start < 10


def test_a_declared_huge_answer_is_refused_before_reading() -> None:
    def declared(sock: socket.socket) -> None:
        sock.sendall(headers(200 * 2**20) + b"[")

    sent = Client(user_agent="t", policy=quick(max_bytes=2**20))
    with raw_server(declared) as (url, _), pytest.raises(RemoteError, match="over 1,048,576"):
        sent.fetch("GET", url, lambda body: body)


# ---------------------------------------------------------------------- what the server says


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Service Unavailable</body></html>",
        b"[]",
        b'{"head": {}}',
        b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": 1}]}}',
        b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "uri"}}]}}',
        b'{"head": {"vars": "n"}, "results": {"bindings": []}}',
        b"\x00\xff\xfe binary",
    ],
    ids=["html", "array", "no-results", "number-term", "no-value", "vars-string", "binary"],
)
def test_a_wrong_shape_is_one_error_and_never_cached(body: bytes, tmp_path: Path) -> None:
    with scripted_endpoint([(200, {}, body, 0)]) as (url, seen):
        for _ in range(2):
            with pytest.raises(WikidataError, match="did not answer with SPARQL JSON"):
                WikidataClient(url, contact="x@example.org", retries=0, cache_dir=tmp_path).select(
                    QUERY
                )
    assert len(seen) == 2  # asked again: the bad answer was not cached


def test_rows_that_lack_what_the_caller_needs_are_refused() -> None:
    head_names_it = json.dumps(
        {
            "head": {"vars": ["n", "item"]},
            "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]},
        }
    ).encode()
    with (
        scripted_endpoint([(200, {}, head_names_it, 0)]) as (url, _),
        pytest.raises(WikidataError, match=r"a row lacks \?item"),
    ):
        client(url, retries=0).select(QUERY, required=("item",))


def test_empty_rows_do_not_make_every_link_look_deleted(tmp_path: Path, root: Path) -> None:
    with scripted_endpoint([(200, {}, json.dumps(ROWS).encode(), 0)]) as (url, _):
        result = CliRunner().invoke(
            main, ["link", "check", "--endpoint", url, "--contact", "x@example.org", "--no-cache"]
        )
    assert result.exit_code == 3, result.output
    assert "gave no row for" in result.output and "nothing was checked" in result.output
    assert "missing" not in result.output


def test_retry_after_is_honoured() -> None:
    waits: list[float] = []
    script = [(503, {"Retry-After": "1"}, b"busy", 0.0), (200, {}, GOOD, 0.0)]
    with scripted_endpoint(script) as (url, _):
        WikidataClient(url, contact="x@example.org", sleep=waits.append).select(QUERY)
    assert waits == [1.0]


def test_retry_after_beyond_the_cap_is_said_not_shortened() -> None:
    waits: list[float] = []
    with (
        scripted_endpoint([(429, {"Retry-After": "3600"}, b"slow down", 0)]) as (url, seen),
        pytest.raises(WikidataError, match=r"asks to wait 3600 s .*longer than the 120 s"),
    ):
        WikidataClient(url, contact="x@example.org", sleep=waits.append).select(QUERY)
    assert waits == [] and len(seen) == 1


def test_a_refusal_is_not_retried() -> None:
    with (
        scripted_endpoint([(400, {}, b"Parse error: line 1", 0)]) as (url, seen),
        pytest.raises(EndpointError, match="refused the query: HTTP 400 Parse error"),
    ):
        RemoteEngine(url, timeout=2).run("ASK {}", {})
    assert len(seen) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_never_a_success(status: int) -> None:
    """A store or endpoint that answers with a redirect stored nothing and answered nothing:
    the load, the query and the export each say so, exit 3, and the redirect is not followed."""
    moved = [(status, {"Location": "http://127.0.0.1:9/elsewhere"}, b"", 0.0)]
    with scripted_endpoint(moved) as (url, seen):
        for args in (
            ["load", "--graph-store", url],
            ["query", "--endpoint", url, "-e", "ASK {}"],
            ["export", "--endpoint", url, "--format", "turtle"],
        ):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 3, (args, result.output)
            assert f"redirect (HTTP {status}) to http://127.0.0.1:9/elsewhere" in result.output
    assert len(seen) == 3


@pytest.mark.parametrize("status", [200, 201])
def test_a_web_page_is_not_a_graph_store(status: int, tmp_path: Path) -> None:
    """A web site that answers any PUT or POST with its home page stored nothing: the whole
    dataset, one graph and a streamed file (its first chunk) each get one line, exit 3, never
    "loaded"."""
    page = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body>Hi</body></html>"
    roll = tmp_path / "roll.nt"
    roll.write_text('<http://example.org/s> <http://example.org/p> "o" .\n', encoding="utf-8")
    with scripted_endpoint([(status, {"Content-Type": "text/html; charset=utf-8"}, page, 0)]) as (
        url,
        seen,
    ):
        graph = "http://example.org/g"
        for args in (
            ["load", "--graph-store", url],
            ["load", "--graph-store", url, "--graph", graph],
            ["load", "--graph-store", url, "--graph", graph, "--file", str(roll), "--update", url],
        ):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 3, (args, result.output)
            assert "answered with a web page (text/html" in result.output, result.output
            assert "loaded" not in result.output and "Traceback" not in result.output
    assert len(seen) == 4  # the stream tried to drop its staging graph too


def test_an_answer_to_another_query_is_refused_in_one_line(tmp_path: Path) -> None:
    """An endpoint that answers every query with the same rows (another query's) makes
    validate, reconcile and query each say so in one line, exit 3, not fail on a missing
    variable."""
    rows = json.dumps(
        {
            "head": {"vars": ["x"]},
            "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]},
        }
    ).encode()
    names = tmp_path / "names.csv"
    names.write_text("name\nRyskulov\n", encoding="utf-8")
    with scripted_endpoint([(200, {}, rows, 0.0)]) as (url, _):
        for args in (
            ["validate", "--endpoint", url],
            ["reconcile", str(names), "--column", "name", "--endpoint", url],
            ["query", "--endpoint", url, "-e", "SELECT ?a WHERE { ?a ?p ?o }"],
            ["query", "--endpoint", url, "-e", "ASK { ?a ?p ?o }"],
        ):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 3, (args, result.output)
            assert "answered something else than the" in result.output
            assert result.output.count("\n") == 1, result.output


def test_through_the_cli_a_failing_endpoint_is_exit_3() -> None:
    with raw_server(reset) as (url, _):
        result = CliRunner().invoke(
            main, ["query", "--endpoint", url, "--timeout", "2", "-e", "ASK {}"]
        )
    assert result.exit_code == 3 and "kept failing" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---------------------------------------------------------------------- the cache


def cached_run(url: str, cache: Path, **options: float) -> list[dict[str, object]]:
    with WikidataClient(url, contact="x@example.org", cache_dir=cache, **options) as wikidata:  # type: ignore[arg-type]
        rows = wikidata.select(QUERY)
    return [{k: str(v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage, not SQLite", b"\x00\x01\x02" * 100, b"{}"],
    ids=["empty", "garbage", "binary", "json"],
)
def test_a_damaged_cache_file_is_a_miss_and_is_replaced(
    tmp_path: Path, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, seen):
        first = cached_run(url, cache)
        (cache / "cache.db").write_bytes(damage)
        for leftover in cache.glob("cache.db-*"):
            leftover.unlink()
        assert cached_run(url, cache) == first
        assert cached_run(url, cache) == first
    assert len(seen) == 2  # asked again once, then the new cache answered
    assert (cache / ".turkestan-kg").is_file()


def test_a_tampered_entry_is_dropped_and_fetched_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, seen):
        first = cached_run(url, cache)
        with sqlite3.connect(cache / "cache.db") as db:
            db.execute("UPDATE Cache SET value = ?", (b"0" * 64 + b'{"head": {}}',))
        assert cached_run(url, cache) == first
    assert len(seen) == 2
    assert "damaged entry" in caplog.text


def test_cached_answers_expire(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, seen):
        cached_run(url, cache, cache_ttl=0.3)
        cached_run(url, cache, cache_ttl=0.3)
        time.sleep(0.5)
        cached_run(url, cache, cache_ttl=0.3)
    assert len(seen) == 2


def test_the_cache_of_earlier_versions_is_taken_over(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{'a' * 64}.json").write_text("{}")
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, _):
        assert cached_run(url, cache)
    assert not (cache / f"{'a' * 64}.json").exists()


def test_a_folder_of_the_users_is_never_used_as_a_cache(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    with pytest.raises(Exception, match=r"refusing to replace .*mine"):
        WikidataClient("http://127.0.0.1:9/sparql", contact="x@example.org", cache_dir=mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


# ---------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_body_is_results_or_untrusted(body: bytes) -> None:
    try:
        result = select_results(body)
    except Untrusted as err:
        assert "did not answer with SPARQL JSON" in str(err)
    else:
        assert result.kind in ("select", "ask")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "head": st.fixed_dictionaries({"vars": JSON_VALUES}),
            "results": st.fixed_dictionaries({"bindings": JSON_VALUES}),
        }
    )
)
def test_any_json_shape_is_results_or_untrusted(data: dict[str, object]) -> None:
    with contextlib.suppress(Untrusted):
        select_results(json.dumps(data).encode())


def test_nothing_listens_is_cannot_reach() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(WikidataError, match="cannot reach"):
        client(url).select(QUERY)
