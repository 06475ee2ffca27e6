"""What a page about one entity needs, read from an Oxigraph store by index lookups.

The server draws every entity page and every RDF description from the store, whether that
store was loaded from the project's files in memory or is an on-disk store holding a roll
of millions of members. Lookups go straight to the store's indexes (no query planning), and
each list is capped, so a page about the party, which a 100x roll's 1.9 million memberships
point at, is as quick to draw as any other.

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.sparql.engines import OxigraphEngine
>>> store = OxigraphEngine(load()).store
>>> party = URIRef("https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan")
>>> exists(store, party), exists(store, URIRef(party + "-nothing"))
(True, False)
>>> view = outgoing(store, party)
>>> view.truncated, (party, RDF.type, TKG.PoliticalParty) in view.graph
(False, True)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..graph.terms import from_oxigraph_term
from ..namespaces import RDF, RDFS, SKOS, TKG, bind_prefixes

LABELS = tuple(
    ox.NamedNode(str(p))
    for p in (SKOS.prefLabel, RDFS.label, URIRef("http://purl.org/dc/terms/title"))
)
DEFAULT = ox.DefaultGraph()
MAX_OUTGOING = 5_000
MAX_INCOMING = 100
__all__ = ["RDF", "TKG", "View", "exists", "incoming", "outgoing"]


@dataclass
class View:
    """A small rdflib graph around one node, and whether a cap cut anything off."""

    graph: Graph
    truncated: bool = False


def exists(store: ox.Store, node: URIRef) -> bool:
    """Whether the default graph mentions ``node`` as subject or object."""
    term = ox.NamedNode(str(node))
    patterns: tuple[tuple[ox.NamedNode | None, ox.NamedNode | None], ...] = (
        (term, None),
        (None, term),
    )
    return any(
        next(store.quads_for_pattern(subject, None, object_, DEFAULT), None) is not None
        for subject, object_ in patterns
    )


def outgoing(store: ox.Store, node: URIRef, limit: int = MAX_OUTGOING) -> View:
    """The node's statements, the blank nodes below them, and the labels of every IRI they
    mention (predicates included), at most ``limit`` statements about the node itself."""
    view = View(bind_prefixes(Graph()))
    subject = ox.NamedNode(str(node))
    quads = list(itertools.islice(store.quads_for_pattern(subject, None, None, DEFAULT), limit + 1))
    view.truncated = len(quads) > limit
    todo = quads[:limit]
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    while todo:
        quad = todo.pop()
        _add(view.graph, quad)
        for term in (quad.predicate, quad.object):
            if isinstance(term, ox.BlankNode) and term not in seen:
                seen.add(term)
                todo += store.quads_for_pattern(term, None, None, DEFAULT)
            elif isinstance(term, ox.NamedNode) and term not in seen:
                seen.add(term)
                _labels(store, view.graph, term)
    _labels(store, view.graph, subject)
    return view


def incoming(store: ox.Store, node: URIRef, limit: int = MAX_INCOMING) -> View:
    """Statements whose object is ``node`` and whose subject is an IRI, with the subjects'
    labels; at most ``limit`` of them."""
    view = View(Graph())
    quads = (
        q
        for q in store.quads_for_pattern(None, None, ox.NamedNode(str(node)), DEFAULT)
        if isinstance(q.subject, ox.NamedNode)
    )
    for n, quad in enumerate(itertools.islice(quads, limit + 1)):
        if n == limit:
            view.truncated = True
            break
        _add(view.graph, quad)
        _labels(store, view.graph, quad.subject)
        _labels(store, view.graph, quad.predicate)
    return view


def _add(graph: Graph, quad: ox.Quad) -> None:
    triple: tuple[Node, Node, Node] = (
        from_oxigraph_term(quad.subject),
        from_oxigraph_term(quad.predicate),
        from_oxigraph_term(quad.object),
    )
    graph.add(triple)


def _labels(store: ox.Store, graph: Graph, term: ox.NamedNode | ox.BlankNode | ox.Triple) -> None:
    for predicate in LABELS:
        for quad in store.quads_for_pattern(term, predicate, None, DEFAULT):
            _add(graph, quad)
