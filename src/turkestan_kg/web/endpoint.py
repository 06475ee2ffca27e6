"""/sparql: a read-only SPARQL 1.1 Protocol endpoint with a service description.

Queries sent by clients run in stoppable worker processes (:mod:`.sandbox`); updates and
``SERVICE`` are refused.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef

from ..formats import GRAPH_FORMATS, RESULTS_FORMATS, W3C_RESULTS_FORMATS, results_by_media_type
from ..namespaces import RDF, RDFS, VOID, bind_prefixes
from ..sparql.results import render
from .conneg import choose
from .http import HttpError, Response, not_acceptable
from .policy import Unchecked, federated
from .sandbox import SandboxError
from .site import Site
from .views import VIEW_TYPES, serialize_graph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS_ORDER = ("json", "xml", "csv", "tsv")  # the first is what */* gets
RESULT_TYPES = [RESULTS_FORMATS[n].media_type for n in RESULTS_ORDER] + [
    alias for f in W3C_RESULTS_FORMATS for alias in f.aliases
]
SANDBOX_STATUS = {
    400: "400 Bad Request",
    413: "413 Content Too Large",
    503: "503 Service Unavailable",
}
READ_ONLY = "this endpoint is read-only: updates are refused"


def sparql(site: Site, environ: dict[str, Any], max_query_bytes: int) -> Response:
    """Answer a query (GET, POST form or POST direct), or describe the service."""
    request = read_query(environ, max_query_bytes)
    if request is None:
        return service_description(site, environ)
    query = request.query
    try:
        if federated(query):
            raise HttpError(
                "400 Bad Request", "SERVICE is not allowed: this endpoint never fetches other URLs"
            )
    except Unchecked as err:
        raise HttpError(
            "400 Bad Request", f"not a SPARQL 1.1 query this endpoint can check: {err}"
        ) from None
    try:
        result = site.pool.run(
            query,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            base_iri=_base(environ),
        )
    except SandboxError as err:
        status = SANDBOX_STATUS.get(err.status, "500 Internal Server Error")
        raise HttpError(status, err.message) from None
    accept = environ.get("HTTP_ACCEPT")
    if result.kind == "graph":
        assert result.graph is not None
        media = choose(accept, VIEW_TYPES)
        if media is None:
            raise not_acceptable("graph results are", VIEW_TYPES)
        body = serialize_graph(bind_prefixes(result.graph), media, site.context)
        return Response("200 OK", body, f"{media}; charset=utf-8", (("Vary", "Accept"),))
    media = choose(accept, RESULT_TYPES)
    if media is None:
        raise not_acceptable("results are", RESULT_TYPES)
    fmt = results_by_media_type(media)
    body = render(result, fmt.name).encode()
    return Response("200 OK", body, f"{fmt.media_type}; charset=utf-8", (("Vary", "Accept"),))


@dataclass(frozen=True)
class Request:
    """A query and the dataset the SPARQL 1.1 Protocol parameters give it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_query(environ: dict[str, Any], max_query_bytes: int) -> Request | None:
    """The query of a request and its dataset, or None (a request for the service
    description). Protocol mistakes are 400, 403, 405, 413 or 415 with a message."""
    method = environ.get("REQUEST_METHOD", "GET")
    params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if method in ("GET", "HEAD"):
        if "update" in params:
            raise HttpError("403 Forbidden", READ_ONLY)
        return _request(params.get("query"), params) if "query" in params else None
    if method != "POST":
        raise HttpError("405 Method Not Allowed", f"{method} is not allowed on /sparql")
    return _posted_query(environ, params, max_query_bytes)


def _request(found: list[str] | None, params: dict[str, list[str]]) -> Request:
    if not found:
        raise HttpError(
            "400 Bad Request",
            "no query: send query=... as a form field or application/sparql-query",
        )
    if len(found) > 1:
        raise HttpError("400 Bad Request", "more than one query parameter: send exactly one")
    return Request(
        found[0],
        tuple(params.get("default-graph-uri", [])),
        tuple(params.get("named-graph-uri", [])),
    )


def _posted_query(
    environ: dict[str, Any], params: dict[str, list[str]], max_query_bytes: int
) -> Request:
    body = _body(environ, max_query_bytes)
    kind = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        raise HttpError("403 Forbidden", READ_ONLY)
    if kind == "application/sparql-query":
        return _request([body], params)
    if kind != "application/x-www-form-urlencoded":
        raise HttpError(
            "415 Unsupported Media Type",
            "send application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    form = urllib.parse.parse_qs(body)
    if "update" in form:
        raise HttpError("403 Forbidden", READ_ONLY)
    return _request(form.get("query"), {**params, **form})


def _body(environ: dict[str, Any], max_query_bytes: int) -> str:
    declared = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not declared.isdigit():
        raise HttpError("400 Bad Request", f"Content-Length {declared!r} is not a byte count")
    if int(declared) > max_query_bytes:
        raise HttpError(
            "413 Content Too Large", f"the request body is over {max_query_bytes} bytes"
        )
    return str(environ["wsgi.input"].read(int(declared)).decode("utf-8", "replace"))


def service_description(site: Site, environ: dict[str, Any]) -> Response:
    """The SPARQL 1.1 Service Description, in RDF; browsers are sent to the editor."""
    media = choose(environ.get("HTTP_ACCEPT"), ["text/turtle", "text/html", *VIEW_TYPES])
    if media == "text/html":
        return Response("303 See Other", b"", "text/plain", (("Location", "/editor"),))
    if media is None:
        raise HttpError("406 Not Acceptable", "the service description is RDF")
    graph = _description(site, origin(environ))
    body = serialize_graph(graph, media, site.context)
    return Response("200 OK", body, f"{media}; charset=utf-8", (("Vary", "Accept"),))


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
        f"{limits.max_results} results. SERVICE is refused."
    )
    graph.add((service, RDFS.comment, Literal(comment, lang="en")))
    return graph


def _result_format_iris() -> list[str]:
    results = [RESULTS_FORMATS[n].w3c_iri for n in RESULTS_ORDER]
    return [iri for iri in results if iri] + [f.w3c_iri for f in GRAPH_FORMATS]


def _base(environ: dict[str, Any]) -> str | None:
    """The endpoint's own URL, the base IRI of relative IRIs in a query (None if the request
    does not say which host it was sent to)."""
    from ..urls import http_url

    try:
        return http_url(origin(environ) + "/sparql")
    except ValueError:
        return None


def origin(environ: dict[str, Any]) -> str:
    """scheme://host:port of the request."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
