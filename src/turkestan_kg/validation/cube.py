"""Whether a graph's statistics are a well-formed RDF Data Cube: the Recommendation's
integrity constraints IC-1 to IC-21, its own SPARQL kept as query files
(``queries/data-cube/``), run on a copy of the graph normalized by the Recommendation's own
SPARQL Update (phase 1: types and component links; phase 2: attachments pushed down).

IC-20 and IC-21 are templates: each runs once for every parent-child property a hierarchical
code list names (found by their ``-instances`` queries), written in where ``$p`` stands.

>>> from turkestan_kg.graph.dataset import load
>>> cube_violations(load().merged())
[]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..sparql.catalogue import queries_dir
from .prebind import prebind

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

NORMALIZE = ("normalize-1.ru", "normalize-2.ru")
TEMPLATES = ("ic-20", "ic-21")


def constraint_files(folder: Path | None = None) -> list[Path]:
    """The integrity constraints' query files, IC-1 first (not the template's instances).

    >>> [p.stem for p in constraint_files()][:3]
    ['ic-01', 'ic-02', 'ic-03']
    """
    here = folder or queries_dir() / "data-cube"
    return sorted(p for p in here.glob("ic-*.rq") if not p.stem.endswith("-instances"))


def cube_violations(graph: Graph, folder: Path | None = None) -> list[str]:
    """The names of the constraints ``graph`` violates (``ic-12``, say), in order; empty for
    a well-formed cube (a graph with no cube in it is one)."""
    here = folder or queries_dir() / "data-cube"
    store = normalized(graph, here)
    return [path.stem for path in constraint_files(here) if _violated(store, path)]


def normalized(graph: Graph, folder: Path) -> ox.Store:
    """A store holding ``graph`` with the normalization algorithm applied."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    for name in NORMALIZE:
        store.update((folder / name).read_text(encoding="utf-8"))
    return store


def _violated(store: ox.Store, path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if path.stem not in TEMPLATES:
        return bool(store.query(text))
    instances = path.with_name(f"{path.stem}-instances.rq").read_text(encoding="utf-8")
    properties = [str(row["p"].value) for row in store.query(instances)]  # type: ignore[union-attr]
    return any(bool(store.query(prebind(text, {"p": URIRef(p)}))) for p in properties)
