"""Serialize the graph to the RDF formats and write files atomically.

>>> FORMATS["turtle"].media_type, FORMATS["nquads"].file_extension
('text/turtle', '.nq')
>>> b"Communist Party of Turkestan" in serialize(load(), FORMATS["ntriples"])
True
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import BuildError
from .load import KnowledgeGraph
from .namespaces import ONTOLOGY_GRAPH, PREFIXES


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


def serialize(kg: KnowledgeGraph, fmt: RdfFormat) -> bytes:
    """The data (ontology excluded) in ``fmt``: the merged graph, or every named graph."""
    target: Graph = _data_dataset(kg) if fmt.keeps_graphs else kg.data_graph()
    if fmt.name == "jsonld":
        return target.serialize(format="json-ld", context=PREFIXES, indent=2, encoding="utf-8")
    return target.serialize(format=fmt.rdflib_name, encoding="utf-8")


def store_payload(kg: KnowledgeGraph) -> bytes:
    """N-Quads for a SPARQL store: every graph (ontology included) plus their merge as the
    default graph, so queries without GRAPH see each triple once."""
    named = kg.serialize(format="nquads", encoding="utf-8")
    merged = kg.merged().serialize(format="nt", encoding="utf-8")
    return merged + named


def _data_dataset(kg: KnowledgeGraph) -> Dataset:
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    for graph in kg.graphs():
        if graph.identifier != ONTOLOGY_GRAPH and len(graph):
            named = dataset.graph(graph.identifier)
            for triple in graph:
                named.add(triple)
    return dataset


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise BuildError(f"cannot write {path}: {err.strerror}", file=str(path)) from None


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
