"""A remote SPARQL 1.1 Protocol endpoint as an engine, through SPARQLWrapper.

>>> from_json_term({"type": "literal", "value": "1921", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"})
rdflib.term.Literal('1921', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
"""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier
from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..about import user_agent
from ..errors import EndpointError
from ..graph.terms import canonical_language
from ..namespaces import XSD
from .results import QueryResult
from .text import Bindings, query_form, with_values


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
        client = SPARQLWrapper(self.endpoint, agent=user_agent())
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
            raise EndpointError(
                f"no answer from {self.endpoint} within {self.timeout:g} s",
                hint="try again later or raise --timeout",
            ) from None
        except urllib.error.URLError as err:
            raise EndpointError(
                f"cannot reach SPARQL endpoint {self.endpoint}: {err.reason}",
                hint="check the URL and that the server is running",
            ) from None
        except SPARQLWrapperException as err:
            first = str(err).strip().splitlines()[0]
            raise EndpointError(
                f"the endpoint {self.endpoint} refused the query: {first}"
            ) from None
        return bytes(raw)

    def _timed_out(self) -> EndpointError:
        return EndpointError(
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
            raise EndpointError(
                f"{self.endpoint} did not answer with SPARQL JSON results",
                hint="is this the query URL of a SPARQL endpoint?",
            ) from None
        return QueryResult.select(variables, rows)

    def _graph(self, body: bytes) -> Graph:
        try:
            return Graph().parse(data=body, format="turtle")
        except Exception:
            raise EndpointError(
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
