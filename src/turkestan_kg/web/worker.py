"""A SPARQL worker's whole job: a client's query text in, the answer's bytes out.

The server's main process never parses a query. It sends the text, the dataset the protocol
gave and the media types the client accepts; the worker (a process with no network and a
capped memory, :mod:`turkestan_kg.confine`) parses the query with Oxigraph's own parser, refuses what
the endpoint does not run, evaluates it, and writes the answer with Oxigraph's writers into
a buffer bounded in bytes, counting rows too. Whatever a query does, the worker answers
with a status, a media type and a body, and lives on.

``SERVICE`` is decided on a parse tree: a query whose text cannot hold the keyword (no
``service`` in any case and no ``\\u`` escape, which SPARQL expands before parsing) cannot
hold the pattern, so it goes straight to Oxigraph; any other is parsed by rdflib's grammar
here in the worker and refused if its tree has a ``SERVICE`` pattern (:mod:`.policy`).

>>> might_name_service("SELECT * { ?s ?p ?o }")
False
>>> might_name_service("SELECT * { \\\\u0053ERVICE <http://127.0.0.1:9/> { } }")
True
"""

from __future__ import annotations

import functools
import io
import itertools
import signal
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import TkgError
from ..formats import graph_formats, rdf_by_media_type, results_by_media_type, w3c_results_formats
from ..namespaces import PREFIXES
from ..sparql.functions import oxigraph_functions
from ..sparql.policy import might_name_service
from .jobs import READY, Bounds, Job, Reply, Setup
from .lanes import Lanes, Stacks

if TYPE_CHECKING:
    import pyoxigraph as ox
    from typing_extensions import Buffer


class TooLarge(Exception):
    """The answer grew past its bound (rows or bytes): the message says which."""

    @classmethod
    def bytes(cls, size: int) -> TooLarge:
        return cls(f"the answer is over {size:,} bytes; add a LIMIT")


