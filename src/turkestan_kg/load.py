"""Load the ontology and the data files into one rdflib Dataset.

Each data file becomes a named graph ``graph:<file stem>``; the ontology is the named graph
``graph:ontology``. Queries see the union of all graphs as their default graph.

>>> kg = load()
>>> kg.source_file(GRAPH["infobox"]).name
'infobox.ttl'
>>> len(kg) > 500
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from .errors import ParseError, SourceNotFound
from .namespaces import GRAPH, ONTOLOGY_GRAPH, PREFIXES

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt"}
ONTOLOGY_FILE = "turkestan-kg.ttl"
SHAPES_FILE = "shapes.ttl"
SSSOM_SUFFIX = ".sssom.tsv"
STORED_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class KnowledgeGraph(Dataset):
    """An rdflib ``Dataset`` that remembers which file each named graph was read from."""

    def __init__(self) -> None:
        super().__init__(default_union=True)
        self.source_files: dict[URIRef, Path] = {}
        for prefix, namespace in PREFIXES.items():
            self.bind(prefix, namespace, override=True, replace=True)

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        """SPARQL as in rdflib; or, given a stored query's name, its rows as typed Python values.

        >>> kg = load()
        >>> [row["leaderLabel"] for row in kg.query("leaders-in-year", year=1921)]
        ['Abdullo Rakhimbayev', 'Nazir Turiakylov']
        >>> len(kg.query("SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }"))
        5
        """
        if isinstance(query_object, str) and STORED_QUERY_NAME.fullmatch(query_object):
            from .query import run_query

            return run_query(self, query_object, **kwargs)
        return super().query(query_object, *args, **kwargs)

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


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``data/``: $TKG_HOME, or the checkout this runs from."""
    if env := os.environ.get("TKG_HOME"):
        return Path(env)
    for parent in [Path.cwd(), *Path(__file__).resolve().parents]:
        if (parent / "ontology").is_dir() and (parent / "data").is_dir():
            return parent
    raise SourceNotFound(
        "cannot find the project's ontology/ and data/ folders",
        hint="run from a turkestan-kg checkout or set TKG_HOME to one",
    )


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def rdf_files(folder: Path) -> list[Path]:
    """The data files of a folder (Turtle and SSSOM/TSV), sorted by name; an error if none."""
    if not folder.is_dir():
        raise SourceNotFound(f"folder not found: {display_path(folder)}", hint="check the path")
    files = sorted(p for p in folder.iterdir() if p.is_file() and _is_data_file(p))
    if not files:
        raise SourceNotFound(
            f"no .ttl files in {display_path(folder)}", hint="add data files or fix the path"
        )
    return files


def _is_data_file(path: Path) -> bool:
    return path.suffix in RDF_SUFFIXES or path.name.endswith(SSSOM_SUFFIX)


def graph_name(path: Path) -> URIRef:
    """The named graph of a data file: ``graph:`` and the file name without its extension."""
    return GRAPH[path.name.removesuffix(SSSOM_SUFFIX).removesuffix(path.suffix)]


def check_syntax(path: Path) -> None:
    """Raise ParseError with file, line and column if a Turtle file is not well-formed."""
    try:
        for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except SyntaxError as err:
        raise ParseError(
            err.msg or str(err),
            file=display_path(path),
            line=err.lineno,
            column=err.offset,
            hint="fix the Turtle syntax at that position",
        ) from None


def parse_file(path: Path) -> Graph:
    """Parse one Turtle file after a strict syntax check."""
    check_syntax(path)
    graph = Graph()
    try:
        graph.parse(path, format=RDF_SUFFIXES[path.suffix])
    except Exception as err:  # rdflib raises many kinds; all mean the same to the user
        raise ParseError(str(err).splitlines()[0], file=display_path(path)) from None
    return graph


def load(
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    *,
    extra_files: Iterable[Path] = (),
) -> KnowledgeGraph:
    """Read the ontology and every data file into a :class:`KnowledgeGraph`.

    ``data_dir`` and ``ontology_dir`` default to the project's ``data/`` and ``ontology/``.
    The ontology is ``ontology/turkestan-kg.ttl``; the shapes beside it are not part of the
    graph (see ``validate``). ``extra_files`` are read as further data graphs.
    """
    root = project_root() if data_dir is None or ontology_dir is None else Path()
    data = Path(data_dir) if data_dir is not None else root / "data"
    ontology = Path(ontology_dir) if ontology_dir is not None else root / "ontology"
    kg = KnowledgeGraph()
    _add(kg, ONTOLOGY_GRAPH, existing(ontology / ONTOLOGY_FILE))
    for path in [*rdf_files(data), *extra_files]:
        _add(kg, graph_name(path), path)
    return kg


def existing(path: Path) -> Path:
    """The path itself, or SourceNotFound naming it."""
    if not path.is_file():
        raise SourceNotFound(f"file not found: {display_path(path)}", hint="check the path")
    return path


def _add(kg: KnowledgeGraph, name: URIRef, path: Path) -> None:
    graph = kg.graph(name)
    if path.name.endswith(SSSOM_SUFFIX):
        from .sssom import mapping_graph

        parsed = mapping_graph(path)
    else:
        parsed = parse_file(path)
    for triple in parsed:
        graph.add(triple)
    kg.source_files.setdefault(name, path)
