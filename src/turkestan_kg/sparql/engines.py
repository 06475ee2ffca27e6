"""Where SPARQL runs: Oxigraph in memory (default), rdflib, or a remote SPARQL 1.1 endpoint
(:mod:`turkestan_kg.remote.sparql`). Both embedded engines know the project's own functions
(:mod:`.functions`).

Every engine takes the query text and parameter bindings as RDF terms and returns a
:class:`~turkestan_kg.sparql.results.QueryResult`, so results compare across engines.

>>> from turkestan_kg.graph.dataset import load
>>> engine = OxigraphEngine(load())
>>> engine.run("ASK { FILTER (\\"1975\\" >= 1980) }", {}).boolean
False
"""

from __future__ import annotations

from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier

from ..errors import QueryError
from ..graph.dataset import KnowledgeGraph, store_payload
from ..graph.terms import from_oxigraph_term
from ..namespaces import PREFIXES
from ..registry import entry, resolve
from . import DEFAULT_ENGINE, ENGINES
from .functions import oxigraph_functions, register_rdflib
from .results import QueryResult
from .text import Bindings, with_values


class Engine(Protocol):
    """Anything that answers SPARQL queries with :class:`QueryResult`."""

    name: str

    def run(self, text: str, bindings: Bindings) -> QueryResult: ...


# ----------------------------------------------------------------------- rdflib


class RdflibEngine:
    """rdflib's own SPARQL engine over the dataset's union graph."""

    name = "rdflib"

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        register_rdflib()

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        try:  # rdflib evaluates as the answer is read (a SERVICE call too)
            return from_rdflib(self.kg.query(text, initNs=PREFIXES, initBindings=bindings))
        except Exception as err:  # pyparsing, evaluation and SERVICE errors
            raise QueryError(f"rdflib could not run the query: {err}") from None


def from_rdflib(result: Result) -> QueryResult:
    """Convert an rdflib query result."""
    if result.type == "ASK":
        return QueryResult.ask(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult.of_graph(_copied(result.graph))
    variables = [str(v) for v in result.vars or []]
    rows = [row.asdict() for row in result if isinstance(row, ResultRow)]
    return QueryResult.select(variables, ({str(k): v for k, v in r.items()} for r in rows))


def _copied(graph: Graph | None) -> Graph:
    """A plain Graph of the answer's triples (rdflib's answer graph shares its store)."""
    copy = Graph()
    for triple in graph if graph is not None else ():
        copy.add(triple)
    return copy


# ----------------------------------------------------------------------- Oxigraph


class OxigraphEngine:
    """pyoxigraph's in-memory store holding every named graph, and their merge as default graph.

    The default graph is loaded as the RDF merge rather than queried as Oxigraph's union
    view, which repeats a triple once per graph that states it.
    """

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph | None = None, *, store: ox.Store | None = None) -> None:
        self.functions = oxigraph_functions()
        if store is not None:
            self.store = store
            return
        assert kg is not None, "give a KnowledgeGraph or an existing store"
        self.store = ox.Store()
        self.store.load(store_payload(kg), format=ox.RdfFormat.N_QUADS)

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        # pyoxigraph's substitutions only reach projected variables, so bind with VALUES.
        try:  # the answer is computed as it is read, so errors may come while converting it
            answer = self.store.query(
                with_values(text, bindings), prefixes=PREFIXES, custom_functions=self.functions
            )
            return from_oxigraph(answer)
        except (SyntaxError, OSError, ValueError, RuntimeError) as err:  # RuntimeError: SERVICE
            raise QueryError(f"Oxigraph could not run the query: {err}") from None


def from_oxigraph(answer: object) -> QueryResult:
    """Convert a pyoxigraph query answer."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult.ask(bool(answer))
    if isinstance(answer, ox.QueryTriples):
        graph = Graph()
        for t in answer:
            graph.add(tuple(from_oxigraph_term(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
        return QueryResult.of_graph(graph)
    assert isinstance(answer, ox.QuerySolutions)
    variables = [v.value for v in answer.variables]
    # A value repeated down a column is converted once, and is one object in every row that
    # holds it: faster, and less memory than an object per row (the rows hold them anyway).
    seen: dict[object, Identifier] = {}

    def term(value: object) -> Identifier:
        if (known := seen.get(value)) is None:
            known = seen[value] = from_oxigraph_term(value)
        return known

    rows = [{v: term(value) for v in variables if (value := s[v]) is not None} for s in answer]
    return QueryResult.select(variables, rows)


def embedded_engine(kg: KnowledgeGraph, name: str = DEFAULT_ENGINE) -> Engine:
    """The embedded engine ``name`` (an entry of :data:`ENGINES`) over ``kg``; an unknown name
    is a UsageError listing the engines.

    >>> from turkestan_kg.graph.dataset import load
    >>> embedded_engine(load(), "rdflib").name
    'rdflib'
    """
    factory = resolve(entry(ENGINES, name, "query engine"))
    assert callable(factory)
    engine: Engine = factory(kg)
    return engine


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "OxigraphEngine",
    "RdflibEngine",
    "embedded_engine",
]
