"""Load the ontology and the data files into one rdflib Dataset.

Each data file becomes a named graph ``graph:<file stem>``; the ontology is the named graph
``graph:ontology``. Queries see the union of all graphs as their default graph.

>>> from turkestan_kg.namespaces import GRAPH
>>> kg = load()
>>> kg.source_file(GRAPH["infobox"]).name
'infobox.ttl'
>>> len(kg) > 500
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from ..namespaces import ONTOLOGY_GRAPH, PREFIXES
from ..paths import ONTOLOGY_FILE, existing, project_root
from .files import SSSOM_SUFFIX, graph_name, parse_file, rdf_files


class KnowledgeGraph(Dataset):
    """An rdflib ``Dataset`` that remembers which file each named graph was read from."""

    def __init__(self) -> None:
        super().__init__(default_union=True)
        self.source_files: dict[URIRef, Path] = {}
        for prefix, namespace in PREFIXES.items():
            self.bind(prefix, namespace, override=True, replace=True)

    def source_file(self, graph: URIRef) -> Path | None:
        """The file a named graph was read from, or None."""
        return self.source_files.get(graph)

    def files_stating(self, triple: tuple[Node | None, Node | None, Node | None]) -> list[Path]:
        """The files whose graphs contain a triple (``None`` is a wildcard), in name order."""
        names = {getattr(c, "identifier", c) for *_, c in self.quads((*triple, None))}
        return sorted(
            {
                self.source_files[n]
                for n in names
                if isinstance(n, URIRef) and n in self.source_files
            }
        )

    def data_graph(self) -> Graph:
        """The union of every data graph (ontology excluded) as a plain Graph."""
        return self._merged(g for g in self.graphs() if g.identifier != ONTOLOGY_GRAPH)

    def merged(self) -> Graph:
        """The union of every graph, ontology included, as a plain Graph."""
        return self._merged(self.graphs())

    def _merged(self, graphs: Iterable[Graph]) -> Graph:
        merged = Graph()
        for prefix, namespace in self.namespaces():
            merged.bind(prefix, namespace, override=True)
        for graph in graphs:
            for triple in graph:
                merged.add(triple)
        return merged


K = TypeVar("K", bound=KnowledgeGraph)


def load(
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    *,
    extra_files: Iterable[Path] = (),
    base: str | None = None,
) -> KnowledgeGraph:
    """Read the ontology and every data file into a :class:`KnowledgeGraph`.

    ``data_dir`` and ``ontology_dir`` default to the project's ``data/`` and ``ontology/``.
    The ontology is ``ontology/turkestan-kg.ttl``; the shapes beside it are not part of the
    graph (see ``validate``). ``extra_files`` are read as further data graphs. Relative IRIs
    in the data files resolve against ``base`` when it is given, else against each file's
    own IRI (:func:`~.files.parse_file`).
    """
    return read_into(KnowledgeGraph(), data_dir, ontology_dir, extra_files=extra_files, base=base)


def read_into(
    kg: K,
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    *,
    extra_files: Iterable[Path] = (),
    base: str | None = None,
) -> K:
    """:func:`load`, into a given (empty) graph of any KnowledgeGraph subclass."""
    root = project_root() if data_dir is None or ontology_dir is None else Path()
    data = Path(data_dir) if data_dir is not None else root / "data"
    ontology = Path(ontology_dir) if ontology_dir is not None else root / "ontology"
    _add(kg, ONTOLOGY_GRAPH, existing(ontology / ONTOLOGY_FILE))
    for path in [*rdf_files(data), *extra_files]:
        _add(kg, graph_name(path), path, base)
    return kg


def _add(kg: KnowledgeGraph, name: URIRef, path: Path, base: str | None = None) -> None:
    graph = kg.graph(name)
    if path.name.endswith(SSSOM_SUFFIX):
        from .sssom import mapping_graph

        parsed = mapping_graph(path)
    else:
        parsed = parse_file(path, base=base)
    for triple in parsed:
        graph.add(triple)
    kg.source_files.setdefault(name, path)


def store_payload(kg: KnowledgeGraph) -> bytes:
    """N-Quads for a SPARQL store: every graph (ontology included) plus their merge as the
    default graph, so queries without GRAPH see each triple once."""
    named = kg.serialize(format="nquads", encoding="utf-8")
    merged = kg.merged().serialize(format="nt", encoding="utf-8")
    return merged + named
