"""Serve the graph as Linked Data: entity pages, a SPARQL endpoint, stored queries, charts.

Every IRI under ``https://w3id.org/turkestan-kg/`` is answered at the same path on this
server, directly (200 with ``Content-Location``), not with a 303 redirect: the entity and
the document describing it share a path, the representation is chosen by the ``Accept``
header (``Vary: Accept``), and each representation also has its own URL (``.ttl``,
``.jsonld``, ``.nt``, ``.rdf``, ``.html``). See docs/decisions/0009-linked-data-server.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from ..graph.dataset import KnowledgeGraph
from ..paths import ONTOLOGY_FILE, SHAPES_FILE
from ..publish.htmldoc import ontology_page, shapes_page
from . import endpoint, files, home
from .conneg import choose
from .entities import entity, reifier
from .http import HttpError, Response, Start
from .pages import page
from .sandbox import Limits
from .site import Site

DEFAULT_LIMITS = Limits()
ONTOLOGY_PATHS = ("/ontology", "/ontology.ttl", "/ontology.html")
SHAPES_PATHS = ("/shapes", "/shapes.ttl", "/shapes.html")
CORS_PREFLIGHT = (
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
)


class LinkedDataApp:
    """The WSGI application. Pages and stored queries run in-process; SPARQL sent by clients
    runs in stoppable worker processes (see :mod:`turkestan_kg.web.sandbox`)."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        limits: Limits = DEFAULT_LIMITS,
        max_query_bytes: int = 64_000,
        workers: int = 2,
        dist_dir: Path | None = None,
        store_dir: Path | None = None,
    ) -> None:
        self.site = Site(kg, limits=limits, workers=workers, dist_dir=dist_dir, store_dir=store_dir)
        self.site.charts = home.draw_charts(self.site)
        self.max_query_bytes = max_query_bytes

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        try:
            response = self.route(environ)
        except HttpError as err:
            response = self.error(err.status, err.message, environ)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Access-Control-Allow-Origin", "*"),
            *response.headers,
        ]
        start_response(response.status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def route(self, environ: dict[str, Any]) -> Response:
        """The handler for the request's method and path."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if method == "OPTIONS":
            return Response("204 No Content", b"", "text/plain", CORS_PREFLIGHT)
        if path == "/sparql":
            return endpoint.sparql(self.site, environ, self.max_query_bytes)
        if method not in ("GET", "HEAD"):
            raise HttpError("405 Method Not Allowed", f"{method} is not allowed on {path}")
        return self.page(path, environ)

    def page(self, path: str, environ: dict[str, Any]) -> Response:
        """A GET: the home page, the editor, a file, a stored query, a vocabulary or an entity."""
        site = self.site
        if path == "/":
            return home.home(site, environ)
        if path == "/editor":
            return files.editor(site)
        if path.startswith("/static/"):
            return files.static_file(site, path)
        if path.startswith("/queries/"):
            return home.stored_query(site, path.removeprefix("/queries/"), environ)
        if path.startswith("/dist/"):
            return files.dist_file(site, path.removeprefix("/dist/"))
        if path in ONTOLOGY_PATHS or re.fullmatch(r"/ontology/[0-9.]+", path):
            page = functools.partial(ontology_page, diagram=site.model)
            return files.vocabulary(environ, path, ONTOLOGY_FILE, page)
        if path in SHAPES_PATHS:
            return files.vocabulary(environ, path, SHAPES_FILE, shapes_page)
        if path.startswith("/.well-known/genid/"):
            return reifier(site, path, environ)
        return entity(site, path, environ)

    def error(self, status: str, message: str, environ: dict[str, Any]) -> Response:
        """An error as a page for browsers, else as one line of text."""
        accept = environ.get("HTTP_ACCEPT", "")
        if choose(accept, ["text/html", "text/plain"]) == "text/html" and "html" in accept:
            body = page(status, [f"<h1>{escape(status)}</h1>", f"<p>{escape(message)}</p>"])
            return Response(status, body.encode())
        return Response(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def close(self) -> None:
        """Stop the SPARQL workers."""
        self.site.close()
