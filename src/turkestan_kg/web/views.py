"""An RDF graph written in the media type a client chose, by the writer its entry in the one
format registry names.

>>> from rdflib import Graph
>>> sorted(view_types())
['application/ld+json', 'application/n-triples', 'application/rdf+xml', 'text/turtle']
>>> serialize_graph(Graph(), "text/turtle", {"@context": {}})
b'\\n'
>>> serialize_graph(Graph(), "application/ld+json", {"@context": {}})
b'{\\n  "@graph": []\\n}\\n'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from rdflib import Graph

from ..formats import RdfFormat, graph_formats, rdf_by_media_type
from ..publish.jsonld import compact, dumps
from ..publish.rdf import canonical_nquads
from ..registry import resolve
from ..values import JsonObject

HTML = "text/html"
HTML_SUFFIX = ".html"
GraphWriter = Callable[[Graph, RdfFormat, JsonObject], bytes]


def view_types() -> list[str]:
    """The media types an entity, a CONSTRUCT answer or the service description is offered
    in (the registry's one-graph formats, in its order)."""
    return [f.media_type for f in graph_formats()]


def view_suffixes() -> dict[str, str]:
    """Each RDF view's own URL suffix (``/person/x.ttl``) and its media type."""
    return {f.file_extension: f.media_type for f in graph_formats()}


VIEW_TYPES = view_types()
"""The view media types as the registry held them at import (prefer :func:`view_types`)."""
SUFFIXES = view_suffixes()
"""The view suffixes as the registry held them at import (prefer :func:`view_suffixes`)."""


def serialize_graph(graph: Graph, media: str, context: JsonObject) -> bytes:
    """``graph`` in ``media``, by the writer the format's registry entry names."""
    fmt = rdf_by_media_type(media)
    write = resolve(fmt.writer)
    assert callable(write)
    return cast(GraphWriter, write)(graph, fmt, context)


def write_with_rdflib(graph: Graph, fmt: RdfFormat, context: JsonObject) -> bytes:
    """rdflib's serializer for the format (the JSON-LD context is not used)."""
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def write_jsonld(graph: Graph, fmt: RdfFormat, context: JsonObject) -> bytes:
    """JSON-LD compacted with the site's context, as dist/ writes it: rdflib's writer drops
    nodes a context types as @id (a period's blank node, say); pyld compacts the canonical
    form whole."""
    return dumps(compact(canonical_nquads(graph), context))


def split_suffix(path: str) -> tuple[str, str]:
    """``/person/x.ttl`` -> (``/person/x``, ``.ttl``); no known suffix -> (path, "")."""
    for suffix in (*view_suffixes(), HTML_SUFFIX):
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix
    return path, ""


def suffix_for(media: str) -> str:
    """The URL suffix of a media type's view."""
    if media == HTML:
        return HTML_SUFFIX
    return rdf_by_media_type(media).file_extension
