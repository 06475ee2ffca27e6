"""`tkg serve --endpoint`: the pages and /sparql over a remote SPARQL store.

What the pages read from an on-disk store by index lookups (:mod:`.neighbourhood`) is asked
here in one query each: whether a node is mentioned, a node's statements with the blank
nodes below them (two levels: a tenure's period and the period's beginning) and the labels
of what they mention, and the IRIs that point at it. Client queries to /sparql are checked
as on any server (SERVICE and updates refused) and then sent on, with the same time limit
and result cap, the protocol's dataset parameters passed along.
"""

from __future__ import annotations

import asyncio
import urllib.parse

from rdflib import Graph, URIRef

from ..errors import TkgError
from ..namespaces import RDFS, SKOS, bind_prefixes
from ..remote.sparql import RemoteEngine
from ..sparql.results import QueryResult
from ..values import JsonObject
from .jobs import Job, Reply
from .neighbourhood import MAX_INCOMING, MAX_OUTGOING, View
from .sandbox import Limits, QueryPool, SandboxError, checked
from .worker import not_acceptable

LABELS = " ".join(f"<{p}>" for p in (SKOS.prefLabel, RDFS.label, "http://purl.org/dc/terms/title"))


class RemoteLookup:
    """A node's neighbourhood from a remote store: one CONSTRUCT per view, and a count that
    stops one past the cap to say whether the view was cut."""

    def __init__(self, engine: RemoteEngine) -> None:
        self.engine = engine

    def exists(self, node: URIRef) -> bool:
        query = f"ASK {{ {{ {node.n3()} ?p ?o }} UNION {{ ?s ?p {node.n3()} }} }}"
        return bool(self.engine.run(query, {}).boolean)

    def outgoing(self, node: URIRef, limit: int = MAX_OUTGOING) -> View:
        n = node.n3()
        query = f"""CONSTRUCT {{
  {n} ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?p ?lpp ?lp . ?o ?lop ?lo . {n} ?lnp ?ln
}} WHERE {{
  {{ SELECT ?p ?o WHERE {{ {n} ?p ?o }} LIMIT {limit} }}
  OPTIONAL {{
    ?o ?p2 ?o2 . FILTER (isBlank(?o))
    OPTIONAL {{ ?o2 ?p3 ?o3 . FILTER (isBlank(?o2)) }}
  }}
  OPTIONAL {{ VALUES ?lpp {{ {LABELS} }} ?p ?lpp ?lp }}
  OPTIONAL {{ VALUES ?lop {{ {LABELS} }} ?o ?lop ?lo }}
  OPTIONAL {{ VALUES ?lnp {{ {LABELS} }} {n} ?lnp ?ln }}
}}"""
        graph = bind_prefixes(_graph(self.engine.run(query, {})))
        return View(graph, self._more_than(f"{n} ?p ?o", limit))

    def incoming(self, node: URIRef, limit: int = MAX_INCOMING) -> View:
        n = node.n3()
        query = f"""CONSTRUCT {{ ?s ?p {n} . ?s ?lp ?l . ?p ?lp2 ?pl }} WHERE {{
  {{ SELECT ?s ?p WHERE {{ ?s ?p {n} FILTER (isIRI(?s)) }} LIMIT {limit} }}
  OPTIONAL {{ VALUES ?lp {{ {LABELS} }} ?s ?lp ?l }}
  OPTIONAL {{ VALUES ?lp2 {{ {LABELS} }} ?p ?lp2 ?pl }}
}}"""
        graph = _graph(self.engine.run(query, {}))
        return View(graph, self._more_than(f"?s ?p {n} FILTER (isIRI(?s))", limit))

    def _more_than(self, pattern: str, limit: int) -> bool:
        """Whether ``pattern`` has more than ``limit`` matches (counting no further)."""
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} "
            f"LIMIT {limit + 1} }} }}"
        )
        return int(str(self.engine.run(query, {}).rows[0]["n"])) > limit


def _graph(result: QueryResult) -> Graph:
    return result.graph if result.graph is not None else Graph()


class RemotePool:
    """What /sparql runs client queries with, on a remote store: the same interface and
    limits as the worker pool (:class:`.sandbox.QueryPool`). A worker checks the query
    (this process parses none), then it is sent on."""

    def __init__(self, endpoint: str, limits: Limits, context: JsonObject) -> None:
        self.endpoint = endpoint
        self.limits = limits
        self.context = context
        self.checker = QueryPool(b"", workers=1, limits=limits)
        self.isolated = False  # the store runs the queries, not a worker here

    @property
    def capacity(self) -> int:
        """Queries taken at once: those the checker takes."""
        return self.checker.capacity

    def answer(self, job: Job) -> Reply:
        self.checker.answer(Job(job.text, check_only=True))
        dataset = [("default-graph-uri", g) for g in job.default_graphs]
        dataset += [("named-graph-uri", g) for g in job.named_graphs]
        url = self.endpoint
        if dataset:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(dataset)
        engine = RemoteEngine(url, timeout=self.limits.timeout, retries=0)
        try:
            result = engine.run(job.text, {})
        except TkgError as err:
            raise SandboxError(f"the store could not answer: {err.message}", 502) from None
        size = len(result.rows) if result.kind == "select" else len(result.graph or ())
        if size > self.limits.max_results:
            raise SandboxError(
                f"the query returns more than {self.limits.max_results} results; add a LIMIT", 413
            )
        return self._written(result, job)

    def _written(self, result: QueryResult, job: Job) -> Reply:
        """``result`` in the media type the job asks for its form (406 if none)."""
        from ..formats import results_by_media_type
        from ..sparql.results import render
        from .views import serialize_graph

        if result.kind == "graph":
            if job.graph_media is None:
                return checked(not_acceptable("graph"))
            graph = bind_prefixes(_graph(result))
            body = serialize_graph(graph, job.graph_media, self.context)
            return Reply(200, job.graph_media, body)
        if job.results_media is None:
            return checked(not_acceptable("results"))
        fmt = results_by_media_type(job.results_media)
        return Reply(200, fmt.media_type, render(result, fmt.name).encode())

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """The checker's replies read on ``loop`` (:meth:`.sandbox.QueryPool.attach`)."""
        self.checker.attach(loop)

    def stop(self) -> int:
        """Queries sent on are not stopped here: each ends by the store's time limit."""
        return self.checker.stop()

    def close(self) -> None:
        self.checker.close()
