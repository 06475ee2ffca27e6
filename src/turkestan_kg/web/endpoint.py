"""/sparql: a read-only SPARQL 1.1 Protocol endpoint with a service description.

Queries sent by clients run in stoppable worker processes (:mod:`.sandbox`); updates and
``SERVICE`` are refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import yarl
from rdflib import Graph, Literal, Namespace, URIRef
from starlette.requests import ClientDisconnect
from starlette.requests import Request as HttpRequest
from starlette.responses import RedirectResponse, Response

from ..formats import FORMATS, graph_formats, w3c_results_formats
from ..namespaces import RDF, RDFS, VOID, bind_prefixes
from .conneg import choose
from .http import Endpoint, HttpError, Rendered, computed
from .jobs import Job, Reply
from .sandbox import QueryPool, SandboxError
from .site import Site
from .views import HTML, serialize_graph, view_types
from .worker import result_types

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
READ_ONLY = "this endpoint is read-only: updates are refused"
BODY_SECONDS = 10
READS = frozenset({"GET", "HEAD"})
"""The methods whose query is in the URL (the rest send it in the body)."""


def sparql(site: Site, max_query_bytes: int) -> Endpoint:
    """Answer a query (GET, POST form or POST direct), or describe the service."""

    offers = Offers(tuple(result_types()), tuple(view_types()))

    async def answer(request: HttpRequest) -> Response:
        query = await read_query(request, max_query_bytes)
        accept = request.headers.get("accept")
        if query is None:
            return service_description(site, accept, site.origin(request.scope))
        base = _base(site.origin(request.scope))
        job = _job(query, base, offers.chosen(accept))
        if isinstance(site.pool, QueryPool):  # the reply wakes the loop: no thread waits
            try:
                reply = await site.pool.answer_async(job, site.query_threads)
            except SandboxError as err:
                raise _http(err) from None
            return _rendered(reply).response()
        return await computed(lambda: run(site, job), site.query_threads)

    return answer


@dataclass(frozen=True)
class Offers:
    """The media types the endpoint offers answers in: results (SELECT, ASK) and graphs."""

    results: tuple[str, ...]
    graphs: tuple[str, ...]

    def chosen(self, accept: str | None) -> tuple[str | None, str | None]:
        """What ``accept`` prefers of each (None: nothing it accepts)."""
        return choose(accept, self.results), choose(accept, self.graphs)


def _job(request: Request, base: str | None, media: tuple[str | None, str | None]) -> Job:
    """The query as a worker takes it, with the media types the client prefers for each
    form (the worker parses the query; this process only chooses the media types)."""
    return Job(
        request.query,
        results_media=media[0],
        graph_media=media[1],
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        base_iri=base,
    )


def run(site: Site, job: Job) -> Rendered:
    """The query's answer from the store's pool, waiting in this thread."""
    try:
        reply = site.pool.answer(job)
    except SandboxError as err:
        raise _http(err) from None
    return _rendered(reply)


def _rendered(reply: Reply) -> Rendered:
    return Rendered(reply.body, reply.media_type, (("Vary", "Accept"),))


def _http(err: SandboxError) -> HttpError:
    retry = {"Retry-After": str(err.retry_after)} if err.retry_after else None
    return HttpError(err.status, err.message, retry)


@dataclass(frozen=True)
class Request:
    """A query and the dataset the SPARQL 1.1 Protocol parameters give it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


async def read_query(request: HttpRequest, max_query_bytes: int) -> Request | None:
    """The query of a request and its dataset, or None (a request for the service
    description). Protocol mistakes are 400, 403, 405, 413 or 415 with a message."""
    params = _lists(form_pairs(request.scope["query_string"].decode("latin-1")))
    if request.method in READS:
        if "update" in params:
            raise HttpError(403, READ_ONLY)
        return _request(params.get("query"), params) if "query" in params else None
    kind, charset = content_type(request)
    if charset not in ("", "utf-8", "utf8"):
        raise HttpError(
            415, f"the query is in {charset}: send it in UTF-8 (the protocol's encoding)"
        )
    body = await read_body(request, max_query_bytes)
    if kind == "application/sparql-update":
        raise HttpError(403, READ_ONLY)
    if kind == "application/sparql-query":
        return _request([body, *params.get("query", [])], params)
    if kind != "application/x-www-form-urlencoded":
        raise HttpError(
            415, "send application/x-www-form-urlencoded (query=...) or application/sparql-query"
        )
    form = _lists(form_pairs(body))
    if "update" in form:
        raise HttpError(403, READ_ONLY)
    both = {key: params.get(key, []) + form.get(key, []) for key in params.keys() | form.keys()}
    return _request(both.get("query"), both)  # a query in the URL as well is one too many


