"""Run the application on a threading WSGI server until interrupted."""

from __future__ import annotations

import socketserver
import threading
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

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
) -> None:
    """Serve until interrupted (from ``store_dir``, an on-disk store, when given)."""
    app = LinkedDataApp(kg, limits=limits, dist_dir=dist_dir, store_dir=store_dir)
    handler = QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app, server_class=ThreadingServer, handler_class=handler)
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()
