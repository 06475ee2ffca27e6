"""How fast can new queries be with the workers isolated? A floor for issue 24's target.

    .venv/bin/python benchmarks/serve_floor.py [--seconds 6] [--runs 2] [--repeated]

Serves the project's data four ways on loopback and sends each the same new point lookups
(every request a query text of its own, as `benchmarks/serve.py` does) with wrk:

- `oxigraph serve-read-only` (the baseline);
- the least a server with isolated workers must do ("floor"): uvicorn (httptools, uvloop)
  with a bare ASGI function that writes each query to one of two worker processes over a
  pipe, which the event loop reads (no thread, no framework, no cache, no checks, no
  limits); each worker runs it on its own in-memory Oxigraph store and answers SPARQL JSON;
- the project's own worker pool with nothing in front of it ("pool"): uvicorn with a bare
  ASGI function that hands each query to `turkestan_kg.web.sandbox.QueryPool` (its workers,
  checks, limits and supervision, with no headers, cache, CORS or protocol checks);
- `tkg serve`.

Beside requests per second, each row has the processor time a request cost the server's
own process and its children (the workers; Oxigraph has none), from `/proc` (Linux) over
the timed run, and wrk's count of answers that were not 2xx and socket errors (a server
whose answers fail is not fast); wrk shares the machine's cores with them.

With ``--repeated``, each is sent one point lookup over and over (the answer a cache keeps),
and the floor is the least a server answering from memory must do: uvicorn (httptools,
uvloop) with a bare ASGI function that sends the same bytes, made once, to every request.

Prints requests per second and the ratio to Oxigraph in the same run. The floor is not a
server anyone should run; it shows how much of the gap is Python's HTTP stack (and a pipe),
and how much is ours.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import os
import struct
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve import (  # noqa: E402
    NEW_LOOKUP,
    POINT,
    RESULTS,
    new_texts,
    query_url,
    start_on_free_port,
    start_oxigraph,
    start_tkg,
    wrk,
)

WORKERS = 2
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def worker(source: bytes, jobs: int, replies: int) -> None:
    """Answer each query from the pipe ``jobs`` on ``replies``: (number, length) then bytes."""
    import ctypes
    import signal

    import pyoxigraph as ox

    # ended with the server, which a benchmark kills (each forked worker holds the other
    # pipes' write ends, so no pipe would close to tell it)
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    store = ox.Store()
    store.load(source, format=ox.RdfFormat.N_QUADS)
    inbox, outbox = os.fdopen(jobs, "rb", buffering=0), os.fdopen(replies, "wb", buffering=0)
    while head := inbox.read(8):
        number, size = struct.unpack("!II", head)
        body: bytes | None
        try:
            result = store.query(inbox.read(size).decode())
            assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError, OSError) as err:
            body = str(err).encode()
        body = body or b""
        outbox.write(struct.pack("!II", number, len(body)) + body)


async def lifespan(
    receive: Receive, send: Send, start: Callable[[], Awaitable[None]] | None = None
) -> None:
    """The ASGI lifespan protocol: ``start`` at start-up, nothing at shutdown."""
    while (await receive())["type"] == "lifespan.startup":
        if start is not None:
            await start()
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})


class Replies(asyncio.Protocol):
    """A worker's answers, framed as it writes them, each to the future that waits for it."""

    def __init__(self, waiting: dict[int, asyncio.Future[bytes]]) -> None:
        self.waiting, self.buffer = waiting, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= 8:
            number, size = struct.unpack("!II", self.buffer[:8])
            if len(self.buffer) < 8 + size:
                return
            self.waiting.pop(number).set_result(self.buffer[8 : 8 + size])
            self.buffer = self.buffer[8 + size :]


