"""Serialize the graph to every RDF format, byte for byte the same on every run.

Blank nodes are labelled by the W3C RDF Dataset Canonicalization algorithm (URDNA2015, via
pyld), so two exports of the same graph are identical files: N-Triples and N-Quads are the
canonical forms themselves (sorted), the other formats are written from the canonically
labelled graph, in a fixed order. The triple formats carry the merged data graph with each
fact's provenance as a reification (:mod:`.provenance`); N-Quads and TriG keep one named graph
per source section instead.

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.formats import FORMATS
>>> b"Communist Party of Turkestan" in serialize(load(), FORMATS["ntriples"])
True
"""

from __future__ import annotations

from collections.abc import Generator
from functools import cached_property

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.paths import Path
from rdflib.term import Node

from ..formats import RdfFormat
from ..graph.dataset import KnowledgeGraph
from ..graph.terms import from_oxigraph_term
from ..namespaces import ONTOLOGY_GRAPH, bind_prefixes
from ..values import JsonObject
from .jsonld import build_context, compact, dumps, pyld_dataset
from .provenance import reified


def canonical_nquads(dataset: Graph) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of a graph or dataset, sorted.

    The graph is handed to pyld as its RDF dataset structure (parsed by Oxigraph): pyld's own
    N-Quads parser took longer than the canonicalization itself.
    """
    text = dataset.serialize(format="nquads" if isinstance(dataset, Dataset) else "nt")
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    return str(jsonld.URDNA2015().main(pyld_dataset(text), options))


def data_dataset(kg: KnowledgeGraph) -> Dataset:
    """The data graphs (ontology excluded) as a Dataset of their own."""
    dataset = _bound_dataset()
    for graph in kg.graphs():
        if graph.identifier != ONTOLOGY_GRAPH and len(graph):
            named = dataset.graph(graph.identifier)
            for triple in graph:
                named.add(triple)
    return dataset


def from_canonical(text: str) -> Dataset:
    """A Dataset from canonical N-Quads that keeps the canonical blank node labels."""
    dataset = _bound_dataset()
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        terms: list[Node] = [
            from_oxigraph_term(t) for t in (quad.subject, quad.predicate, quad.object)
        ]
        name = quad.graph_name
        target = (
            dataset
            if isinstance(name, ox.DefaultGraph)
            else dataset.graph(from_oxigraph_term(name))
        )
        target.add((terms[0], terms[1], terms[2]))
    return dataset


class Canonical:
    """The data of a graph in canonical form, each piece computed once however many formats
    are written from it (canonicalization is most of the cost of a build)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    @cached_property
    def merged(self) -> Graph:
        """The merged data graph (ontology excluded)."""
        return self.kg.data_graph()

    @cached_property
    def flat(self) -> Graph:
        """The merged data graph with each fact's provenance, for the one-graph formats."""
        return reified(from_canonical(self.quads))

    @cached_property
    def triples(self) -> str:
        """Canonical N-Triples of the flat graph: the facts and their provenance."""
        return canonical_nquads(self.flat)

    @cached_property
    def facts(self) -> str:
        """Canonical N-Triples of the facts alone (for the framed views)."""
        return canonical_nquads(self.merged)

    @cached_property
    def quads(self) -> str:
        """Canonical N-Quads of the data graphs, one named graph per source section."""
        return canonical_nquads(data_dataset(self.kg))

    @cached_property
    def context(self) -> JsonObject:
        """The JSON-LD context for the data and its provenance."""
        return build_context(self.flat)

    @cached_property
    def graph(self) -> Graph:
        """The merged graph with canonical blank node labels, listed in a fixed order."""
        graph = bind_prefixes(SortedGraph())
        for triple in from_canonical(self.triples).triples((None, None, None)):
            graph.add(triple)
        return graph


def with_provenance(kg: KnowledgeGraph) -> Graph:
    """The merged data graph with each fact's reification and sources (:mod:`.provenance`)."""
    return Canonical(kg).flat


def serialize(kg: KnowledgeGraph, fmt: RdfFormat, canonical: Canonical | None = None) -> bytes:
    """The data (ontology excluded) in ``fmt``: the merged graph, or every named graph.
    Give ``canonical`` to reuse one canonicalization for several formats."""
    data = canonical or Canonical(kg)
    if fmt.name == "nquads":
        return data.quads.encode("utf-8")
    if fmt.name == "trig":
        return trig(from_canonical(data.quads))
    if fmt.name == "ntriples":
        return data.triples.encode("utf-8")
    if fmt.name == "jsonld":
        return dumps(compact(data.triples, data.context))
    return data.graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


Triple = tuple[Node, Node, Node]


class SortedGraph(Graph):
    """A Graph that lists subjects and their statements in a fixed order, so serializers that
    walk it (RDF/XML) write the same bytes on every run."""

    def subjects(
        self,
        predicate: Path | Node | None = None,
        object: Node | list[Node] | None = None,
        unique: bool = False,
    ) -> Generator[Node, None, None]:
        yield from sorted(set(super().subjects(predicate, object)), key=_order)

    def predicate_objects(
        self, subject: Node | None = None, unique: bool = False
    ) -> Generator[tuple[Node, Node], None, None]:
        pairs = super().predicate_objects(subject, unique)
        yield from sorted(pairs, key=lambda po: (_order(po[0]), _order(po[1])))


def _order(term: Node) -> tuple[str, str]:
    return (type(term).__name__, term.n3())


def trig(dataset: Dataset) -> bytes:
    """TriG written by rdflib's serializer with the project's prefixes, the graphs in IRI order
    (the default graph first) and each graph's statements sorted as in Turtle, so a dataset
    with the same blank node labels gives the same bytes on every run. (Oxigraph's serializer
    would lower-case the language tags: ``uz-Latn`` is written as the data has it.)

    >>> from rdflib import Literal
    >>> from turkestan_kg.namespaces import GRAPH, TKG
    >>> dataset = Dataset()
    >>> _ = dataset.graph(GRAPH.notes).add((TKG.x, TKG.note, Literal("a" + chr(10) + "@prefix b")))
    >>> trig(dataset).decode().splitlines()[:2]
    ['@prefix graph: <https://w3id.org/turkestan-kg/graph/> .', '@prefix tkg: <https://w3id.org/turkestan-kg/ontology#> .']
    >>> back = Dataset().parse(data=trig(dataset), format="trig")
    >>> back.graph(GRAPH.notes).value(TKG.x, TKG.note) == Literal("a" + chr(10) + "@prefix b")
    True
    """
    ordered = bind_prefixes(SortedDataset())
    for s, p, o, name in dataset.quads((None, None, None, None)):
        default = name is None or name == DATASET_DEFAULT_GRAPH_ID
        (ordered if default else ordered.graph(name)).add((s, p, o))
    return ordered.serialize(format="trig", encoding="utf-8")


class SortedDataset(Dataset):
    """A Dataset that lists its graphs in IRI order, the default graph first, so the TriG
    serializer that walks them writes the same bytes on every run."""

    def graphs(self, triple: Triple | None = None) -> Generator[Graph, None, None]:
        def order(graph: Graph) -> tuple[bool, tuple[str, str]]:
            return graph.identifier != DATASET_DEFAULT_GRAPH_ID, _order(graph.identifier)

        yield from sorted(super().graphs(triple), key=order)

    def contexts(self, triple: Triple | None = None) -> Generator[Graph, None, None]:
        yield from self.graphs(triple)  # what rdflib's TriG serializer asks for


def _bound_dataset() -> Dataset:
    dataset = Dataset()
    bind_prefixes(dataset)
    return dataset
