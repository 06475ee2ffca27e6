"""Statement-level provenance for the formats that hold one graph (Turtle, N-Triples, RDF/XML,
JSON-LD): every fact is also described by an RDF reification node naming where it comes from.

In the project each data file is a named graph, and ``data/sources.ttl`` says which section
of the source (``prov:wasDerivedFrom``) or which agent (``prov:wasAttributedTo``) each graph
comes from; N-Quads and TriG keep those graphs. A flat format has no graphs, so each fact
``s p o`` gets a blank node ``[ a rdf:Statement ; rdf:subject s ; rdf:predicate p ;
rdf:object o ; prov:wasDerivedFrom section ]`` carrying the provenance of every graph that
states it. Every RDF tool reads this (docs/decisions/0013-provenance-in-every-format.md says
why not RDF 1.2 triple terms yet), and :func:`split` takes it apart again.

>>> from turkestan_kg import load
>>> kg = load()
>>> flat = with_provenance(kg)
>>> facts, sources = split(flat)
>>> len(facts) == len(kg.data_graph())
True
>>> from turkestan_kg.namespaces import GRAPH, PROV
>>> fact = next(iter(kg.graph(GRAPH["infobox"])))
>>> (PROV.wasDerivedFrom, SECTION["infobox"]) in sources[fact]
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.term import Node

from ..graph.dataset import KnowledgeGraph
from ..namespaces import BASE, ONTOLOGY_GRAPH, PROV, RDF, bind_prefixes

SECTION = Namespace(BASE + "source/enwiki-cpt/")
PROVENANCE = (PROV.wasDerivedFrom, PROV.wasAttributedTo)
"""The predicates that say where a graph, and so each of its facts, comes from."""

Triple = tuple[Node, Node, Node]
Source = tuple[URIRef, Node]


def graph_sources(kg: KnowledgeGraph) -> dict[URIRef, set[Source]]:
    """Each data graph's provenance: (prov:wasDerivedFrom or prov:wasAttributedTo, source)."""
    found: dict[URIRef, set[Source]] = defaultdict(set)
    for graph in kg.graphs():
        name = graph.identifier
        if isinstance(name, URIRef) and name != ONTOLOGY_GRAPH:
            for predicate in PROVENANCE:
                found[name] |= {(predicate, o) for o in kg.objects(name, predicate)}
    return found


def fact_sources(kg: KnowledgeGraph) -> dict[Triple, set[Source]]:
    """Each fact of the data (ontology excluded) with the provenance of every graph stating it."""
    by_graph = graph_sources(kg)
    found: dict[Triple, set[Source]] = defaultdict(set)
    for graph in kg.graphs():
        name = graph.identifier
        if isinstance(name, URIRef) and name != ONTOLOGY_GRAPH:
            for triple in graph:
                found[triple] |= by_graph[name]
    return found


def with_provenance(kg: KnowledgeGraph) -> Graph:
    """The merged data graph and, for each fact, its reification with its sources."""
    flat = bind_prefixes(Graph()) + kg.data_graph()
    for (s, p, o), sources in fact_sources(kg).items():
        node = BNode()
        flat.add((node, RDF.type, RDF.Statement))
        flat.add((node, RDF.subject, s))
        flat.add((node, RDF.predicate, p))
        flat.add((node, RDF.object, o))
        for predicate, source in sources:
            flat.add((node, predicate, source))
    return flat


def split(flat: Graph) -> tuple[Graph, dict[Triple, set[Source]]]:
    """A flat graph taken apart: the facts, and each fact's sources from its reification."""
    facts = Graph()
    reifiers = set(_reifiers(flat))
    for triple in flat:
        if triple[0] not in reifiers:
            facts.add(triple)
    sources: dict[Triple, set[Source]] = defaultdict(set)
    for node in reifiers:
        fact = (
            flat.value(node, RDF.subject),
            flat.value(node, RDF.predicate),
            flat.value(node, RDF.object),
        )
        for predicate in PROVENANCE:
            sources[fact] |= {(predicate, o) for o in flat.objects(node, predicate)}  # type: ignore[index]
    return facts, sources


def _reifiers(flat: Graph) -> Iterable[Node]:
    """Blank nodes typed rdf:Statement with a subject, predicate, object and a source."""
    for node in flat.subjects(RDF.type, RDF.Statement):
        parts = (RDF.subject, RDF.predicate, RDF.object)
        whole = all(flat.value(node, p) is not None for p in parts)
        if isinstance(node, BNode) and whole and any(flat.value(node, p) for p in PROVENANCE):
            yield node