class Floor:
    """The bare ASGI application (see the module's docstring)."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.pipes: list[tuple[int, dict[int, asyncio.Future[bytes]]]] = []
        self.count = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        fork = multiprocessing.get_context("fork")  # the worker inherits its two pipe ends
        for _ in range(WORKERS):
            jobs_read, jobs_write = os.pipe()
            replies_read, replies_write = os.pipe()
            process = fork.Process(
                target=worker, args=(self.source, jobs_read, replies_write), daemon=True
            )
            process.start()
            os.close(jobs_read)
            os.close(replies_write)
            waiting: dict[int, asyncio.Future[bytes]] = {}
            pipe = os.fdopen(replies_read, "rb", buffering=0)
            await loop.connect_read_pipe(lambda w=waiting: Replies(w), pipe)  # type: ignore[misc]
            self.pipes.append((jobs_write, waiting))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, self.start)
            return
        query = urllib.parse.parse_qs(scope["query_string"].decode())["query"][0].encode()
        self.count += 1
        jobs, waiting = self.pipes[self.count % WORKERS]
        future = asyncio.get_running_loop().create_future()
        waiting[self.count] = future
        os.write(jobs, struct.pack("!II", self.count, len(query)) + query)
        body = await future
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", RESULTS.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class Kept:
    """The bare ASGI application for repeated queries: the point lookup's answer, made once
    with Oxigraph, sent to every request."""

    def __init__(self, source: bytes) -> None:
        import pyoxigraph as ox

        store = ox.Store()
        store.load(source, format=ox.RdfFormat.N_QUADS)
        result = store.query(POINT)
        assert isinstance(result, ox.QuerySolutions)
        self.body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        self.start = {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", RESULTS.encode())],
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        await send(self.start)
        await send({"type": "http.response.body", "body": self.body})


def serve_floor(port: int, repeated: bool) -> None:
    import uvicorn

    from turkestan_kg.graph.dataset import load, store_payload

    source = store_payload(load())
    app = Kept(source) if repeated else Floor(source)
    uvicorn.run(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="warning"
    )


def serve_pool(port: int) -> None:
    """The project's worker pool behind a bare ASGI function on uvicorn (see the docstring)."""
    import uvicorn
    from anyio import CapacityLimiter

    from turkestan_kg.graph.dataset import load, store_payload
    from turkestan_kg.web.jobs import Job
    from turkestan_kg.web.sandbox import Limits, QueryPool

    pool = QueryPool(store_payload(load()), limits=Limits())
    threads = CapacityLimiter(2 * pool.capacity)

    async def attach() -> None:
        pool.attach(asyncio.get_running_loop())

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, attach)
            return
        query = urllib.parse.parse_qs(scope["query_string"].decode())["query"][0]
        reply = await pool.answer_async(Job(query, results_media=RESULTS), threads)
        headers = [(b"content-type", reply.media_type.encode())]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    try:
        uvicorn.run(
            app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="warning"
        )
    finally:
        pool.close()


def start_floor(repeated: bool, kind: str = "floor") -> tuple[subprocess.Popen[bytes], str]:
    flags = ["--repeated"] if repeated else []
    return start_on_free_port(
        lambda port: [sys.executable, __file__, *flags, f"--{kind}", str(port)]
    )


def processor_seconds(pid: int) -> tuple[float, float]:
    """The processor time (user and system) of a process, and of its children now alive."""

    def of(one: int) -> float:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return of(pid), sum(of(int(child)) for child in children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--repeated", action="store_true", help="one query over and over")
    parser.add_argument("--floor", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        serve_floor(args.floor, args.repeated)
        return
    if args.pool:
        serve_pool(args.pool)
        return
    print(f"{'one point lookup over and over' if args.repeated else 'new point lookups'}:\n")
    print(
        "| run | server | req/s | of Oxigraph | server µs/request | its workers µs/request "
        "| errors |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as workdir:
        for run in range(1, args.runs + 1):
            (Path(workdir) / str(run)).mkdir()
            starts: list[tuple[str, Callable[[], tuple[subprocess.Popen[bytes], str]], str]] = [
                ("oxigraph", functools.partial(start_oxigraph, Path(workdir) / str(run)), "/query"),
                ("floor", functools.partial(start_floor, args.repeated), "/sparql"),
                *(
                    []
                    if args.repeated
                    else [("pool", functools.partial(start_floor, False, "pool"), "/sparql")]
                ),
                ("tkg serve", start_tkg, "/sparql"),
            ]
            baseline = 0.0
            for name, start, path in starts:
                process, base = start()  # a fresh server each time: no cache has seen a text
                try:
                    script = "" if args.repeated else new_texts(path, NEW_LOOKUP)
                    url = query_url(base + path, POINT) if args.repeated else base + path
                    wrk(url, RESULTS, 1, 32, script)  # warm-up, as serve.py does
                    before = processor_seconds(process.pid)
                    measured = wrk(url, RESULTS, args.seconds, 32, script)
                    after = processor_seconds(process.pid)
                finally:
                    process.kill()
                    process.wait()
                rate = measured.rps
                baseline = baseline or rate
                own, workers = (
                    (a - b) / (rate * args.seconds) * 1e6
                    for a, b in zip(after, before, strict=True)
                )
                print(
                    f"| {run} | {name} | {rate:,.0f} | {rate / baseline:.2f}x | {own:.1f} | "
                    f"{f'{workers:.1f}' if name != 'oxigraph' else '-'} | {measured.errors} |"
                )


if __name__ == "__main__":
    main()
