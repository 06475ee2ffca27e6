"""The hand-over of a query between the server and its workers, which new queries pay for
each time: replies read on the server's event loop (and on threads before and after it
runs), a worker's threads taking turns at its pipe, the jobs of one turn of the loop sent
in one write and read together, the media types a client's Accept header chooses remembered, the query string decoded by a compiled decoder, and the security
headers set once. Each answers as before."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import multiprocessing
import os
import pickle
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
import uvloop
from anyio import CapacityLimiter
from hypothesis import given, settings
from hypothesis import strategies as st
from uvicorn.server import ServerState

from servers import project_site, wait_for
from turkestan_kg.graph.dataset import load, store_payload
from turkestan_kg.web import conneg
from turkestan_kg.web.endpoint import form_pairs
from turkestan_kg.web.handles import Worker
from turkestan_kg.web.jobs import (
    HEADER,
    LONG_HEADER,
    REPLY_HEAD,
    TOKEN,
    Garbled,
    Job,
    Reply,
    Setup,
    framed,
    job_message,
    replies,
    reply_message,
    unframed,
)
from turkestan_kg.web.sandbox import Limits, QueryPool, SandboxError
from turkestan_kg.web.server import OneWrite, TimedProtocol

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def pool() -> Iterator[QueryPool]:
    started = QueryPool(store_payload(load()), workers=2, limits=Limits(timeout=20, slots=4))
    try:
        yield started
    finally:
        started.close()


@pytest.fixture()
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in a thread of its own, as the server's runs."""
    running = uvloop.new_event_loop()  # as the server runs (it makes watched pipes non-blocking)
    thread = threading.Thread(target=running.run_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.call_soon_threadsafe(running.stop)
        thread.join(timeout=10)
        running.close()


def on(loop: asyncio.AbstractEventLoop, call: Callable[[], object]) -> None:
    """Run ``call`` on ``loop`` and wait for it."""

    async def run() -> None:
        call()

    asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=10)


def asked(pool: QueryPool, loop: asyncio.AbstractEventLoop, text: str) -> bytes:
    """``text``'s answer through the pool, awaited on ``loop``."""
    job = Job(text)
    reply = asyncio.run_coroutine_threadsafe(pool.answer_async(job, CapacityLimiter(4)), loop)
    return reply.result(timeout=30).body


def test_replies_move_from_threads_to_the_loop_and_back(
    pool: QueryPool, loop: asyncio.AbstractEventLoop
) -> None:
    assert b"true" in pool.answer(Job("ASK {}")).body
    on(loop, lambda: pool.attach(loop))
    assert b"true" in asked(pool, loop, "ASK { FILTER (1 > 0) }")
    assert wait_for(lambda: all(w.watcher is loop for w in pool._workers))
    many = [asked(pool, loop, f"ASK {{ FILTER ({n} >= 0) }}") for n in range(40)]
    assert all(b"true" in body for body in many)
    on(loop, lambda: pool.attach(None))
    assert all(w.watcher is None for w in pool._workers)
    assert b"true" in pool.answer(Job("ASK { FILTER (2 > 1) }")).body  # a thread reads again


def test_a_worker_killed_while_the_loop_reads_it_is_replaced(
    pool: QueryPool, loop: asyncio.AbstractEventLoop
) -> None:
    on(loop, lambda: pool.attach(loop))
    try:
        assert wait_for(lambda: all(w.watcher is loop for w in pool._workers))
        victim = pool._workers[0]
        os.kill(victim.process.pid or 0, signal.SIGKILL)
        assert wait_for(lambda: victim not in pool._workers and len(pool._workers) == 2)
        assert wait_for(lambda: all(w.watcher is loop for w in pool._workers))
        bodies = [asked(pool, loop, f"ASK {{ FILTER ({n} < 100) }}") for n in range(20)]
        assert all(b"true" in body for body in bodies)
    finally:
        on(loop, lambda: pool.attach(None))


