"""Publish the graph to a SPARQL store through the SPARQL 1.1 Graph Store Protocol.

Without a graph IRI the whole dataset (every named graph, and their merge as the default
graph) is sent in one ``PUT`` to the store URL as N-Quads, which Oxigraph and Fuseki treat
as "replace the dataset" in one transaction. With a graph IRI the merged graph is sent in
one ``PUT ...?graph=IRI`` (or ``?default``), which replaces just that graph. Either way the
store swaps the data in one operation: a failed load leaves the previous data in place.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..about import user_agent
from ..errors import RemoteError
from ..graph.dataset import KnowledgeGraph, store_payload


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
        body, media_type = store_payload(kg), "application/n-quads"
    else:
        body, media_type = (
            kg.merged().serialize(format="nt", encoding="utf-8"),
            "application/n-triples",
        )
    url = target_url(store, graph)
    status = put(url, body, media_type, timeout=timeout)
    return PublishResult(url, body.count(b"\n"), status)


def put(url: str, body: bytes, media_type: str, *, timeout: float = 60.0) -> int:
    """One Graph Store Protocol PUT; the HTTP status, or PublishError saying what went wrong."""
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", f"{media_type}; charset=utf-8")
    request.add_header("User-Agent", user_agent())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()[:1]
        raise PublishError(
            f"the store at {request.full_url} refused the data: HTTP {err.code} {' '.join(detail)}",
            hint="check that the URL is the store's Graph Store Protocol endpoint (e.g. .../store)",
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise PublishError(
            f"cannot reach the store at {request.full_url}: {reason}",
            hint="check the URL and that the server is running",
        ) from None
