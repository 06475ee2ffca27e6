"""Entity pages: every IRI under the base answered in HTML or any RDF view, by content
negotiation or by suffix, drawn from the store by index lookups (:mod:`.neighbourhood`).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import Response

from ..namespaces import BASE, bind_prefixes
from . import charts, neighbourhood
from .conneg import choose
from .cube import cube_table
from .http import Endpoint, HttpError, Rendered, computed, not_acceptable
from .pages import Cut, entity_page
from .roles import roles
from .site import Site
from .views import SUFFIXES, VIEW_TYPES, serialize_graph, split_suffix, suffix_for

ENTITY_PATH = re.compile(r"^/[a-z]+(/[A-Za-z0-9._~-]+)+$")
ORGANIZATION = URIRef("http://www.w3.org/ns/org#organization")


Render = Callable[[Site, str, str, list[str]], Rendered]


def negotiated(site: Site, render: Render) -> Endpoint:
    """A handler that picks the representation (suffix, else Accept) and the languages of
    an HTML page, then renders the request's path in a worker thread."""

    async def answer(request: Request) -> Response:
        path = request.url.path
        media = _media(path, split_suffix(path)[1], request.headers.get("accept"))
        languages = site.languages(request) if media == "text/html" else []
        return await computed(lambda: render(site, path, media, languages))

    return answer


def entity(site: Site) -> Endpoint:
    """The entity at the request's path, in the representation the client asked for."""
    return negotiated(site, _entity)


def _entity(site: Site, path: str, media: str, languages: list[str]) -> Rendered:
    base_path, _ = split_suffix(path)
    node = _node(site, base_path, path)
    description = site.lookup.outgoing(node)
    if media == "text/html":
        page = entity_html(site, node, description, languages)
        return _represent(path, media, page.encode())
    return _represent(path, media, serialize_graph(description.graph, media, site.context))


def reifier(site: Site) -> Endpoint:
    """A fact's reifier (``/.well-known/genid/fact-...``): the statement and its sources."""
    return negotiated(site, _reifier)


def _reifier(site: Site, path: str, media: str, languages: list[str]) -> Rendered:
    base_path, _ = split_suffix(path)
    node = URIRef(BASE + base_path.lstrip("/"))
    description = bind_prefixes(Graph())
    for triple in site.provenance.triples((node, None, None)):
        description.add(triple)
    if not len(description):
        raise HttpError(404, f"no statement {node}")
    if media != "text/html":
        return _represent(path, media, serialize_graph(description, media, site.context))
    jsonld = serialize_graph(description, "application/ld+json", site.context).decode()
    page = entity_page(
        node,
        description,
        site.labeller(languages, description),
        sources={},
        alternates={media: base_path + suffix for suffix, media in SUFFIXES.items()},
        jsonld=jsonld,
    )
    return _represent(path, media, page.encode())


def _represent(path: str, media: str, body: bytes) -> Rendered:
    """A representation with Vary and its own URL as Content-Location."""
    base_path, suffix = split_suffix(path)
    location = base_path + (suffix or suffix_for(media))
    vary = (("Vary", "Accept, Accept-Language"), ("Content-Location", location))
    return Rendered(body, media, vary)


def _node(site: Site, base_path: str, path: str) -> URIRef:
    if not ENTITY_PATH.match(base_path) or ".." in base_path:
        raise HttpError(404, f"nothing at {path}")
    node = URIRef(BASE + base_path.lstrip("/"))
    if not site.lookup.exists(node):
        raise HttpError(404, f"no entity {node}")
    return node


def _media(path: str, suffix: str, accept: str | None) -> str:
    offers = ["text/html", *VIEW_TYPES]
    if suffix:
        return SUFFIXES.get(suffix, "text/html")
    media = choose(accept, offers)
    if media is None:
        raise not_acceptable(f"{path} is", offers)
    return media


def entity_html(
    site: Site, node: URIRef, description: neighbourhood.View, languages: list[str]
) -> str:
    """The readable page: facts with sources, links both ways, a chart, embedded JSON-LD."""
    referrers = site.lookup.incoming(node)
    shown = description.graph + referrers.graph
    path = "/" + str(node)[len(BASE) :]
    jsonld = serialize_graph(description.graph, "application/ld+json", site.context).decode()
    labeller = site.labeller(languages)  # the whole graph's labels, for tables and roles
    return entity_page(
        node,
        shown,
        site.labeller(languages, shown),
        sources=site.sources_of(node),
        alternates={media: path + suffix for suffix, media in SUFFIXES.items()},
        jsonld=jsonld,
        chart=entity_chart(site, node),
        cut=cut_note(node, description, referrers),
        table=cube_table(site.data, node, labeller),
        roles=roles(site.data, node, labeller),
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
    return chart


def cut_note(node: URIRef, *views: neighbourhood.View) -> Cut | None:
    """Where the page stops listing, with the query that lists everything (None if it
    lists everything)."""
    if not any(v.truncated for v in views):
        return None
    query = f"SELECT ?s ?p ?o WHERE {{ {{ <{node}> ?p ?o }} UNION {{ ?s ?p <{node}> }} }}"
    href = "/editor#" + urllib.parse.urlencode({"query": query})
    return Cut(neighbourhood.MAX_OUTGOING, neighbourhood.MAX_INCOMING, href)
