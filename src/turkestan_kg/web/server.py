"""Run the application on a threading WSGI server until interrupted."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ..errors import TkgError
from ..graph.dataset import KnowledgeGraph
from .app import DEFAULT_LIMITS, LinkedDataApp
from .sandbox import Limits


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    """One thread per request."""

    daemon_threads = True
    allow_reuse_address = True


def serve(
    kg: KnowledgeGraph,
    *,
    dist_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits = DEFAULT_LIMITS,
    quiet: bool = True,
    ready: threading.Event | None = None,
    store_dir: Path | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (from ``store_dir``, an on-disk store, when given). The port is
    taken before anything else, and ``announce`` gets the URL once requests can be served."""
    server = listen(host, port, quiet=quiet)
    try:
        app = LinkedDataApp(kg, limits=limits, dist_dir=dist_dir, store_dir=store_dir)
    except BaseException:
        server.server_close()
        raise
    server.set_app(app)
    if announce is not None:
        announce(f"http://{host}:{server.server_address[1]}/")
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()


def listen(host: str, port: int, *, quiet: bool = True) -> ThreadingServer:
    """A server bound to ``host:port``, or one line saying why it cannot be."""
    handler = QuietHandler if quiet else WSGIRequestHandler
    try:
        return make_server(
            host, port, _unready, server_class=ThreadingServer, handler_class=handler
        )
    except OverflowError:
        raise TkgError(f"port {port} is not a port", hint="give --port 0 to 65535") from None
    except OSError as err:
        raise TkgError(
            f"cannot listen on {host}:{port}: {err.strerror or err}",
            hint="another program may be using the port: give --port with another number",
        ) from None


def _unready(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]
