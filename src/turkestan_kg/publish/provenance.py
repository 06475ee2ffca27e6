"""Statement-level provenance for the formats that hold one graph (Turtle, N-Triples, RDF/XML,
JSON-LD): every fact is also described by an RDF reification node naming where it comes from.

In the project each data file is a named graph, and ``data/sources.ttl`` says which section
of the source (``prov:wasDerivedFrom``) or which agent (``prov:wasAttributedTo``) each graph
comes from; N-Quads and TriG keep those graphs. A flat format has no graphs, so each fact
``s p o`` gets a reifier ``<.../.well-known/genid/fact-...> a rdf:Statement ; rdf:subject s ;
rdf:predicate p ; rdf:object o ; prov:wasDerivedFrom section`` carrying the provenance of
every graph that states it. Every RDF tool reads this (docs/decisions/0013-provenance-in-every-format.md says
why not RDF 1.2 triple terms yet), and :func:`split` takes it apart again.

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.publish.rdf import with_provenance
>>> kg = load()
>>> flat = with_provenance(kg)
>>> facts, sources = split(flat)
>>> len(facts) == len(kg.data_graph())
True
>>> from rdflib import Literal
>>> from turkestan_kg.namespaces import PROV, SKOS, entity_ns
>>> party = entity_ns("organization")["communist-party-of-turkestan"]
>>> fact = (party, SKOS.prefLabel, Literal("Communist Party of Turkestan", lang="en"))
>>> sorted(str(source) for _, source in sources[fact])
['https://w3id.org/turkestan-kg/source/enwiki-cpt/infobox', 'https://w3id.org/turkestan-kg/source/enwiki-cpt/lead-1']
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.term import Node

from ..namespaces import BASE, PROV, RDF, bind_prefixes

SECTION = Namespace(BASE + "source/enwiki-cpt/")
GENID = Namespace(BASE + ".well-known/genid/")
"""Skolem IRIs (RDF 1.1, section 3.5) for the reifiers."""
PROVENANCE = (PROV.wasDerivedFrom, PROV.wasAttributedTo)
"""The predicates that say where a graph, and so each of its facts, comes from."""

Triple = tuple[Node, Node, Node]
Source = tuple[URIRef, Node]


def graph_sources(dataset: Dataset) -> dict[URIRef, set[Source]]:
    """Each data graph's provenance: (prov:wasDerivedFrom or prov:wasAttributedTo, source),
    as stated in any graph of ``dataset`` (``graph:sources`` states them)."""
    names = [g.identifier for g in dataset.graphs() if isinstance(g.identifier, URIRef)]
    found: dict[URIRef, set[Source]] = defaultdict(set)
    for graph in dataset.graphs():
        for name in names:
            for predicate in PROVENANCE:
                found[name] |= {(predicate, o) for o in graph.objects(name, predicate)}
    return found


def reified(dataset: Dataset) -> Graph:
    """The facts of a dataset (one named graph per source, blank nodes with their canonical
    labels) as one graph, each fact with a reifier naming the sources of every graph that
    states it. A reifier's IRI is a skolem IRI (RDF 1.1, 3.5) made from the fact's N-Triples
    line, so the same data gives the same IRIs and no blank nodes are added."""
    by_graph = graph_sources(dataset)
    flat = bind_prefixes(Graph())
    facts: dict[Triple, set[Source]] = defaultdict(set)
    for s, p, o, name in dataset.quads((None, None, None, None)):
        flat.add((s, p, o))
        graph = name.identifier if isinstance(name, Graph) else name
        facts[(s, p, o)] |= by_graph.get(graph, set()) if isinstance(graph, URIRef) else set()
    for fact, sources in facts.items():
        _reify(flat, fact, sources)
    return flat


def _reify(flat: Graph, fact: Triple, sources: set[Source]) -> None:
    s, p, o = fact
    line = f"{s.n3()} {p.n3()} {o.n3()} .".encode()
    node = GENID["fact-" + hashlib.sha256(line).hexdigest()[:24]]
    flat.add((node, RDF.type, RDF.Statement))
    flat.add((node, RDF.subject, s))
    flat.add((node, RDF.predicate, p))
    flat.add((node, RDF.object, o))
    for predicate, source in sources:
        flat.add((node, predicate, source))


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
    """Skolem IRIs typed rdf:Statement with a subject, predicate, object and a source."""
    for node in flat.subjects(RDF.type, RDF.Statement):
        parts = (RDF.subject, RDF.predicate, RDF.object)
        whole = all(flat.value(node, p) is not None for p in parts)
        if (
            str(node).startswith(str(GENID))
            and whole
            and any(flat.value(node, p) for p in PROVENANCE)
        ):
            yield node
