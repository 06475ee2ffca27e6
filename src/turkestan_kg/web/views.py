"""An RDF graph written in the media type a client chose, from the one format registry.

>>> from rdflib import Graph
>>> sorted(VIEW_TYPES)
['application/ld+json', 'application/n-triples', 'application/rdf+xml', 'text/turtle']
>>> serialize_graph(Graph(), "text/turtle", {"@context": {}})
b'\\n'
>>> serialize_graph(Graph(), "application/ld+json", {"@context": {}})
b'{\\n  "@graph": []\\n}\\n'
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from ..formats import GRAPH_FORMATS, rdf_by_media_type
from ..publish.jsonld import compact, dumps
from ..publish.rdf import canonical_nquads

VIEW_TYPES = [f.media_type for f in GRAPH_FORMATS]
"""The media types an entity, a CONSTRUCT answer or the service description is offered in."""
SUFFIXES = {f.file_extension: f.media_type for f in GRAPH_FORMATS}
"""Each RDF view's own URL suffix (``/person/x.ttl``)."""


def serialize_graph(graph: Graph, media: str, context: dict[str, Any]) -> bytes:
    """``graph`` in ``media``; JSON-LD compacted with the site's context."""
    fmt = rdf_by_media_type(media)
    if fmt.name == "jsonld":  # as dist/ writes it: rdflib's writer drops nodes a context
        # types as @id (a period's blank node, say); pyld compacts the canonical form whole
        return dumps(compact(canonical_nquads(graph), context))
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def split_suffix(path: str) -> tuple[str, str]:
    """``/person/x.ttl`` -> (``/person/x``, ``.ttl``); no known suffix -> (path, "")."""
    for suffix in (*SUFFIXES, ".html"):
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix
    return path, ""


def suffix_for(media: str) -> str:
    """The URL suffix of a media type's view."""
    if media == "text/html":
        return ".html"
    return rdf_by_media_type(media).file_extension