class Bounded(io.BytesIO):
    """A binary output that refuses to grow past ``size`` bytes."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def write(self, data: Buffer) -> int:
        if self.tell() + len(memoryview(data)) > self.size:
            raise TooLarge.bytes(self.size)
        return super().write(data)


def result_types() -> list[str]:
    """The media types SELECT and ASK answers are offered in, best first (the first is what
    ``*/*`` gets), then the formats' aliases."""
    formats = w3c_results_formats()
    return [f.media_type for f in formats] + [alias for f in formats for alias in f.aliases]


def not_acceptable(form: Literal["results", "graph"]) -> Reply:
    """406 for a client that accepts no format of the answer's ``form``, naming them."""
    if form == "results":
        return Reply.error(406, f"results are available as {', '.join(result_types())}")
    offers = ", ".join(f.media_type for f in graph_formats())
    return Reply.error(406, f"graph results are available as {offers}")


def serve(conn: Connection[bytes, bytes], source: bytes | Path | None, setup: Setup) -> None:
    """A worker's life (the target of its process): answer jobs until the pipe closes, up to
    ``setup.slots`` at once. ``source`` is N-Quads to load into memory (None: they come
    first on the pipe), or an on-disk store's folder to open read-only; the worker holds at
    most ``setup.memory`` bytes of data, its threads' stacks included. Ctrl-C and SIGTERM
    are left to the server, which stops its workers."""
    import pyoxigraph as ox

    from ..confine import isolate, limit_memory
    from ..sparql.functions import name_score

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if source is None:
        source = conn.recv_bytes()
    limit_memory(setup.memory)
    isolated = isolate()  # before any query: no network from here on
    if isinstance(source, Path):
        store = ox.Store.read_only(str(source))
    else:
        store = ox.Store()
        store.load(source, format=ox.RdfFormat.N_QUADS)
    name_score("a", "a")  # the name matcher's libraries loaded before the first query needs them
    _quiet_stderr()  # an allocation past the limit aborts with a message; the server says it
    stacks = Stacks.within(setup.memory, setup.slots)
    sys.setrecursionlimit(max(1_000, stacks.deep // 4_096))  # rdflib's grammar recurses
    lanes = Lanes(conn, functools.partial(answer, store, setup=setup))
    lanes.start(stacks, setup.slots)
    conn.send_bytes(READY[isolated])
    lanes.ended.wait()


def _quiet_stderr() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def answer(store: ox.Store, job: Job, setup: Setup) -> Reply:
    """The job's reply: its answer, or an error with the HTTP status to send.

    >>> import pyoxigraph as ox
    >>> answer(ox.Store(), Job("ASK {}"), Setup()).body
    b'{"head":{},"boolean":true}'
    >>> answer(ox.Store(), Job("SELECT * { SERVICE <http://127.0.0.1:9/> {} }"), Setup()).status
    400
    """
    try:
        if (refused := refusal(job.text, parse=job.check_only)) is not None:
            return Reply.error(400, refused)
        if job.check_only:
            return Reply(200, "text/plain", b"")
        return _evaluate(store, job, setup)
    except TooLarge as err:
        return Reply.error(413, str(err))
    except SyntaxError as err:
        return Reply.error(400, f"not a SPARQL query (this endpoint is read-only): {err}")
    except RecursionError:
        return Reply.error(400, "the query is nested too deeply to be checked")
    except TkgError as err:
        return Reply.error(400, f"the answer could not be written: {err.message}")
    except (OSError, ValueError, RuntimeError) as err:
        return Reply.error(400, f"the query failed: {err}")
    except Exception as err:  # whatever a query does, the worker answers and lives on
        return Reply.error(500, f"the query could not be answered: {type(err).__name__}")


def refusal(text: str, *, parse: bool = False) -> str | None:
    """Why the endpoint does not run ``text`` (a SERVICE pattern, or a text that could hold
    one and cannot be parsed to check), or None. With ``parse``, every text is parsed (for
    a store elsewhere, which this worker does not run the query on: an update or a text
    that does not parse is refused here too)."""
    if not parse and not might_name_service(text):
        return None
    from ..sparql.policy import Unchecked, federated

    try:
        if federated(text):
            return "SERVICE is not allowed: this endpoint never fetches other URLs"
    except Unchecked as err:
        return f"not a SPARQL 1.1 query this endpoint can check: {err}"
    return None


def _evaluate(store: ox.Store, job: Job, setup: Setup) -> Reply:
    import pyoxigraph as ox

    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(iri) for iri in job.default_graphs
    ]
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri in job.named_graphs]
    found = store.query(
        job.text,
        base_iri=job.base_iri,
        default_graph=default or None,
        named_graphs=named or None,
        custom_functions=oxigraph_functions(),
    )
    if isinstance(found, ox.QueryTriples):
        return _graph(found, job.graph_media, setup)
    return _results(found, job.results_media, setup.bounds)


def _results(
    found: ox.QuerySolutions | ox.QueryBoolean, media: str | None, bounds: Bounds
) -> Reply:
    """SELECT or ASK results in ``media``. They are written as SPARQL JSON first, bounded
    in bytes; the rows are counted by reading that back, and another format is written from
    it (CSV cannot be read back, so nothing is counted on it)."""
    import pyoxigraph as ox

    if media is None:
        return not_acceptable("results")
    fmt = results_by_media_type(media)
    json = Bounded(bounds.size)
    found.serialize(json, format=ox.QueryResultsFormat.JSON)
    body = json.getvalue()
    if isinstance(found, ox.QuerySolutions) and not _few(body, bounds.rows):
        rows = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(rows, ox.QuerySolutions)
        if sum(1 for _ in itertools.islice(rows, bounds.rows + 1)) > bounds.rows:
            raise TooLarge(f"the query returns more than {bounds.rows} results; add a LIMIT")
    if fmt.oxigraph_name is None:  # a format of the registry's own: its writer writes it
        from ..remote.sparql import select_results
        from ..sparql.results import render

        body = _within(render(select_results(body), fmt.name).encode(), bounds.size)
    elif fmt.oxigraph() != ox.QueryResultsFormat.JSON:
        out = Bounded(bounds.size)
        ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(
            out, format=fmt.oxigraph()
        )
        body = out.getvalue()
    return Reply(200, fmt.media_type, body)


def _few(json: bytes, rows: int) -> bool:
    """Whether SPARQL JSON results of this length are sure to hold at most ``rows`` rows,
    without reading them: each row takes at least three bytes (``{}`` and a comma).

    >>> three = b'{"head":{"vars":[]},"results":{"bindings":[{},{},{}]}}'
    >>> _few(three, 100), _few(three, 3)
    (True, False)
    """
    return len(json) < 3 * (rows + 1) - 1


def _within(body: bytes, size: int) -> bytes:
    if len(body) > size:
        raise TooLarge.bytes(size)
    return body


def _graph(found: ox.QueryTriples, media: str | None, setup: Setup) -> Reply:
    """CONSTRUCT or DESCRIBE triples in ``media``: by Oxigraph's writer, with the project's
    prefixes, for the formats rdflib would otherwise write; else by the registry's writer
    for the format (JSON-LD is compacted with the site's context), from the triples."""
    import pyoxigraph as ox

    from ..formats import RDFLIB_WRITER

    if media is None:
        return not_acceptable("graph")
    fmt = rdf_by_media_type(media)
    direct = fmt.writer == RDFLIB_WRITER and fmt.oxigraph_name is not None
    out = Bounded(setup.bounds.size)
    written = fmt.oxigraph() if direct else ox.RdfFormat.N_TRIPLES
    triples = _at_most(found, setup.bounds.rows)
    ox.serialize(triples, out, format=written, prefixes=dict(PREFIXES))
    if direct:
        return Reply(200, fmt.media_type, out.getvalue())
    from rdflib import Graph

    from ..namespaces import bind_prefixes
    from .views import serialize_graph

    graph = bind_prefixes(Graph().parse(data=out.getvalue(), format="nt"))
    body = serialize_graph(graph, fmt.media_type, setup.context)
    return Reply(200, fmt.media_type, _within(body, setup.bounds.size))


def _at_most(triples: ox.QueryTriples, rows: int) -> Iterator[ox.Triple]:
    for count, triple in enumerate(triples):
        if count == rows:
            raise TooLarge(f"the query returns more than {rows} triples; add a LIMIT")
        yield triple