def form_pairs(text: str) -> list[tuple[str, str]]:
    """The names and values of a query string or a form, decoded as the standard library's
    ``parse_qsl(text, keep_blank_values=True)`` decodes them (UTF-8, ``+`` a space, a
    malformed escape kept as it is), by yarl's compiled decoder: ten times faster on a
    query's percent-escapes, which every new query of the endpoint brings.

    >>> form_pairs("query=ASK%20%7B%7D&x&query=%C3%A9+%ZZ")
    [('query', 'ASK {}'), ('x', ''), ('query', 'é %ZZ')]
    """
    return list(yarl.URL.build(query_string=text, encoded=True).query.items())


def _lists(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found


def _request(found: list[str] | None, params: dict[str, list[str]]) -> Request:
    if not found:
        raise HttpError(400, "no query: send query=... as a form field or application/sparql-query")
    if len(found) > 1:
        raise HttpError(400, "more than one query parameter: send exactly one")
    return Request(
        found[0],
        tuple(params.get("default-graph-uri", [])),
        tuple(params.get("named-graph-uri", [])),
    )


async def read_body(request: HttpRequest, max_query_bytes: int) -> str:
    """The request body, refused past ``max_query_bytes`` whatever Content-Length says, and
    if it has not all arrived within :data:`BODY_SECONDS` (a client trickling it)."""
    declared = (request.headers.get("content-length") or "").strip()
    if declared and not declared.isdigit():
        raise HttpError(400, f"Content-Length {declared!r} is not a byte count")
    too_large = HttpError(413, f"the request body is over {max_query_bytes} bytes")
    if declared and int(declared) > max_query_bytes:
        raise too_large
    body = await _arrived(request, too_large, max_query_bytes)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise HttpError(400, f"the request body is not UTF-8 (byte {err.start})") from None


async def _arrived(request: HttpRequest, too_large: HttpError, max_query_bytes: int) -> bytes:
    """The body's bytes as they arrive: ``too_large`` past ``max_query_bytes``, 408 past
    :data:`BODY_SECONDS`, 400 if the client goes away first."""
    chunks, size = [], 0
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_query_bytes:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise HttpError(
            408, f"the request body did not arrive within {BODY_SECONDS} s: send it at once"
        ) from None
    except ClientDisconnect:
        raise HttpError(400, "the client went away before sending its whole body") from None
    return b"".join(chunks)


def content_type(request: HttpRequest) -> tuple[str, str]:
    """The request body's (media type, charset), both lower-cased; "" for what is not given."""
    from email.message import Message

    header = request.headers.get("content-type") or ""
    message = Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    kind = message.get_content_type() if header.strip() else ""
    return kind, str(charset).lower() if isinstance(charset, str) else ""


def service_description(site: Site, accept: str | None, origin_url: str) -> Response:
    """The SPARQL 1.1 Service Description, in RDF; browsers are sent to the editor."""
    media = choose(accept, [FORMATS["turtle"].media_type, HTML, *view_types()])
    if media == HTML:
        return RedirectResponse("/editor", 303)
    if media is None:
        raise HttpError(406, "the service description is RDF")
    body = serialize_graph(_description(site, origin_url), media, site.context)
    return Rendered(body, media, (("Vary", "Accept"),)).response()


def _description(site: Site, origin_url: str) -> Graph:
    graph = bind_prefixes(Graph())
    endpoint = URIRef(origin_url + "/sparql")
    service = URIRef(origin_url + "/sparql#service")
    graph.bind("sd", SD)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for iri in _result_format_iris():
        graph.add((service, SD.resultFormat, URIRef(iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, VOID.sparqlEndpoint, endpoint))
    limits = site.limits
    comment = (
        f"Read-only. Queries are stopped after {limits.timeout:g} s and may return at most "
        f"{limits.max_results} results in at most {limits.max_bytes:,} bytes. SERVICE is "
        "refused."
    )
    graph.add((service, RDFS.comment, Literal(comment, lang="en")))
    return graph


def _result_format_iris() -> list[str]:
    results = [f.w3c_iri for f in w3c_results_formats()]
    return [iri for iri in results if iri] + [f.w3c_iri for f in graph_formats()]


@lru_cache(maxsize=16)
def _base(origin: str) -> str | None:
    """The endpoint's own URL under this server's public ``origin``, the base IRI of
    relative IRIs in a query (None if it is not an http(s) URL)."""
    from ..remote.urls import http_url

    try:
        return http_url(origin + "/sparql")
    except ValueError:
        return None
