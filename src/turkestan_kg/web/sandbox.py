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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn, TypeAlias, TypeVar

from rdflib import Graph

from ..errors import TkgError
from ..sparql.results import QueryResult

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Identifier

LOG = logging.getLogger("turkestan_kg")
Item = TypeVar("Item")
Kept = TypeVar("Kept")


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


Dataset = tuple[tuple[str, ...], tuple[str, ...], str | None]
"""(default graph IRIs, named graph IRIs, base IRI) of a query, as the protocol gave them."""
Request: TypeAlias = tuple[str, int, Dataset]
"""What the server sends a worker: (query text, row limit, dataset)."""
Triple: TypeAlias = tuple["Identifier", "Identifier", "Identifier"]
Rows: TypeAlias = list[dict[str, "Identifier"]]
Answer: TypeAlias = (
    tuple[Literal["select"], tuple[list[str], Rows]]
    | tuple[Literal["ask"], bool]
    | tuple[Literal["graph"], list[Triple]]
    | tuple[Literal["error"], tuple[int, str]]
)
"""What a worker sends back: rows, a boolean, triples, or an error's (status, text)."""
Ready: TypeAlias = tuple[Literal["ready"], bool]
"""What a worker says once, when it can take queries: whether it is off the network."""


def _serve(conn: Connection[Answer | Ready, Request], source: bytes | Path, memory: int) -> None:
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


class _TooMany(Exception):
    """The query returns more results than the limit allows."""


def _query(
    store: ox.Store, text: str, dataset: Dataset
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """The store's answer on a protocol dataset (ValueError for a bad IRI)."""
    import pyoxigraph as ox

    default, named, base = dataset
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(i) for i in default]
    names: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri in named]
    return store.query(
        text, base_iri=base, default_graph=graphs or None, named_graphs=names or None
    )


def _answer(store: ox.Store, text: str, max_results: int, dataset: Dataset) -> Answer:
    """("select", (vars, rows)), ("ask", bool), ("graph", triples) or ("error", (status, text))."""
    try:
        return _evaluate(store, text, max_results, dataset)
    except _TooMany:
        return ("error", (413, f"the query returns more than {max_results} results; add a LIMIT"))
    except SyntaxError as err:
        return ("error", (400, f"not a SPARQL query (this endpoint is read-only): {err}"))
    except (OSError, ValueError, RuntimeError) as err:
        return ("error", (400, f"the query failed: {err}"))
    except Exception as err:  # whatever a query does, the worker answers and lives on
        return ("error", (500, f"the query could not be answered: {err}"))


def _evaluate(store: ox.Store, text: str, max_results: int, dataset: Dataset) -> Answer:
    """The query's answer as the worker sends it (_TooMany past ``max_results``)."""
    import pyoxigraph as ox

    from ..graph.terms import from_oxigraph_term as term

    answer = _query(store, text, dataset)
    if isinstance(answer, ox.QueryBoolean):
        return ("ask", bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = _capped(
            answer, lambda t: (term(t.subject), term(t.predicate), term(t.object)), max_results
        )
        return ("graph", triples)
    variables = [v.value for v in answer.variables]
    rows = _capped(
        answer, lambda s: {v: term(s[v]) for v in variables if s[v] is not None}, max_results
    )
    return ("select", (variables, rows))


def _capped(items: Iterable[Item], convert: Callable[[Item], Kept], most: int) -> list[Kept]:
    """Each item converted; _TooMany, before converting it, at the item past ``most``."""
    kept: list[Kept] = []
    for item in items:
        if len(kept) >= most:
            raise _TooMany
        kept.append(convert(item))
    return kept


Worker: TypeAlias = tuple[BaseProcess, "Connection[Request, Answer]"]
"""A worker process and the server's end of its pipe."""


class QueryPool:
    """A few worker processes that run queries, one at a time each."""

    def __init__(
        self, source: bytes | Path, *, workers: int = 2, limits: Limits = Limits()
    ) -> None:
        self.source = source
        self.limits = limits
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._replacements: list[threading.Thread] = []
        self.isolated = False
        for _ in range(workers):
            self._idle.put(self._start())

    def _start(self) -> Worker:
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
            self._stop(process)
        try:
            answer = conn.recv()
        except (EOFError, OSError):  # the worker died: replace it, answer this one request
            self._died(process)
        self._idle.put((process, conn))
        return _result(answer)

    def _stop(self, process: BaseProcess) -> NoReturn:
        """End a worker that ran too long; a fresh one takes its place in the background."""
        process.kill()
        replacement = threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True)
        replacement.start()
        self._replacements.append(replacement)
        raise SandboxError(
            f"the query ran longer than {self.limits.timeout:g} s and was stopped", 503
        )

    def _died(self, process: BaseProcess) -> NoReturn:
        """Replace a worker that died, and say why if it was the memory limit."""
        process.kill()
        process.join(timeout=5)
        self._idle.put(self._start())
        if process.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
            raise SandboxError(
                f"the query needed more than {self.limits.memory:,} bytes and was stopped", 503
            ) from None
        raise SandboxError("the query stopped its worker; it was replaced", 500) from None

    def close(self) -> None:
        for replacement in self._replacements:
            replacement.join(timeout=30)
        while not self._idle.empty():
            process, conn = self._idle.get_nowait()
            conn.close()
            process.kill()


def _result(answer: Answer) -> QueryResult:
    """A worker's answer as a result, or its error as SandboxError."""
    if answer[0] == "error":
        code, message = answer[1]
        raise SandboxError(message, code)
    if answer[0] == "ask":
        return QueryResult.ask(answer[1])
    if answer[0] == "graph":
        graph = Graph()
        for triple in answer[1]:
            graph.add(triple)
        return QueryResult.of_graph(graph)
    variables, rows = answer[1]
    return QueryResult.select(variables, rows)
