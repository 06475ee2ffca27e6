"""Serve the graph as Linked Data: entity pages, a SPARQL endpoint, stored queries, charts.

An ASGI application on Starlette (routing, static files, CORS, HTTP errors), run by uvicorn
(:mod:`.server`). Every IRI under ``https://w3id.org/turkestan-kg/`` is answered at the same
path on this server, directly (200 with ``Content-Location``), not with a 303 redirect: the
entity and the document describing it share a path, the representation is chosen by the
``Accept`` header (``Vary: Accept``), and each representation also has its own URL
(``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``). See
docs/decisions/0009-linked-data-server.md and 0014-web-stack.md.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ..dataset.api import Dataset
from ..errors import RemoteError
from ..graph.dataset import KnowledgeGraph
from . import endpoint, entities, files, home, reconcile, search
from .answers import AnswerCache
from .conneg import choose
from .headers import AnswerHeaders
from .http import Endpoint
from .i18n import N_
from .pages import message_page
from .sandbox import Limits
from .site import Site

LOG = logging.getLogger("turkestan_kg")
DEFAULT_LIMITS = Limits()


def routes(site: Site, sparql: Endpoint) -> list[BaseRoute]:
    """Every path the server answers, most specific first; the last one is the entities."""
    return [
        Route("/", home.home_page(site)),
        Route("/editor", files.editor(site)),
        *files.assets(),
        Route("/static/{name}", files.static_file(site)),
        Route("/dist/{name:path}", files.dist_file(site)),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]),
        Route("/queries/{name:path}", home.stored_query(site)),
        Route("/search", search.search_page(site)),
        *reconcile.routes(site),
        *files.vocabularies(site),
        Route("/.well-known/genid/{rest:path}", entities.reifier(site)),
        Route("/{rest:path}", entities.entity(site)),
    ]


class LinkedDataApp:
    """The ASGI application. Pages and stored queries run in-process (rendered once, then
    kept); SPARQL sent by clients runs in stoppable worker processes (:mod:`.sandbox`)."""

    def __init__(
        self,
        served: Dataset,
        *,
        files: KnowledgeGraph | None = None,
        limits: Limits = DEFAULT_LIMITS,
        max_query_bytes: int = 64_000,
        workers: int | None = None,
        dist_dir: Path | None = None,
        base_url: str | None = None,
    ) -> None:
        """Serve ``served`` (pages and /sparql read it); the home page's charts and the
        JSON-LD context come from ``files`` (default: ``served``'s own graph). URLs the
        answers hold (manifests, the service description, the base of relative IRIs) are
        under ``base_url``, by default the address the server listens on."""
        self.site = Site(
            served,
            files=files,
            limits=limits,
            workers=workers,
            dist_dir=dist_dir,
            base_url=base_url,
        )
        self.site.charts = home.draw_charts(self.site)
        self.sparql = endpoint.sparql(self.site, max_query_bytes)
        self.starlette = Starlette(
            routes=routes(self.site, self.sparql),
            exception_handlers={
                HTTPException: self.error,
                RemoteError: self.failure,  # the served store failing: one line, no traceback
                Exception: self.failure,
            },
        )
        self.cached = AnswerCache(self.dispatch)
        self.secured = AnswerHeaders(self.cached)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.secured(scope, receive, send)

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A GET or HEAD on /sparql straight to the endpoint, the one route a client can
        send a new request to each time (a new query text); the rest through the router.
        Both answer the same: the endpoint's handler and the same error handlers, and a
        fault of the server's own is raised on after its answer, as the router's error
        middleware does, for its traceback in the log."""
        if (
            scope["type"] != "http"
            or scope["path"] != "/sparql"
            or scope["method"] not in endpoint.READS
        ):
            await self.starlette(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.sparql(request)
        except HTTPException as exc:
            response = await self.error(request, exc)
        except RemoteError as exc:
            response = await self.failure(request, exc)
        except Exception as exc:
            await (await self.failure(request, exc))(scope, receive, send)
            raise  # a fault of the server's own: its traceback in the log, as the router's
        await response(scope, receive, send)

    async def error(self, request: Request, exc: Exception) -> Response:
        """An HTTP error as a page for browsers (404s suggest entities), else one line."""
        assert isinstance(exc, HTTPException)
        status, message = exc.status_code, str(exc.detail)
        headers = dict(exc.headers or {})
        accept = request.headers.get("accept", "")
        if "html" in accept and choose(accept, ["text/html", "text/plain"]) == "text/html":
            suggestions = self.site.closest(request.url.path) if status == 404 else []
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            languages = self.site.languages(request)
            body = message_page(
                _reason(status), message, suggestions, languages=languages, here=here
            )
            return Response(body, status, headers, media_type="text/html")
        return Response(message + "\n", status, headers, media_type="text/plain")

    async def failure(self, request: Request, exc: Exception) -> Response:
        """Anything a handler did not expect: logged, and a 500 that names the path; the
        served store failing (down, or answering what cannot be trusted) is a 502 on every
        route, as on /sparql."""
        if isinstance(exc, RemoteError):
            LOG.warning("the served store failed answering %s: %s", request.url.path, exc)
            return Response(f"{exc}\n", 502, media_type="text/plain")
        LOG.error("error answering %s: %r", request.url.path, exc)
        return Response(
            f"the server could not answer {request.url.path}: {type(exc).__name__}\n",
            500,
            media_type="text/plain",
        )

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Read the SPARQL workers' replies on the server's event loop (None: no more)."""
        self.site.pool.attach(loop)

    def stop_queries(self) -> int:
        """Stop the SPARQL queries under way (their clients get 503); how many."""
        return self.site.pool.stop()

    def close(self) -> None:
        """Stop the SPARQL workers."""
        self.site.close()


def _reason(status: int) -> str:
    """The status and its phrase, as the catalogue has it ("404 Not Found")."""
    from http import HTTPStatus

    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


# the statuses whose pages a reader may see, for the catalogue (translated where shown)
REASONS = (
    N_("400 Bad Request"),
    N_("404 Not Found"),
    N_("405 Method Not Allowed"),
    N_("406 Not Acceptable"),
    N_("408 Request Timeout"),
    N_("413 Request Entity Too Large"),
    N_("414 Request-URI Too Long"),
    N_("415 Unsupported Media Type"),
    N_("429 Too Many Requests"),
    N_("431 Request Header Fields Too Large"),
    N_("500 Internal Server Error"),
    N_("502 Bad Gateway"),
    N_("503 Service Unavailable"),
)
