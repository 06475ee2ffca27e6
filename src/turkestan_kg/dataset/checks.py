"""Checks a query passes before it runs, or its answer after: no SERVICE unless allowed, an
entity parameter the graph mentions, and whether an answer is empty.

>>> refuse_service("SELECT * WHERE { ?s ?p ?o }")  # no SERVICE: nothing to refuse
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rdflib.term import Identifier

from ..errors import EndpointError, QueryError, QueryUsageError, UsageError
from ..namespaces import curie
from ..sparql.engines import Engine
from ..sparql.results import QueryResult

if TYPE_CHECKING:
    from ..reconcile.service import Service
    from ..sparql.catalogue import StoredQuery


def calls_service(text: str) -> bool:
    """Whether the query may have a SERVICE pattern. A text rdflib cannot parse (Oxigraph
    may: RDF 1.2, LATERAL) counts as calling SERVICE if it could spell the keyword, since
    nothing then says it does not; else the engine says what is wrong with it."""
    from ..sparql.policy import Unchecked, calls_service, might_name_service

    try:
        return calls_service(text)
    except Unchecked:
        return might_name_service(text)


def refuse_service(text: str) -> None:
    """UsageError if the query has a SERVICE pattern (which would fetch from the server it
    names)."""
    if not calls_service(text):
        return
    raise UsageError(
        "the query has a SERVICE pattern (or may have: it names one and could not be "
        "parsed to check), which would fetch from another server",
        hint="give --allow-service if you mean it to (in Python: allow_service=True)",
    )


def refuse_functions(name: str, text: str) -> None:
    """QueryUsageError if the query (``name``: a stored query's, or "the query") calls one of
    the project's own functions, which only the toolkit's embedded engines have (a SPARQL
    server refuses or ignores them)."""
    from ..sparql.functions import called

    if functions := called(text):
        raise QueryUsageError(
            f"{name} calls the project's own SPARQL function {', '.join(sorted(functions))}, "
            "which only the toolkit's embedded engines have, not a SPARQL server",
            hint="`tkg search --endpoint URL TEXT` uses the same name matcher there; "
            "labels-containing is the plain SPARQL query",
        )


def checked(
    stored: StoredQuery,
    params: Mapping[str, object],
    engine: Engine,
    remote: bool,
    names: Callable[[], Service],
) -> dict[str, Identifier]:
    """The parameters as RDF terms, once the query can run on ``engine`` (``remote``: a
    SPARQL server's) and every entity given is one the graph mentions."""
    bindings = stored.bindings(params)
    if remote:
        refuse_functions(stored.name, stored.text)
    for param in stored.params:
        if param.type == "iri":
            held(engine, bindings[param.name], param.name, names)
    return bindings


def from_service(err: QueryError, text: str) -> QueryError:
    """``err`` as an EndpointError (exit code 3) when the query calls SERVICE, whose server
    is the likelier cause; else ``err`` itself."""
    if not calls_service(text):
        return err
    return EndpointError(
        f"a query that calls SERVICE failed: {err.message}",
        hint="check the server the SERVICE pattern names",
    )


def held(engine: Engine, iri: Identifier, name: str, names: Callable[[], Service]) -> None:
    """QueryUsageError naming the nearest entity (from ``names``' index) if the graph does
    not mention ``iri``, so an answer is never empty for a misspelled entity."""
    mentioned = "ASK { { $x ?p ?o } UNION { ?s ?p $x } UNION { ?s $x ?o } }"
    if engine.run(mentioned, {"x": iri}).boolean:
        return
    known = [curie(entity) for entity in names().index.label]
    nearest = difflib.get_close_matches(curie(iri), known, n=1, cutoff=0.5)
    raise QueryUsageError(
        f"{name}: {curie(iri)} is not in the graph",
        hint=f"did you mean {nearest[0]}?" if nearest else "`tkg reconcile` finds by name",
    )


def empty(result: QueryResult) -> bool:
    """No rows, no triples, or false.

    >>> empty(QueryResult.ask(False)), empty(QueryResult.ask(True))
    (True, False)
    """
    if result.kind == "graph":
        return not result.graph
    return not result.rows if result.kind == "select" else not result.boolean
