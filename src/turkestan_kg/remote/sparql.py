"""A remote SPARQL 1.1 Protocol endpoint as an engine, through the project's one HTTP client
(:mod:`turkestan_kg.remote.http`): a deadline, a size cap, retries, and every answer checked (SPARQL
JSON results are read by pyoxigraph's parser, which checks their shape and every term).

>>> from_json_term({"type": "literal", "value": "1921", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"})
rdflib.term.Literal('1921', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
>>> select_results(b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}').kind
'select'
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ..about import user_agent
from ..errors import EndpointError, QueryError
from ..formats import FORMATS, RESULTS_FORMATS, accept_header
from ..namespaces import PREFIXES
from ..sparql.engines import from_oxigraph
from ..sparql.results import QueryResult
from ..sparql.text import Bindings, projection, query_form, with_values
from .http import Client, Policy, Untrusted
from .urls import http_url

FORM = "application/x-www-form-urlencoded"
JSON_RESULTS = RESULTS_FORMATS["json"]
RESULTS_JSON = JSON_RESULTS.media_type
GRAPH_READS = (FORMATS["turtle"], FORMATS["ntriples"])
"""What a CONSTRUCT answer may come in: Turtle, or N-Triples (which is Turtle too)."""
GRAPH_TYPES = accept_header(*(f.media_type for f in GRAPH_READS))
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
        return self._checked(query, self._answer(query))

    def _answer(self, query: str) -> QueryResult:
        graph_form = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        headers = {"Accept": GRAPH_TYPES if graph_form else RESULTS_JSON, "Content-Type": FORM}
        content = urllib.parse.urlencode({"query": query}).encode("utf-8")
        check = turtle_graph if graph_form else select_results
        answer = self.client.fetch(
            "POST", self.endpoint, check, content=content, headers=headers, sent="query"
        )
        return virtuoso_ask(answer) if query_form(query) == "ASK" else answer

    def _checked(self, query: str, answer: QueryResult) -> QueryResult:
        """The answer, if it answers this query: its form, and a SELECT's variables."""
        form = query_form(query)
        expected = {"SELECT": "select", "ASK": "ask"}.get(form, "graph")
        asked = set(projection(query))
        got = set(answer.variables)
        if answer.kind != expected or (asked and got != asked):
            what = ", ".join(f"?{v}" for v in sorted(got)) or answer.kind
            raise EndpointError(
                f"SPARQL endpoint {self.endpoint} answered something else than the {form} "
                f"query it was sent ({what})",
                hint="check that the URL is the store's SPARQL query endpoint",
            )
        return answer


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
    """SPARQL 1.1 JSON results (SELECT or ASK) read by pyoxigraph, which checks their shape
    and every term; Untrusted if they are not that. ``required``: variables every row must
    bind."""
    read = _read(body)
    if isinstance(read, str):  # refused: read again as endpoints write it, or say why not
        read = _read(json.dumps(_as_pyoxigraph_reads(_json_object(body))).encode("utf-8"))
        if isinstance(read, str):
            raise Untrusted(f"{NOT_JSON}: {read}")
    _check_required(read, required)
    return read


def _check_required(read: QueryResult, required: Collection[str]) -> None:
    """Untrusted unless the head names every ``required`` variable (else it answers another
    query, even with no rows) and every row binds them."""
    if missing := [v for v in required if v not in read.variables]:
        raise Untrusted(f"{NOT_JSON}: its head names no {', '.join('?' + v for v in missing)}")
    for row in read.rows:
        if missing := [v for v in required if v not in row]:
            raise Untrusted(f"{NOT_JSON}: a row lacks {', '.join('?' + v for v in missing)}")


def _read(body: bytes) -> QueryResult | str:
    """The results pyoxigraph reads, or why it refuses them. Its objects are dropped here,
    in the thread that made them (they may not be dropped in another)."""
    try:
        return from_oxigraph(ox.parse_query_results(body, format=JSON_RESULTS.oxigraph()))
    except SyntaxError as err:
        return err.msg or str(err)
    except QueryError as err:  # a term rdflib cannot hold (a triple term)
        return err.message


def _json_object(body: bytes) -> dict[str, object]:
    """The answer as a JSON object; if it is not JSON at all, its end is shown (a cut-off
    answer is the usual cause)."""
    try:
        data = json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        tail = body[-80:].decode("utf-8", "replace").strip().replace("\n", " ")
        raise Untrusted(
            f"{NOT_JSON}: the answer was not complete SPARQL JSON (ends with {tail!r})"
        ) from None
    if not isinstance(data, dict):
        raise Untrusted(f"{NOT_JSON}: a JSON {type(data).__name__}, not an object")
    return data


def _as_pyoxigraph_reads(data: dict[str, object]) -> dict[str, object]:
    """An answer as endpoints write it, made what pyoxigraph's reader takes: only the members
    SPARQL JSON defines, the bindings last (it refuses any member after them, and QLever
    writes ``meta`` there), and blank node labels Turtle allows (Virtuoso writes
    ``nodeID://b1``; a label only names a node within one answer)."""
    kept: dict[str, object] = {k: data[k] for k in ("head", "boolean", "results") if k in data}
    results = kept.get("results")
    if isinstance(results, dict) and isinstance(bindings := results.get("bindings"), list):
        kept["results"] = {"bindings": [_relabelled(binding) for binding in bindings]}
    return kept


def _relabelled(binding: object) -> object:
    """A binding whose blank nodes are labelled by the hex digits of their labels."""
    if not isinstance(binding, dict):
        return binding
    return {name: _blank_label(term) for name, term in binding.items()}


def _blank_label(term: object) -> object:
    if not (isinstance(term, dict) and term.get("type") == "bnode"):
        return term
    label = term.get("value")
    return {**term, "value": "b" + label.encode().hex()} if isinstance(label, str) else term


def turtle_graph(body: bytes) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer in Turtle (or N-Triples); Untrusted if it is not."""
    try:
        return QueryResult.of_graph(Graph().parse(data=body, format=GRAPH_READS[0].rdflib_name))
    except Exception:  # rdflib's parsers raise many kinds; all mean "not Turtle"
        raise Untrusted("did not answer with RDF (Turtle)") from None


def from_json_term(term: Mapping[str, str]) -> Identifier:
    """The rdflib term for a term of the SPARQL JSON results format, read as the one binding
    of a one-row answer by :func:`select_results`."""
    body = {"head": {"vars": ["t"]}, "results": {"bindings": [{"t": term}]}}
    return select_results(json.dumps(body).encode("utf-8"), ("t",)).rows[0]["t"]
