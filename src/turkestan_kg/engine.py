"""Where SPARQL runs: Oxigraph in memory (default), rdflib, or a remote SPARQL 1.1 endpoint.

Every engine takes the query text and parameter bindings as RDF terms and returns a
:class:`~turkestan_kg.results.QueryResult`, so results compare across engines.

>>> engine = OxigraphEngine(load())
>>> engine.run("ASK { FILTER (\\"1975\\" >= 1980) }", {}).boolean
False
"""

from __future__ import annotations

import json
import re
import urllib.error
from collections.abc import Mapping
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier
from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from . import __version__
from .errors import QueryError
from .export import store_payload
from .load import KnowledgeGraph
from .namespaces import RDF, XSD
from .results import QueryResult, canonical_language

Bindings = Mapping[str, Identifier]
ENGINES = ("oxigraph", "rdflib")
USER_AGENT = f"turkestan-kg/{__version__} (https://w3id.org/turkestan-kg/; SPARQL client)"


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

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        try:
            result = self.kg.query(text, initBindings=bindings)
        except Exception as err:  # pyparsing and evaluation errors
            raise QueryError(f"rdflib could not run the query: {err}") from None
        return from_rdflib(result)


def from_rdflib(result: Result) -> QueryResult:
    """Convert an rdflib query result."""
    if result.type == "ASK":
        return QueryResult.ask(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        graph = Graph()
        for triple in result.graph:
            graph.add(triple)
        return QueryResult.of_graph(graph)
    variables = [str(v) for v in result.vars or []]
    rows = [row.asdict() for row in result if isinstance(row, ResultRow)]
    return QueryResult.select(variables, ({str(k): v for k, v in r.items()} for r in rows))


# ----------------------------------------------------------------------- Oxigraph


class OxigraphEngine:
    """pyoxigraph's in-memory store holding every named graph, and their merge as default graph.

    The default graph is loaded as the RDF merge rather than queried as Oxigraph's union
    view, which repeats a triple once per graph that states it.
    """

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph | None = None, *, store: ox.Store | None = None) -> None:
        if store is not None:
            self.store = store
            return
        assert kg is not None, "give a KnowledgeGraph or an existing store"
        self.store = ox.Store()
        self.store.load(store_payload(kg), format=ox.RdfFormat.N_QUADS)

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        # pyoxigraph's substitutions only reach projected variables, so bind with VALUES.
        try:
            answer = self.store.query(with_values(text, bindings))
        except (SyntaxError, OSError, ValueError) as err:
            raise QueryError(f"Oxigraph could not run the query: {err}") from None
        return from_oxigraph(answer)


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def from_oxigraph_term(term: object) -> Identifier:
    """The rdflib term for a pyoxigraph term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=canonical_language(term.language))
        datatype = term.datatype.value
        return Literal(
            term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype)
        )
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


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
    rows = [{v: from_oxigraph_term(s[v]) for v in variables if s[v] is not None} for s in answer]
    return QueryResult.select(variables, rows)


# ----------------------------------------------------------------------- remote


QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint, through SPARQLWrapper.

    Parameters are sent as a ``VALUES`` block of serialized RDF terms at the start of the
    outermost ``WHERE`` group, which is how pre-bound variables are written in SPARQL text.
    """

    name = "remote"

    def __init__(self, endpoint: str, *, timeout: float = 30.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        query = with_values(text, bindings)
        form = query_form(query)
        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setQuery(query)
        client.queryType = form  # SPARQLWrapper guesses from keywords, comments included
        client.setMethod(POST)
        client.setTimeout(max(1, round(self.timeout)))
        client.setReturnFormat(N3 if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        body = self._fetch(client)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult.of_graph(self._graph(body))
        return self._results(body)

    def _fetch(self, client: SPARQLWrapper) -> bytes:
        try:
            raw = client.query().response.read()
        except TimeoutError:
            raise QueryError(
                f"no answer from {self.endpoint} within {self.timeout:g} s",
                hint="try again later or raise --timeout",
            ) from None
        except urllib.error.URLError as err:
            raise QueryError(
                f"cannot reach SPARQL endpoint {self.endpoint}: {err.reason}",
                hint="check the URL and that the server is running",
            ) from None
        except SPARQLWrapperException as err:
            first = str(err).strip().splitlines()[0]
            raise QueryError(f"the endpoint {self.endpoint} refused the query: {first}") from None
        return bytes(raw)

    def _timed_out(self) -> QueryError:
        return QueryError(
            f"no answer from {self.endpoint} within {self.timeout:g} s",
            hint="try again later or raise --timeout",
        )

    def _results(self, body: bytes) -> QueryResult:
        try:
            data = json.loads(body)
            if "boolean" in data:
                return QueryResult.ask(bool(data["boolean"]))
            variables = data["head"]["vars"]
            rows = [
                {k: from_json_term(v) for k, v in b.items()} for b in data["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise QueryError(
                f"{self.endpoint} did not answer with SPARQL JSON results",
                hint="is this the query URL of a SPARQL endpoint?",
            ) from None
        return QueryResult.select(variables, rows)

    def _graph(self, body: bytes) -> Graph:
        try:
            return Graph().parse(data=body, format="turtle")
        except Exception:
            raise QueryError(
                f"{self.endpoint} did not answer with RDF (Turtle)",
                hint="is this the query URL of a SPARQL endpoint?",
            ) from None


def from_json_term(term: Mapping[str, str]) -> Identifier:
    """The rdflib term for a term of the SPARQL JSON results format."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return Literal(value, lang=canonical_language(term["xml:lang"]))
        datatype = term.get("datatype")
        return Literal(
            value, datatype=None if datatype in (None, str(XSD.string)) else URIRef(datatype)
        )
    if kind == "triple":
        raise ValueError("quoted triples are not supported")
    raise ValueError(f"unknown term type {kind!r}")


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query form keyword after the prologue."""
    body = re.sub(r"#[^\n]*", "", text)
    body = re.sub(r"<[^>\s]*>", "<>", body)
    match = QUERY_FORM.search(body)
    if not match:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match.group(1).upper()


def with_values(text: str, bindings: Bindings) -> str:
    """The query with a VALUES block for ``bindings`` opening its outermost WHERE group."""
    if not bindings:
        return text
    match = WHERE_BRACE.search(text)
    if not match:
        raise QueryError("a parameterised query needs an explicit 'WHERE {' to bind into")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    values = f" VALUES ({names}) {{ ({terms}) }} "
    return text[: match.end()] + values + text[match.end() :]


def engine_for(
    kg: KnowledgeGraph | None, name: str = "oxigraph", endpoint: str | None = None
) -> Engine:
    """An engine by name, or a RemoteEngine when ``endpoint`` is given."""
    if endpoint:
        return RemoteEngine(endpoint)
    if kg is None:
        raise QueryError("no graph to query", hint="load one or give --endpoint")
    if name == "rdflib":
        return RdflibEngine(kg)
    if name == "oxigraph":
        return OxigraphEngine(kg)
    raise QueryError(f"unknown engine {name!r}", hint=f"use one of {', '.join(ENGINES)}")


__all__ = [
    "ENGINES",
    "RDF",
    "Engine",
    "OxigraphEngine",
    "RdflibEngine",
    "RemoteEngine",
    "engine_for",
]
