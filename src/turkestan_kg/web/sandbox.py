"""Run untrusted SPARQL in worker processes that can be stopped.

Each worker holds its own Oxigraph store, loaded from the same N-Quads as the embedded
engine, or opens the same on-disk store read-only. A query that runs past its time limit
is stopped by ending its worker (a thread cannot be stopped; a process can), and a fresh
worker takes its place, so the server keeps serving and no runaway query keeps a core
busy. Results past the row limit are refused.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Graph

from ..errors import TkgError
from ..sparql.results import QueryResult

LOG = logging.getLogger("turkestan_kg")


class SandboxError(TkgError):
    """A query was refused or stopped: ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    """How long a query may run, and how many rows or triples it may return."""

    timeout: float = 10.0
    max_results: int = 10_000
    memory: int = 2 * 1024**3
    """Bytes of data a worker may hold (its store included); past it, the query's worker
    ends and is replaced, and the request gets a 503."""


def _serve(conn: Connection, source: bytes | Path, memory: int) -> None:
    """Worker loop: answer (query, max_results) requests until the pipe closes. ``source``
    is N-Quads to load into memory, or the directory of an on-disk store to open read-only.
    The worker leaves Ctrl-C to the server (which stops it), and holds at most ``memory``
    bytes of data."""
    import pyoxigraph as ox

    from .confine import isolate, limit_memory

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(memory)
    isolated = isolate()  # before any query: no network from here on
    if isinstance(source, Path):
        store = ox.Store.read_only(str(source))
    else:
        store = ox.Store()
        store.load(source, format=ox.RdfFormat.N_QUADS)
    conn.send(("ready", isolated))
    _quiet_stderr()  # an allocation past the limit aborts with a message; the server says it

    while True:
        try:
            text, max_results, dataset = conn.recv()
        except EOFError:
            return
        conn.send(_answer(store, text, max_results, dataset))


def _quiet_stderr() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


Dataset = tuple[tuple[str, ...], tuple[str, ...], str | None]
"""(default graph IRIs, named graph IRIs, base IRI) of a query, as the protocol gave them."""


def _options(dataset: Dataset) -> dict[str, Any]:
    """pyoxigraph's query options for a protocol dataset (ValueError for a bad IRI)."""
    import pyoxigraph as ox

    default, named, base = dataset
    options: dict[str, Any] = {"base_iri": base}
    if default:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default]
    if named:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named]
    return options


def _answer(store: Any, text: str, max_results: int, dataset: Dataset) -> tuple[str, Any]:
    """("select", (vars, rows)), ("ask", bool), ("graph", triples) or ("error", (status, text))."""
    import pyoxigraph as ox

    from ..graph.terms import from_oxigraph_term as term

    too_many = ("error", (413, f"the query returns more than {max_results} results; add a LIMIT"))
    try:
        answer = store.query(text, **_options(dataset))
        if isinstance(answer, ox.QueryBoolean):
            return ("ask", bool(answer))
        if isinstance(answer, ox.QueryTriples):
            triples: list[tuple[Any, Any, Any]] = []
            for t in answer:
                if len(triples) >= max_results:
                    return too_many
                triples.append((term(t.subject), term(t.predicate), term(t.object)))
            return ("graph", triples)
        variables = [v.value for v in answer.variables]
        rows: list[dict[str, Any]] = []
        for solution in answer:
            if len(rows) >= max_results:
                return too_many
            rows.append({v: term(solution[v]) for v in variables if solution[v] is not None})
        return ("select", (variables, rows))
    except SyntaxError as err:
        return ("error", (400, f"not a SPARQL query (this endpoint is read-only): {err}"))
    except (OSError, ValueError, RuntimeError) as err:
        return ("error", (400, f"the query failed: {err}"))
    except Exception as err:  # whatever a query does, the worker answers and lives on
        return ("error", (500, f"the query could not be answered: {err}"))


class QueryPool:
    """A few worker processes that run queries, one at a time each."""

    def __init__(
        self, source: bytes | Path, *, workers: int = 2, limits: Limits = Limits()
    ) -> None:
        self.source = source
        self.limits = limits
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[tuple[Any, Connection]] = queue.Queue()
        self._replacements: list[threading.Thread] = []
        self.isolated = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child, self.source, self.limits.memory), daemon=True
        )
        process.start()
        child.close()
        _, self.isolated = parent.recv()  # ("ready", whether the worker is off the network)
        if not self.isolated:
            LOG.warning("SPARQL workers could not be taken off the network on this system")
        return process, parent

    def run(
        self,
        text: str,
        *,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        base_iri: str | None = None,
    ) -> QueryResult:
        """The query's result, or SandboxError with the HTTP status to answer."""
        try:
            process, conn = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise SandboxError("the server is busy; try again", 503) from None
        conn.send((text, self.limits.max_results, (default_graphs, named_graphs, base_iri)))
        if not conn.poll(self.limits.timeout):
            process.kill()
            replacement = threading.Thread(
                target=lambda: self._idle.put(self._start()), daemon=True
            )
            replacement.start()
            self._replacements.append(replacement)
            raise SandboxError(
                f"the query ran longer than {self.limits.timeout:g} s and was stopped", 503
            )
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):  # the worker died: replace it, answer this one request
            process.kill()
            process.join(timeout=5)
            self._idle.put(self._start())
            if process.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
                raise SandboxError(
                    f"the query needed more than {self.limits.memory:,} bytes and was stopped",
                    503,
                ) from None
            raise SandboxError("the query stopped its worker; it was replaced", 500) from None
        self._idle.put((process, conn))
        if kind == "error":
            code, message = value
            raise SandboxError(message, code)
        if kind == "ask":
            return QueryResult.ask(value)
        if kind == "graph":
            graph = Graph()
            for triple in value:
                graph.add(triple)
            return QueryResult.of_graph(graph)
        variables, rows = value
        return QueryResult.select(variables, rows)

    def close(self) -> None:
        for replacement in self._replacements:
            replacement.join(timeout=30)
        while not self._idle.empty():
            process, conn = self._idle.get_nowait()
            conn.close()
            process.kill()
