"""Serialize the graph to every RDF format, byte for byte the same on every run.

Blank nodes are labelled by the W3C RDF Dataset Canonicalization algorithm (URDNA2015, via
pyld), so two exports of the same graph are identical files: N-Triples and N-Quads are the
canonical forms themselves (sorted), the other formats are written from the canonically
labelled graph, in a fixed order. The triple formats carry the merged data graph; N-Quads and TriG keep one
named graph per source section.

>>> FORMATS["turtle"].media_type, FORMATS["nquads"].file_extension
('text/turtle', '.nq')
>>> b"Communist Party of Turkestan" in serialize(load(), FORMATS["ntriples"])
True
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.term import Node

from .compact import build_context, compact, dumps
from .errors import BuildError
from .load import KnowledgeGraph
from .namespaces import ONTOLOGY_GRAPH, bind_prefixes


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialization: its name, media type, file extension, and whether it keeps graphs."""

    name: str
    media_type: str
    file_extension: str
    rdflib_name: str
    keeps_graphs: bool = False

    def __repr__(self) -> str:
        return f"<RdfFormat {self.name} {self.media_type}>"


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "text/turtle", ".ttl", "turtle"),
        RdfFormat("jsonld", "application/ld+json", ".jsonld", "json-ld"),
        RdfFormat("ntriples", "application/n-triples", ".nt", "nt"),
        RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml"),
        RdfFormat("nquads", "application/n-quads", ".nq", "nquads", keeps_graphs=True),
        RdfFormat("trig", "application/trig", ".trig", "trig", keeps_graphs=True),
    )
}


def canonical_nquads(dataset: Graph) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of a graph or dataset, sorted."""
    text = dataset.serialize(format="nquads" if isinstance(dataset, Dataset) else "nt")
    options = {"algorithm": "URDNA2015", "inputFormat": "application/n-quads"}
    return str(jsonld.normalize(text, {**options, "format": "application/n-quads"}))


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
    from .engine import from_oxigraph_term

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


def serialize(kg: KnowledgeGraph, fmt: RdfFormat) -> bytes:
    """The data (ontology excluded) in ``fmt``: the merged graph, or every named graph."""
    if fmt.keeps_graphs:
        text = canonical_nquads(data_dataset(kg))
        return text.encode("utf-8") if fmt.name == "nquads" else trig(from_canonical(text))
    merged = kg.data_graph()
    text = canonical_nquads(merged)
    if fmt.name == "ntriples":
        return text.encode("utf-8")
    if fmt.name == "jsonld":
        return dumps(compact(text, build_context(merged)))
    graph = bind_prefixes(SortedGraph())
    for triple in from_canonical(text).triples((None, None, None)):
        graph.add(triple)
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


class SortedGraph(Graph):
    """A Graph that lists subjects and their statements in a fixed order, so serializers that
    walk it (RDF/XML) write the same bytes on every run."""

    def subjects(
        self, predicate: Any = None, object: Any = None, unique: bool = False
    ) -> Generator[Node, None, None]:
        yield from sorted(set(super().subjects(predicate, object)), key=_order)

    def predicate_objects(
        self, subject: Any = None, unique: bool = False
    ) -> Generator[tuple[Node, Node], None, None]:
        pairs = super().predicate_objects(subject, unique)
        yield from sorted(pairs, key=lambda po: (_order(po[0]), _order(po[1])))


def _order(term: Any) -> tuple[str, str]:
    return (type(term).__name__, term.n3())


def trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order, each written as rdflib's sorted Turtle."""
    prefixes: set[str] = set()
    blocks = []
    for graph in sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier)):
        turtle = bind_prefixes(Graph()).__iadd__(graph).serialize(format="turtle")
        lines = turtle.splitlines()
        prefixes |= {line for line in lines if line.startswith("@prefix")}
        # Not indented: indenting would change multi-line string literals.
        body = [line for line in lines if not line.startswith("@prefix")]
        blocks.append(f"<{graph.identifier}> {{\n" + "\n".join(body).strip("\n") + "\n}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def store_payload(kg: KnowledgeGraph) -> bytes:
    """N-Quads for a SPARQL store: every graph (ontology included) plus their merge as the
    default graph, so queries without GRAPH see each triple once."""
    named = kg.serialize(format="nquads", encoding="utf-8")
    merged = kg.merged().serialize(format="nt", encoding="utf-8")
    return merged + named


def _bound_dataset() -> Dataset:
    dataset = Dataset()
    bind_prefixes(dataset)
    return dataset


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write to (directly or by a tool given its name);
    it is moved into place if the block succeeds and removed if it fails, so ``path`` is
    never half-written. A failed write becomes a BuildError naming ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        raise BuildError(f"cannot write {path}: {err.strerror}", file=str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
