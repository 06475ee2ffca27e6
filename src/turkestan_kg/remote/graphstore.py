"""Publish the graph to a SPARQL store through the SPARQL 1.1 Graph Store Protocol.

Without a graph IRI the whole dataset (every named graph, and their merge as the default
graph) is sent in one ``PUT`` to the store URL as N-Quads, which Oxigraph and Fuseki treat
as "replace the dataset" in one transaction. With a graph IRI the merged graph is sent in
one ``PUT ...?graph=IRI`` (or ``?default``), which replaces just that graph. Either way the
store swaps the data in one operation: a failed load leaves the previous data in place.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from ..about import user_agent
from ..errors import RemoteError
from ..formats import FORMATS
from ..graph.dataset import KnowledgeGraph, store_payload
from .http import Client, Policy


class PublishError(RemoteError):
    """The store refused the data or could not be reached."""


@dataclass(frozen=True)
class PublishResult:
    """What was sent where, and the store's HTTP status."""

    url: str
    statements: int
    status: int


def target_url(store: str, graph: str | None) -> str:
    """The Graph Store Protocol URL for the whole dataset, a named graph, or ``default``.

    >>> target_url("http://localhost:7878/store", "https://w3id.org/turkestan-kg/graph/x")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fturkestan-kg%2Fgraph%2Fx'
    >>> target_url("http://localhost:7878/store", "default")
    'http://localhost:7878/store?default'
    """
    if graph is None:
        return store
    joiner = "&" if "?" in store else "?"
    if graph == "default":
        return f"{store}{joiner}default"
    return f"{store}{joiner}{urllib.parse.urlencode({'graph': graph})}"


def publish(
    kg: KnowledgeGraph, store: str, *, graph: str | None = None, timeout: float = 60.0
) -> PublishResult:
    """Replace the store's dataset (or one graph) with ``kg``."""
    if graph is None:
        body, media_type = store_payload(kg), FORMATS["nquads"].media_type
    else:
        body, media_type = (
            kg.merged().serialize(format="nt", encoding="utf-8"),
            FORMATS["ntriples"].media_type,
        )
    url = target_url(store, graph)
    status = put(url, body, media_type, timeout=timeout)
    return PublishResult(url, body.count(b"\n"), status)


WEB_PAGES = frozenset({"text/html", "application/xhtml+xml"})
"""What a web server answers with. A Graph Store answers a PUT or POST with no body
(Oxigraph; Virtuoso, though it labels the empty answer text/html) or a summary (Fuseki's
JSON counts); a page of HTML means the URL is a web site's, which took nothing in."""


def put(url: str, body: bytes, media_type: str, *, timeout: float = 60.0) -> int:
    """One Graph Store Protocol PUT (retried on 429, 502, 503, 504 and broken connections);
    the HTTP status, or PublishError saying what went wrong."""
    return _send("PUT", url, body, f"{media_type}; charset=utf-8", timeout, store=True)


def post(url: str, body: bytes, media_type: str, *, timeout: float = 60.0) -> int:
    """One Graph Store Protocol POST: the body is added to the graph."""
    return _send("POST", url, body, f"{media_type}; charset=utf-8", timeout, store=True)


def update(url: str, text: str, *, timeout: float = 60.0) -> int:
    """One SPARQL 1.1 Update, sent as a form (``update=...``) to the store's update URL
    (Virtuoso answers an update with an HTML page, so here a page is no sign of trouble)."""
    body = urllib.parse.urlencode({"update": text}).encode("utf-8")
    return _send("POST", url, body, "application/x-www-form-urlencoded", timeout, store=False)


def _send(
    method: str, url: str, body: bytes, content_type: str, timeout: float, *, store: bool
) -> int:
    policy = Policy(
        timeout=timeout, retries=2, backoff=0.5, retry_status=frozenset({429, 502, 503, 504})
    )
    client = Client(
        user_agent=user_agent(), policy=policy, error=PublishError, name="the store at {url}"
    )
    headers = {"Content-Type": content_type}
    answer = client.fetch(method, url, bytes, content=body, headers=headers, sent="data")
    if store and answer.strip() and client.media_type in WEB_PAGES:
        raise PublishError(
            f"{url} answered with a web page ({client.media_type}, {len(answer):,} bytes, "
            f"HTTP {client.status}), not as a Graph Store does: nothing says the data was stored",
            hint="give the store's Graph Store Protocol URL (Oxigraph: /store, "
            "Fuseki: /DATASET/data, Virtuoso: /sparql-graph-crud)",
        )
    return client.status
