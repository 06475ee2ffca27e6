"""Entity pages: every IRI under the base answered in HTML or any RDF view, by content
negotiation or by suffix, drawn from the store by index lookups (:mod:`.neighbourhood`).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from html import escape
from typing import Any

from rdflib import Graph, URIRef

from ..namespaces import BASE, bind_prefixes
from . import charts, neighbourhood
from .conneg import choose
from .http import HttpError, Response, not_acceptable
from .pages import entity_page
from .site import Site
from .views import SUFFIXES, VIEW_TYPES, serialize_graph, split_suffix, suffix_for

ENTITY_PATH = re.compile(r"^/[a-z]+(/[A-Za-z0-9._~-]+)+$")
ORGANIZATION = URIRef("http://www.w3.org/ns/org#organization")


def entity(site: Site, path: str, environ: dict[str, Any]) -> Response:
    """The entity at ``path`` in the representation the client asked for."""
    base_path, _ = split_suffix(path)
    node = _node(site, base_path, path)
    description = neighbourhood.outgoing(site.store, node)

    def page() -> str:
        return entity_html(site, node, description, environ)

    return _represent(site, path, environ, description.graph, page)


def reifier(site: Site, path: str, environ: dict[str, Any]) -> Response:
    """A fact's reifier (``/.well-known/genid/fact-...``): the statement and its sources."""
    base_path, _ = split_suffix(path)
    node = URIRef(BASE + base_path.lstrip("/"))
    description = bind_prefixes(Graph())
    for triple in site.provenance.triples((node, None, None)):
        description.add(triple)
    if not len(description):
        raise HttpError("404 Not Found", f"no statement {node}")

    def page() -> str:
        jsonld = serialize_graph(description, "application/ld+json", site.context).decode()
        return entity_page(
            node,
            description,
            site.labeller(environ, description),
            sources={},
            alternates={media: base_path + suffix for suffix, media in SUFFIXES.items()},
            jsonld=jsonld,
        )

    return _represent(site, path, environ, description, page)


def _represent(
    site: Site, path: str, environ: dict[str, Any], graph: Graph, page: Callable[[], str]
) -> Response:
    """``graph`` in the RDF view the path's suffix or the Accept header asks for, or the
    HTML ``page``; with Vary and the representation's own URL as Content-Location."""
    base_path, suffix = split_suffix(path)
    media = _media(path, suffix, environ)
    location = base_path + (suffix or suffix_for(media))
    vary = (("Vary", "Accept, Accept-Language"), ("Content-Location", location))
    if media == "text/html":
        return Response("200 OK", page().encode(), "text/html; charset=utf-8", vary)
    body = serialize_graph(graph, media, site.context)
    return Response("200 OK", body, f"{media}; charset=utf-8", vary)


def _node(site: Site, base_path: str, path: str) -> URIRef:
    if not ENTITY_PATH.match(base_path) or ".." in base_path:
        raise HttpError("404 Not Found", f"nothing at {path}")
    node = URIRef(BASE + base_path.lstrip("/"))
    if not neighbourhood.exists(site.store, node):
        raise HttpError("404 Not Found", f"no entity {node}")
    return node


def _media(path: str, suffix: str, environ: dict[str, Any]) -> str:
    offers = ["text/html", *VIEW_TYPES]
    if suffix:
        return SUFFIXES.get(suffix, "text/html")
    media = choose(environ.get("HTTP_ACCEPT"), offers)
    if media is None:
        raise not_acceptable(f"{path} is", offers)
    return media


def entity_html(
    site: Site, node: URIRef, description: neighbourhood.View, environ: dict[str, Any]
) -> str:
    """The readable page: facts with sources, links both ways, a chart, embedded JSON-LD."""
    referrers = neighbourhood.incoming(site.store, node)
    shown = description.graph + referrers.graph
    path = "/" + str(node)[len(BASE) :]
    jsonld = serialize_graph(description.graph, "application/ld+json", site.context).decode()
    return entity_page(
        node,
        shown,
        site.labeller(environ, shown),
        sources=site.sources_of(node),
        alternates={media: path + suffix for suffix, media in SUFFIXES.items()},
        jsonld=jsonld,
        extra=entity_chart(site, node) + cut_note(node, description, referrers),
    )


def entity_chart(site: Site, node: URIRef) -> str:
    """A tenure timeline on the pages of the party and of its leaders."""
    rows = site.tenures
    mine = [r for r in rows if r[3] == str(node) or (URIRef(r[4]), ORGANIZATION, node) in site.data]
    if not mine:
        return ""
    chart = charts.timeline_chart(
        [(n, s, e) for n, s, e, _, _ in mine],
        first=min(r[1] for r in rows),
        last=max(r[2] for r in rows),
    )
    return f'<h2>Tenures</h2><figure class="chart">{chart}</figure>'


def cut_note(node: URIRef, *views: neighbourhood.View) -> str:
    """A line saying the page does not show everything, with the query that does."""
    if not any(v.truncated for v in views):
        return ""
    query = f"SELECT ?s ?p ?o WHERE {{ {{ <{node}> ?p ?o }} UNION {{ ?s ?p <{node}> }} }}"
    href = "/editor#" + urllib.parse.urlencode({"query": query})
    return (
        f'<p class="src">This page shows the first {neighbourhood.MAX_OUTGOING:,} statements '
        f"about this entity and the first {neighbourhood.MAX_INCOMING:,} that refer to it; "
        f'<a href="{escape(href)}">query them all</a>.</p>'
    )
