"""Run the application on uvicorn: HTTP/1.1 with keep-alive, a listen backlog of 2048, and a
graceful stop on Ctrl-C (requests under way are finished, then the workers stop).

The port is taken before the graph is loaded into the workers, so a port in use is one
line before anything slow happens; connections that arrive while the server starts wait
in the backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar, NoReturn

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..dataset.api import Dataset
from ..errors import TkgError, UsageError
from ..graph.dataset import KnowledgeGraph
from .app import DEFAULT_LIMITS, LinkedDataApp
from .files import register_media_types
from .sandbox import Limits

BACKLOG = 2048
GRACE_SECONDS = 5
IDLE_SECONDS = 5
"""A connection that sends nothing for this long, new or between requests, is closed."""
HEADER_SECONDS = 10
"""A request's line and headers must all arrive within this time of its first byte."""
MAX_CONNECTIONS = 1000
"""Connections (and requests under way) past this number are answered 503 at once."""
MAX_PER_CLIENT = 256
"""Connections one address may hold at once: a quarter of all, so that one client keeping
connections open cannot lock the others out."""
MAX_HEADER_BYTES = 16 * 1024
"""A request's header fields together (names and values); past it, 431 and the connection
is closed, before anything parses them."""
MAX_TARGET_BYTES = 64 * 1024
"""A request's target (path and query string); a longer query is sent by POST."""