def test_jobs_sent_in_one_turn_of_the_loop_go_in_one_write_each_to_its_own_client(
    pool: QueryPool, loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    for worker in pool._workers:
        monkeypatch.setattr(worker, "_write", counted(worker._write, writes))
    on(loop, lambda: pool.attach(loop))
    try:
        texts = [f"SELECT ?n WHERE {{ BIND ({n} AS ?n) }}" for n in range(8)]
        replies = sent_together(pool, loop, texts).result(timeout=30)
    finally:
        on(loop, lambda: pool.attach(None))
    assert [bound(reply) for reply in replies] == [str(n) for n in range(8)]
    assert len(writes) == 2 and sum(writes) > 0  # one write to each worker, not eight


def counted(write: Callable[..., None], writes: list[int]) -> Callable[..., None]:
    def count(data: bytes, *, wait: bool) -> None:
        writes.append(len(data))
        write(data, wait=wait)

    return count


def test_a_worker_answers_jobs_that_come_together_or_cut_in_two() -> None:
    """What a worker reads may hold several jobs, or part of one: it answers each whole job
    once, in the pipe's own framing, which ``multiprocessing``'s ``recv`` reads back."""
    from turkestan_kg.web.worker import serve

    context = multiprocessing.get_context("spawn")
    server_end, worker_end = context.Pipe()
    process = context.Process(
        target=serve, args=(worker_end, store_payload(load()), Setup(slots=2)), daemon=True
    )
    process.start()
    worker_end.close()
    try:
        assert server_end.poll(60)
        server_end.recv_bytes()  # it is ready (and says whether it is off the network)
        texts = {n: f"SELECT ?n WHERE {{ BIND ({n} AS ?n) }}" for n in range(5)}
        frames = {n: job_message(n, Job(text)) for n, text in texts.items()}
        sock = socket.socket(fileno=os.dup(server_end.fileno()))
        sock.sendall(frames[0] + frames[1] + frames[2])  # three in one write
        sock.sendall(frames[3][:7])  # one cut in two, and the rest of it later
        time.sleep(0.2)
        sock.sendall(frames[3][7:] + frames[4])
        answers = {}
        for _ in range(5):
            assert server_end.poll(30)
            ((number, reply),) = replies(bytearray(framed(server_end.recv_bytes())))
            answers[number] = json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]
        assert answers == {n: str(n) for n in range(5)}
        sock.close()
    finally:
        server_end.close()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def test_a_message_past_two_gigabytes_is_read_by_its_long_length() -> None:
    """``multiprocessing`` frames a message over 2 GB with -1 and an 8-byte length; the
    pipe's reader takes that framing too (shown with a small message so framed)."""
    data = b"whole"
    long_framed = HEADER.pack(-1) + LONG_HEADER.pack(len(data)) + data
    buffer = bytearray(long_framed[:10])
    assert unframed(buffer) == []
    buffer += long_framed[10:] + framed(b"next")
    assert unframed(buffer) == [b"whole", b"next"]
    assert buffer == bytearray()


@contextlib.contextmanager
def a_stopped_worker(
    loop: asyncio.AbstractEventLoop, timeout: float
) -> Iterator[tuple[QueryPool, Worker]]:
    """A pool of one worker, read on ``loop``, whose worker is stopped (SIGSTOP)."""
    one = QueryPool(store_payload(load()), workers=1, limits=Limits(timeout=timeout, slots=32))
    victim = one._workers[0]
    try:
        on(loop, lambda: one.attach(loop))
        assert wait_for(lambda: victim.watcher is loop)  # (uvloop: its pipe is non-blocking)
        os.kill(victim.process.pid or 0, signal.SIGSTOP)
        yield one, victim
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim.process.pid or 0, signal.SIGCONT)
        on(loop, lambda: one.attach(None))
        one.close()


def sent_together(
    pool: QueryPool, loop: asyncio.AbstractEventLoop, texts: list[str]
) -> concurrent.futures.Future[list[Reply | BaseException]]:
    """``texts`` sent to ``pool`` in one turn of ``loop``; their replies, or errors, later."""

    async def all_at_once() -> list[Reply | BaseException]:
        threads = CapacityLimiter(4)
        asked = [pool.answer_async(Job(text), threads) for text in texts]
        return await asyncio.gather(*asked, return_exceptions=True)

    return asyncio.run_coroutine_threadsafe(all_at_once(), loop)


def long_texts(query: str) -> list[str]:
    """32 texts of 60 kB each (far more than a pipe holds): ``query`` with 0 to 31 for @n."""
    padding = "# " + "x" * 59_000 + "\n"
    return [padding + query.replace("@n", str(n)) for n in range(32)]


