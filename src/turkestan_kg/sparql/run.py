"""Run a stored query or SPARQL text on the graph a :class:`~turkestan_kg.graph.Source` names.

>>> rows = run_query(load(), "leaders-in-year", year=1921)
>>> sorted(r["leaderLabel"] for r in rows)
['Abdullo Rakhimbayev', 'Nazir Turiakylov']
>>> execute(get_query("tenures"), kg=load(), engine="rdflib").kind
'select'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rdflib import Graph

from ..errors import QueryError
from ..graph.dataset import KnowledgeGraph
from ..graph.source import Source
from ..paths import display_path
from .catalogue import StoredQuery, get_query
from .engines import Engine, OxigraphEngine, engine_for
from .results import QueryResult
from .text import Bindings

STORED_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class QueryableGraph(KnowledgeGraph):
    """A :class:`KnowledgeGraph` whose ``query`` also runs stored queries by name
    (what ``turkestan_kg.load()`` returns)."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        """SPARQL as in rdflib; or, given a stored query's name, its answer in Python (rows
        for SELECT, a bool for ASK, a Graph for CONSTRUCT and DESCRIBE; see :func:`answer`).

        >>> kg = load()
        >>> [row["leaderLabel"] for row in kg.query("leaders-in-year", year=1921)]
        ['Abdullo Rakhimbayev', 'Nazir Turiakylov']
        >>> len(kg.query("describe-entity", entity="person:turar-risqulov")) > 5
        True
        >>> len(kg.query("SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }"))
        5
        """
        if isinstance(query_object, str) and STORED_QUERY_NAME.fullmatch(query_object):
            return answer(self, query_object, **kwargs)
        return super().query(query_object, *args, **kwargs)


def engine_of(source: Source, engine: str = "oxigraph") -> Engine:
    """The engine that answers queries on ``source``: the named embedded engine over the
    files, Oxigraph over the on-disk store, or the remote endpoint."""
    if source.kind == "store":
        return OxigraphEngine(store=source.store)
    if source.kind == "endpoint":
        from .remote import RemoteEngine

        assert source.endpoint is not None
        return RemoteEngine(source.endpoint, timeout=source.timeout)
    return engine_for(source.graph, engine)


def execute(
    query: StoredQuery | str,
    params: Mapping[str, object] | None = None,
    *,
    kg: KnowledgeGraph | None = None,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    timeout: float = 30.0,
    source: Source | None = None,
) -> QueryResult:
    """Run a stored query (with typed parameters) or SPARQL text on ``source``, or on
    ``kg`` with ``engine``, or on ``endpoint``."""
    text, bindings = _text_and_bindings(query, params)
    runner = engine_of(source or _source(kg, endpoint, timeout), engine)
    try:
        return runner.run(text, bindings)
    except QueryError as err:
        if isinstance(query, StoredQuery) and err.file is None:
            err.file = display_path(query.path)
        raise


def _text_and_bindings(
    query: StoredQuery | str, params: Mapping[str, object] | None
) -> tuple[str, Bindings]:
    if not isinstance(query, str):
        return query.text, query.bindings(params or {})
    if params:
        raise QueryError(
            "ad-hoc queries take no parameters", hint="store the query with a #+ header"
        )
    return query, {}


def _source(kg: KnowledgeGraph | None, endpoint: str | None, timeout: float) -> Source:
    if endpoint:
        return Source(endpoint=endpoint, timeout=timeout)
    if kg is None:
        raise QueryError("no graph to query", hint="load one or give --endpoint")
    return Source.from_graph(kg)


def answer(kg: KnowledgeGraph, query: str, **params: object) -> list[dict[str, Any]] | bool | Graph:
    """A stored query by name (with typed parameters) or SPARQL text, on the embedded engine:
    rows of Python values for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT and
    DESCRIBE. :func:`select`, :func:`ask` and :func:`construct` say which they expect.

    >>> answer(load(), "ASK { ?s a <http://xmlns.com/foaf/0.1/Person> }")
    True
    """
    return _run(kg, query, params).python()


def select(kg: KnowledgeGraph, query: str, **params: object) -> list[dict[str, Any]]:
    """Rows of Python values of a SELECT query (named or written out)."""
    return _expect(_run(kg, query, params), "select", query).python_rows()


def ask(kg: KnowledgeGraph, query: str, **params: object) -> bool:
    """The answer of an ASK query (named or written out)."""
    return bool(_expect(_run(kg, query, params), "ask", query).boolean)


def construct(kg: KnowledgeGraph, query: str, **params: object) -> Graph:
    """The graph a CONSTRUCT or DESCRIBE query (named or written out) gives."""
    result = _expect(_run(kg, query, params), "graph", query)
    return result.graph if result.graph is not None else Graph()


def run_query(kg: KnowledgeGraph, name: str, **params: object) -> list[dict[str, Any]]:
    """The rows of a SELECT query, stored (by name) or written out, on the embedded engine;
    a CONSTRUCT or ASK query is a QueryError naming the function to use."""
    return select(kg, name, **params)


def _run(kg: KnowledgeGraph, query: str, params: dict[str, object]) -> QueryResult:
    target = get_query(query) if STORED_QUERY_NAME.fullmatch(query) else query
    return execute(target, params, kg=kg)


FORM_NAMES = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT or DESCRIBE"}
FUNCTION_FOR = {"select": "select() or run_query()", "ask": "ask()", "graph": "construct()"}


def _expect(result: QueryResult, kind: str, query: str) -> QueryResult:
    if result.kind != kind:
        name = query if STORED_QUERY_NAME.fullmatch(query) else "the query"
        raise QueryError(
            f"{name} is a{'n' * (result.kind == 'ask')} {FORM_NAMES[result.kind]} query",
            hint=f"use turkestan_kg.{FUNCTION_FOR[result.kind]}",
        )
    return result