def serve(
    served: Dataset,
    *,
    files: KnowledgeGraph | None = None,
    dist_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    base_url: str | None = None,
    quiet: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve ``served`` until interrupted (see :class:`.app.LinkedDataApp`); Ctrl-C
    stops the server gracefully and raises KeyboardInterrupt for the caller to report.
    ``announce`` gets the URL once requests can be served. URLs in answers are under
    ``base_url`` (default: ``http://HOST:PORT``), never under a client's Host header."""
    sock = listen(host, port)
    bound = bound_url(host, sock.getsockname()[1])
    try:
        app = LinkedDataApp(
            served,
            files=files,
            limits=limits,
            workers=workers,
            dist_dir=dist_dir,
            base_url=base_url or bound,
        )
    except BaseException:
        sock.close()
        raise
    server = _server(app, quiet=quiet)
    if announce is not None:
        announce(bound + "/")
    gc.collect()
    gc.freeze()  # what the server holds from its start is never scanned again: no long pauses
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        if server.stopped_queries:
            raise Interrupted(server.stopped_queries) from None
        raise
    finally:
        sock.close()
        app.close()


@contextlib.contextmanager
def running(app: LinkedDataApp, host: str = "127.0.0.1") -> Iterator[str]:
    """The application served on a free port in a background thread; yields its base URL
    (for tests and notebooks). The server stops when the block ends."""
    sock = listen(host, 0)
    server = _server(app, quiet=True)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started and thread.is_alive():
            threading.Event().wait(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=GRACE_SECONDS + 5)
        sock.close()


def bound_url(host: str, port: int) -> str:
    """``http://HOST:PORT`` of a listening address (an IPv6 host in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the server after its grace period, with ``stopped`` SPARQL queries
    still running (their clients got 503)."""

    def __init__(self, stopped: int) -> None:
        super().__init__(stopped)
        self.stopped = stopped


class GracefulServer(uvicorn.Server):
    """uvicorn's server, whose graceful stop (Ctrl-C) also ends the SPARQL queries still
    running a second before the grace period is over, so that their clients get a 503 in
    time rather than a closed connection, and the stop takes no longer than the grace."""

    def __init__(self, config: uvicorn.Config, app: LinkedDataApp) -> None:
        super().__init__(config)
        self.app = app
        self.stopped_queries = 0

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.app.attach(asyncio.get_running_loop())  # the workers' replies read on this loop
        await super().startup(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        loop = asyncio.get_running_loop()
        late = loop.call_later(max(0.0, GRACE_SECONDS - 1), self._stop_queries)
        try:
            await super().shutdown(sockets)
        finally:
            late.cancel()
            self.app.attach(None)  # the loop ends: threads read the replies again

    def _stop_queries(self) -> None:
        self.stopped_queries = self.app.stop_queries()


def _server(app: LinkedDataApp, *, quiet: bool) -> GracefulServer:

    register_media_types()
    config = uvicorn.Config(
        app.secured,  # (the application's outermost layer: one coroutine less a request)
        http=TimedProtocol,
        timeout_keep_alive=IDLE_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        lifespan="off",
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
        backlog=BACKLOG,
        timeout_graceful_shutdown=GRACE_SECONDS,
        proxy_headers=False,  # the base URL comes from --base-url, no request's headers
    )
    return GracefulServer(config, app)


class TimedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (on httptools) with the two deadlines it lacks: a new
    connection that sends nothing is closed after its idle time, as one between requests
    is; and a request's headers, trickled a byte at a time, must be complete within
    :data:`HEADER_SECONDS` of its first byte. (The body has its deadline where it is read.)"""

    _headers_due: asyncio.TimerHandle | None = None
    _header_bytes = 0
    _target_bytes = 0
    _refused = False
    _peer: str | None = None
    open_per_client: ClassVar[Counter[str]] = Counter()
    """Connections open now, by the client's address (all servers of this process)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self._peer = str(peer[0]) if isinstance(peer, tuple) else None
        if self._peer is not None:
            self.open_per_client[self._peer] += 1
            if self.open_per_client[self._peer] > MAX_PER_CLIENT:
                self._turn_away()
                return
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_headers_due()
        if self._peer is not None:
            self.open_per_client[self._peer] -= 1
            if not self.open_per_client[self._peer]:
                del self.open_per_client[self._peer]
            self._peer = None
        super().connection_lost(exc)

    def _turn_away(self) -> None:
        """503 to a client past its share of connections, and close."""
        body = f"over {MAX_PER_CLIENT} connections from one address; close some\n".encode()
        self.transport.write(
            b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"retry-after: 5\r\nconnection: close\r\ncontent-length: %d\r\n\r\n%s"
            % (len(body), body)
        )
        self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = self._target_bytes = 0
        self._headers_due = self.loop.call_later(HEADER_SECONDS, self.timeout_keep_alive_handler)

    def on_url(self, url: bytes) -> None:
        self._target_bytes += len(url)
        if self._target_bytes > MAX_TARGET_BYTES:
            self._refuse(414, f"the request target is over {MAX_TARGET_BYTES} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._refuse(431, f"the request's headers are over {MAX_HEADER_BYTES} bytes")
        super().on_header(name, value)

    def _refuse(self, status: int, message: str) -> NoReturn:
        """Answer ``status`` with one line, close the connection, and stop the parser (the
        exception it raises for a failed callback ends this request's parse)."""
        from http import HTTPStatus

        body = (message + "\n").encode()
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            f"content-type: text/plain; charset=utf-8\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        )
        self._refused = True
        self.transport.write(head.encode() + body)
        self.transport.close()
        raise ValueError(message)

    def send_400_response(self, msg: str) -> None:
        if not self._refused:  # the parser's own 400, unless this request was refused above
            super().send_400_response(msg)

    def on_headers_complete(self) -> None:
        self._cancel_headers_due()
        super().on_headers_complete()
        cycle = self.cycle
        if (
            cycle is not None
            and cycle.transport is self.transport
            and self.scope["method"] != "HEAD"
        ):
            cycle.transport = OneWrite(self.transport, self.loop)  # type: ignore[assignment]

    def _cancel_headers_due(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None


class OneWrite:
    """The connection as one answer writes to it. uvicorn writes an answer's head (status
    line and headers) on its own, before the body: the first write is held until the next
    one, and both go to the socket in one system call, or until the end of the event
    loop's turn if nothing follows in it (a stream still to come). The bytes go out in the
    order written; everything but writing and closing is the connection's own. Not for a
    HEAD, whose head is all there is: a graceful stop may close the connection as soon as
    the answer is complete, before a held head went out."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.held: bytes | None = None
        self.first = True

    def write(self, data: bytes) -> None:
        if self.first:
            self.first, self.held = False, data
            self.loop.call_soon(self.flush)
        elif self.held is not None:
            held, self.held = self.held, None
            self.transport.writelines((held, data))
        else:
            self.transport.write(data)

    def flush(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            if not self.transport.is_closing():  # (the client left meanwhile: nothing to send)
                self.transport.write(held)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.transport, name)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening, or one line saying why it cannot be."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return socket.create_server((host, port), backlog=BACKLOG, reuse_port=False)
    except OverflowError:
        raise TkgError(f"port {port} is not a port", hint="give --port 0 to 65535") from None
    except socket.gaierror as err:  # not an address: a usage mistake
        raise UsageError(
            f"cannot listen on {host}:{port}: {err.strerror or err}",
            hint="give --host an address of this machine, such as 127.0.0.1",
        ) from None
    except OSError as err:
        raise TkgError(
            f"cannot listen on {host}:{port}: {err.strerror or err}",
            hint=LISTEN_HINTS.get(err.errno or 0, "check --host and --port"),
        ) from None


LISTEN_HINTS = {
    errno.EADDRINUSE: "another program may be using the port: give --port with another number",
    errno.EADDRNOTAVAIL: "give --host an address of this machine, such as 127.0.0.1",
    errno.EACCES: "ports below 1024 need privileges here: give --port 1024 or above",
}
"""What to do when the system refuses to listen, by its reason."""