def bound(reply: Reply | BaseException) -> str:
    """The value of ?n in a reply of SPARQL JSON results."""
    assert isinstance(reply, Reply), reply
    return str(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def test_a_burst_of_long_jobs_past_a_pipe_s_room_is_answered_by_the_same_workers(
    pool: QueryPool, loop: asyncio.AbstractEventLoop
) -> None:
    """Four jobs of 60 kB for each worker in one turn of the loop are more than a pipe
    takes at once; the rest waits for room (the pipe is non-blocking under uvloop) and no
    worker is taken for dead."""
    on(loop, lambda: pool.attach(loop))
    try:
        before = list(pool._workers)
        assert wait_for(lambda: all(w.watcher is loop for w in before))
        texts = long_texts("SELECT ?n WHERE { BIND (@n AS ?n) }")[:8]
        replies = sent_together(pool, loop, texts).result(timeout=60)
        assert [bound(reply) for reply in replies] == [str(n) for n in range(8)]
        assert pool._workers == before and all(w.process.is_alive() for w in before)
    finally:
        on(loop, lambda: pool.attach(None))


def test_a_stopped_worker_with_a_full_pipe_does_not_hold_the_event_loop(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Jobs for a worker that has stopped reading (SIGSTOP) fill its pipe; the loop goes on,
    the time limit retires the worker, and its clients get a 503 that says so."""
    with a_stopped_worker(loop, timeout=2) as (one, victim):
        replies = sent_together(one, loop, long_texts("ASK { FILTER (@n >= 0) }"))
        time.sleep(0.5)
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout=2)  # not held
        statuses = [getattr(reply, "status", 0) for reply in replies.result(timeout=30)]
        assert statuses == [503] * 32
        assert wait_for(lambda: victim not in one._workers and len(one._workers) == 1)
        assert b"true" in asked(one, loop, "ASK { FILTER (1 > 0) }")


def test_jobs_written_while_a_worker_was_stopped_reach_it_whole_and_in_order(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """What the pipe could not take at once is written by a thread once the worker reads
    again: each of 32 long jobs, cut wherever the pipe filled, comes whole to its client."""
    with a_stopped_worker(loop, timeout=30) as (one, victim):
        replies = sent_together(one, loop, long_texts("SELECT ?n WHERE { BIND (@n AS ?n) }"))
        time.sleep(0.5)
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout=2)  # not held
        assert victim.writing  # the rest waits for the worker, on a thread
        os.kill(victim.process.pid or 0, signal.SIGCONT)
        assert [bound(reply) for reply in replies.result(timeout=30)] == [str(n) for n in range(32)]
        assert wait_for(lambda: not victim.writing and not victim.backlog)


def children() -> set[int]:
    """The processes this one started and that have not been reaped (Linux's /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


def test_a_worker_killed_as_it_starts_is_started_again() -> None:
    """A replacement killed as soon as it appears, twice: the pool starts another (it used
    to wait for ever writing the N-Quads to a process that had died, and had no worker)."""
    one = QueryPool(store_payload(load()), workers=1, limits=Limits(timeout=20, slots=4))
    try:
        known = children()
        os.kill(one._workers[0].process.pid or 0, signal.SIGKILL)
        for _ in range(2):
            deadline = time.monotonic() + 30
            while not (newcomers := children() - known) and time.monotonic() < deadline:
                pass  # (no sleep: it is to die before it has read what it is sent)
            assert newcomers
            for pid in newcomers:
                os.kill(pid, signal.SIGKILL)
            known |= newcomers
        assert wait_for(lambda: [w.process.pid for w in one._workers] not in ([], [None]), 60)
        assert one._workers[0].process.pid not in known
        assert b"true" in one.answer(Job("ASK {}")).body
    finally:
        one.close()


IDLE_PAST_1023 = """
import os, resource, time
from turkestan_kg.graph.dataset import load, store_payload
from turkestan_kg.web.jobs import Job
from turkestan_kg.web.sandbox import Limits, QueryPool

if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1_300), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1_100)]
    one = QueryPool(store_payload(load()), workers=1, limits=Limits(timeout=20, slots=4))
    answered = b"true" in one.answer(Job("ASK {}")).body
    before = os.times()
    time.sleep(1)
    after = os.times()
    idle = (after.user + after.system) - (before.user + before.system)
    print(one._workers[0].inbox.fileno(), answered, idle)
    one.close()
"""


def test_a_thread_waits_for_a_pipe_numbered_past_1023_without_spinning(tmp_path: Path) -> None:
    """A server with a thousand connections open gives a new worker's pipe a descriptor past
    1,023, which ``select`` refuses: the thread that reads it used to spin, a core's worth.
    (In a process of its own, where no other test's thread closes a descriptor below.)"""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1_300:
        pytest.skip(f"this system allows {hard} open files")
    script = tmp_path / "idle.py"
    script.write_text(IDLE_PAST_1023, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    fd, answered, idle = done.stdout.split()
    assert int(fd) > 1_023
    assert answered == "True"
    assert float(idle) < 0.5


def test_a_query_past_its_turn_does_not_hold_up_the_next() -> None:
    """A worker's thread that runs a long query passes its turn at the pipe on, so the same
    worker answers a cheap query meanwhile."""
    one = QueryPool(store_payload(load()), workers=1, limits=Limits(timeout=60, slots=4))
    slow = Job("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    ended: list[int] = []

    def run_slow() -> None:
        try:
            one.answer(slow)
        except SandboxError as err:
            ended.append(err.status)

    long_ones = [threading.Thread(target=run_slow) for _ in range(2)]
    try:
        for thread in long_ones:
            thread.start()
        assert wait_for(lambda: len(one._workers[0].jobs) == 2)
        time.sleep(0.2)  # both well past their turn
        started = time.monotonic()
        assert b"true" in one.answer(Job("ASK { FILTER (3 > 2) }")).body
        assert time.monotonic() - started < 5
        assert all(thread.is_alive() for thread in long_ones)
        assert one.stop() == 2
        for thread in long_ones:
            thread.join(timeout=30)
        assert ended == [503, 503]
    finally:
        one.close()


def test_a_remembered_choice_depends_on_the_offers_too() -> None:
    header = "text/csv;q=0.5, application/sparql-results+json"
    assert conneg.choose(header, ["text/csv", "application/sparql-results+json"]) == (
        "application/sparql-results+json"
    )
    assert conneg.choose(header, ["text/csv", "text/turtle"]) == "text/csv"
    assert conneg.choose(header, ["text/turtle"]) is None
    long_header = "text/turtle;q=0.1, " + ", ".join(f"x/y{n}" for n in range(200))
    assert len(long_header) > conneg.REMEMBERED_HEADER
    assert conneg.choose(long_header, ["text/turtle"]) == "text/turtle"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with project_site(Limits(timeout=20)) as url:
        yield url


def exchange(url: str, raw: bytes, until: Callable[[bytes], bool]) -> bytes:
    """Send ``raw`` on one connection and read until ``until`` holds of what came."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(raw)
        got = b""
        while not until(got):
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def answers(got: bytes) -> list[tuple[bytes, bytes]]:
    """The (head, body) of each answer in ``got``, by Content-Length."""
    found = []
    while b"\r\n\r\n" in got:
        head, rest = got.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
        body = rest[:length]
        found.append((head, body))
        got = rest[len(body) :]
    return found


def test_pipelined_answers_come_whole_and_in_order(site: str) -> None:
    texts = [f"ASK {{ FILTER ({n} = {n}) }}" for n in range(3)]
    raw = b"".join(
        f"GET /sparql?query={urllib.parse.quote(t)} HTTP/1.1\r\nHost: x\r\n"
        f"Accept: {JSON}\r\n\r\n".encode()
        for t in texts
    )
    got = exchange(site, raw, lambda g: g.count(b'"boolean":true') == 3)
    found = answers(got)
    assert [head.split(b"\r\n")[0] for head, _ in found] == [b"HTTP/1.1 200 OK"] * 3
    assert all(json.loads(body)["boolean"] is True for _, body in found)


def test_a_head_is_sent_alone_and_the_connection_goes_on(site: str) -> None:
    query = urllib.parse.quote("ASK {}")
    raw = (
        f"HEAD /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: {JSON}\r\n\r\n"
        f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: {JSON}\r\n\r\n"
    ).encode()
    got = exchange(site, raw, lambda g: b'"boolean":true' in g)
    first, second = got.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 200") and b"content-length" in first.lower()
    assert second.startswith(b"HTTP/1.1 200") and second.endswith(b'"boolean":true}')


def test_a_client_that_expects_100_continue_gets_it_then_the_answer(site: str) -> None:
    body = b"ASK { FILTER (1 = 1) }"
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: {JSON}\r\n"
        f"Content-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    host, port = site.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(head)
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        got = b""
        while b'"boolean":true}' not in got:
            chunk = sock.recv(65536)
            assert chunk, got
            got += chunk
    assert got.startswith(b"HTTP/1.1 200 OK")


def test_a_head_answer_is_never_held_and_a_get_answer_is_written_once() -> None:
    """A HEAD's head is all its answer: it goes out at once, since a graceful stop may
    close the connection as soon as the answer is complete. A GET's head waits for its
    body."""
    config = uvicorn.Config(lambda scope, receive, send: None, lifespan="off")
    config.load()

    async def cycle_transport(method: str) -> object:
        protocol = TimedProtocol(config=config, server_state=ServerState(), app_state={})
        transport = Transport()
        protocol.connection_made(transport)
        protocol.data_received(
            f"{method} /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        assert protocol.cycle is not None
        written = protocol.cycle.transport
        protocol.connection_lost(None)
        return written

    assert isinstance(asyncio.run(cycle_transport("GET")), OneWrite)
    assert isinstance(asyncio.run(cycle_transport("HEAD")), Transport)


class Transport(asyncio.Transport):
    """A connection that keeps what is written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:  # type: ignore[override]
        self.written.append(data)

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 5000) if name in ("peername", "sockname") else default

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass


def test_a_fault_on_get_is_answered_and_logged_as_on_post(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception no handler expects: one line naming the path to the client, whether
    the query came by GET (past the router) or by POST, and its traceback in the log."""

    async def broken(self: QueryPool, job: Job, threads: CapacityLimiter) -> None:
        raise RuntimeError("a fault of the server's own")

    monkeypatch.setattr(QueryPool, "answer_async", broken)
    with project_site(Limits(timeout=20)) as url:
        for request in (
            urllib.request.Request(url + "/sparql?query=ASK%7B%7D"),
            urllib.request.Request(
                url + "/sparql",
                data=b"ASK {}",
                headers={"Content-Type": "application/sparql-query"},
            ),
        ):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=20)
            body = caught.value.read()
            assert caught.value.code == 500 and body.count(b"\n") == 1, body
            assert b"/sparql" in body and b"RuntimeError" in body
    log = capsys.readouterr().err  # (uvicorn's own handler writes the server's log there)
    assert log.count("Exception in ASGI application") == 2, log
    assert log.count("RuntimeError: a fault of the server's own") == 2, log


PIECES = st.one_of(
    st.text(max_size=4),
    st.sampled_from(["&", "=", "+", "%", "%2", "%41", "%C3%A9", "%FF", "%D0%90", "%ZZ", "#", ";"]),
)


@settings(max_examples=2_000, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_query_string_decodes_as_the_standard_library_decodes_it(text: str) -> None:
    assert form_pairs(text) == urllib.parse.parse_qsl(text, keep_blank_values=True)


@settings(max_examples=300, deadline=None)
@given(
    number=st.integers(0, 2**64 - 1),
    status=st.integers(100, 599),
    media=st.tuples(*[st.text(sorted(TOKEN), min_size=1, max_size=40)] * 2).map("/".join),
    body=st.binary(max_size=2_000),
)
def test_a_reply_is_read_back_as_it_was_written(
    number: int, status: int, media: str, body: bytes
) -> None:
    reply = Reply(status, media, body)
    buffer = bytearray(reply_message(number, reply) * 2)
    assert replies(buffer) == [(number, reply), (number, reply)] and buffer == bytearray()


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_what_a_worker_sends_is_read_as_data_whatever_it_is(sent: bytes) -> None:
    """A worker runs clients' queries, so the server reads its messages as data: any bytes
    are replies, a message still to come, or Garbled (then the worker is killed); never an
    object rebuilt, never another exception, never a loop without end."""
    buffer = bytearray(sent)
    try:
        for number, reply in replies(buffer):
            assert isinstance(number, int) and 100 <= reply.status <= 599
    except Garbled:
        pass


UNPICKLED: list[str] = []


class Payload:
    """What a pickle may rebuild: unpickling this calls :func:`_ran`."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_ran, ("a worker's message was unpickled",))


def _ran(what: str) -> str:
    UNPICKLED.append(what)
    return what


@pytest.mark.parametrize(
    "media", ["text/plain\r\nSet-Cookie: a=b", "text/plain; charset=x", "text", "/x", "é/x", ""]
)
def test_a_reply_whose_media_type_is_not_one_is_garbled(media: str) -> None:
    """The media type becomes the answer's Content-Type: a worker cannot add a header."""
    buffer = bytearray(framed(REPLY_HEAD.pack(3, 200, len(media.encode())) + media.encode()))
    with pytest.raises(Garbled):
        replies(buffer)


def test_a_pickle_from_a_worker_is_never_unpickled() -> None:
    """Before, a reply was unpickled by the server, so a worker taken over by a query could
    run code in the server's process with one message."""
    buffer = bytearray(framed(pickle.dumps((1, Payload()))))
    with contextlib.suppress(Garbled):
        replies(buffer)
    assert UNPICKLED == []


def test_a_worker_that_sends_what_is_not_a_reply_is_replaced(pool: QueryPool) -> None:
    """Garbage from a worker, found before a reply of its: the worker is killed and
    replaced, and the query runs once more on another."""
    victim = pool._workers[0]
    victim.inbox.buffer += framed(b"\xff" * 3)  # as if the worker had sent it
    job = Job("ASK { FILTER (7 > 6) }")
    reply = None
    for _ in range(4):  # until a query goes to the victim and its reply is read
        reply = pool.answer(job)
        if not victim.process.is_alive():
            break
    assert reply is not None and json.loads(reply.body)["boolean"] is True
    assert wait_for(lambda: not victim.process.is_alive() and victim not in pool._workers)
    assert wait_for(lambda: len(pool._workers) == 2)
    assert json.loads(pool.answer(job).body)["boolean"] is True


def test_a_query_whose_two_workers_both_send_garbage_is_a_503_that_says_so() -> None:
    two = QueryPool(store_payload(load()), workers=2, limits=Limits(timeout=20, slots=4))
    try:
        for worker in two._workers:
            worker.inbox.buffer += framed(b"\x00")  # as if each had sent it
        with pytest.raises(SandboxError) as refused:
            for _ in range(4):  # the query goes to one, then runs once more on the other
                two.answer(Job("ASK {}"))
        assert refused.value.status == 503
        assert "sent what is not an answer" in refused.value.message, refused.value.message
    finally:
        two.close()


def test_a_reply_longer_than_any_answer_is_not_waited_for() -> None:
    """A worker bounds its answers; one that says it sends more (8 EB, say) is not read on
    into the server's memory until the rest comes: it is Garbled at once."""
    huge = bytearray(HEADER.pack(-1) + LONG_HEADER.pack(2**63))
    with pytest.raises(Garbled, match="over 1,000"):
        replies(huge, longest=1_000)
    whole = reply_message(1, Reply(200, "text/plain", b"x" * 900))
    assert replies(bytearray(whole), longest=1_000)[0][1].body == b"x" * 900


def test_a_worker_that_answers_in_a_type_not_asked_for_is_replaced(pool: QueryPool) -> None:
    """A worker taken over could answer ``text/html`` with a script for a browser to run:
    a reply in a media type its query did not ask for is not passed on; the worker is
    killed and the query runs once more on another."""
    victim = pool._workers[0]
    upcoming = int(repr(pool._numbers).removeprefix("count(").removesuffix(")"))
    forged = Reply(200, "text/html", b"<script src=/sparql?query=x></script>")
    for number in range(upcoming, upcoming + 40):  # as if the victim had answered them so
        victim.inbox.buffer += reply_message(number, forged)
    job = Job("ASK { FILTER (3 > 2) }")
    replies_seen = [pool.answer(job) for _ in range(4)]
    assert all(r.media_type == JSON and json.loads(r.body)["boolean"] for r in replies_seen)
    assert wait_for(lambda: not victim.process.is_alive() and victim not in pool._workers)
    assert wait_for(lambda: len(pool._workers) == 2)
