"""A remote SPARQL 1.1 Protocol endpoint as an engine, through the project's one HTTP client
(:mod:`turkestan_kg.net`): a deadline, a size cap, retries, and every answer checked.

>>> from_json_term({"type": "literal", "value": "1921", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"})
rdflib.term.Literal('1921', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
>>> select_results(b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}').kind
'select'
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Collection, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from ..about import user_agent
from ..errors import EndpointError
from ..graph.terms import canonical_language
from ..namespaces import PREFIXES, XSD
from ..net import Client, Policy, Untrusted
from ..urls import http_url
from .results import QueryResult
from .text import Bindings, query_form, with_values

FORM = "application/x-www-form-urlencoded"
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "text/turtle, application/n-triples;q=0.9"
NOT_JSON = "did not answer with SPARQL JSON results"


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint, asked by POST (query form).

    Parameters are sent as a ``VALUES`` block of serialized RDF terms at the start of the
    outermost ``WHERE`` group, which is how pre-bound variables are written in SPARQL text.
    A 500 is the endpoint refusing the query (as Virtuoso does for a syntax error); 429, 502,
    503, 504, timeouts and broken connections are retried.
    """

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        client: Client | None = None,
    ) -> None:
        try:
            self.endpoint = http_url(endpoint)
        except ValueError as err:
            raise EndpointError(str(err), hint="give the endpoint's query URL") from None
        self.timeout = timeout
        policy = Policy(
            timeout=timeout,
            retries=retries,
            backoff=0.5,
            retry_status=frozenset({429, 502, 503, 504}),
        )
        self.client = client or Client(
            user_agent=user_agent(),
            policy=policy,
            error=EndpointError,
            name="SPARQL endpoint {url}",
        )

    def run(self, text: str, bindings: Bindings) -> QueryResult:
        query = prologue() + with_values(text, bindings)
        graph_form = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        headers = {"Accept": GRAPH_TYPES if graph_form else RESULTS_JSON, "Content-Type": FORM}
        content = urllib.parse.urlencode({"query": query}).encode("utf-8")
        check = turtle_graph if graph_form else select_results
        answer = self.client.fetch(
            "POST", self.endpoint, check, content=content, headers=headers, sent="query"
        )
        return virtuoso_ask(answer) if query_form(query) == "ASK" else answer


def virtuoso_ask(answer: QueryResult) -> QueryResult:
    """An ASK answer: Virtuoso 7 answers ASK in JSON as a SELECT of one variable,
    ``__ASK_RETVAL``, with a row holding 1 for true and no row for false.

    >>> from rdflib import Literal
    >>> virtuoso_ask(QueryResult.select(["__ASK_RETVAL"], [{"__ASK_RETVAL": Literal(1)}])).boolean
    True
    >>> virtuoso_ask(QueryResult.select(["__ASK_RETVAL"], [])).boolean
    False
    """
    if answer.kind == "select" and list(answer.variables) == ["__ASK_RETVAL"]:
        return QueryResult.ask(
            any(str(r.get("__ASK_RETVAL")) not in ("0", "") for r in answer.rows)
        )
    return answer


def prologue() -> str:
    """PREFIX lines for the project's prefixes, so queries sent to a remote endpoint may use
    them as the embedded engines allow (a query's own declarations come after and win)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def select_results(body: bytes, required: Collection[str] = ()) -> QueryResult:
    """SPARQL 1.1 JSON results (SELECT or ASK), checked for shape; Untrusted if not.
    ``required``: variables every row must bind."""
    data = _json(body)
    if isinstance(data.get("boolean"), bool) and "results" not in data:
        return QueryResult.ask(data["boolean"])
    head, results = data.get("head"), data.get("results")
    variables = head.get("vars") if isinstance(head, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(variables, list) or not _strings(variables) or not isinstance(bindings, list):
        raise Untrusted(f"{NOT_JSON}: no head.vars or results.bindings")
    rows = [_row(b) for b in bindings]
    for row in rows:
        if missing := [v for v in required if v not in row]:
            raise Untrusted(f"{NOT_JSON}: a row lacks {', '.join('?' + v for v in missing)}")
    return QueryResult.select(variables, rows)


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        tail = body[-80:].decode("utf-8", "replace").strip().replace("\n", " ")
        raise Untrusted(
            f"{NOT_JSON}: the answer was not complete SPARQL JSON (ends with {tail!r})"
        ) from None
    if not isinstance(data, dict):
        raise Untrusted(f"{NOT_JSON}: a JSON {type(data).__name__}, not an object")
    return data


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _row(binding: object) -> dict[str, Identifier]:
    if not isinstance(binding, dict):
        raise Untrusted(f"{NOT_JSON}: a binding that is not an object")
    try:
        return {str(k): from_json_term(v) for k, v in binding.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise Untrusted(f"{NOT_JSON}: {err}") from None


def turtle_graph(body: bytes) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer in Turtle (or N-Triples); Untrusted if it is not."""
    try:
        return QueryResult.of_graph(Graph().parse(data=body, format="turtle"))
    except Exception:  # rdflib's parsers raise many kinds; all mean "not Turtle"
        raise Untrusted("did not answer with RDF (Turtle)") from None


def from_json_term(term: Mapping[str, str]) -> Identifier:
    """The rdflib term for a term of the SPARQL JSON results format."""
    kind, value = term["type"], term["value"]
    if not isinstance(value, str):
        raise TypeError(f"a {kind} whose value is not a string")
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
