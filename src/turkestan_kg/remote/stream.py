"""Stream a big N-Triples file into a graph of a remote store, all or nothing.

The file is parsed as it is read (pyoxigraph's streaming parser, so a syntax error is found
where it is, with its line) and sent in chunks with Graph Store Protocol ``POST``s into a
staging graph of its own; when every chunk is in, one SPARQL 1.1 Update ``MOVE`` replaces the
target graph with the staging graph. A store runs an update as one transaction, so the
target graph is either the whole file or what it was before: a syntax error, a refused
chunk, a lost connection or Ctrl-C drops the staging graph and leaves the target as it was.

Blank nodes cannot cross requests (each ``POST`` is a document of its own, and a label means
a new node in each), so each is sent as a well-known genid IRI (RDF 1.1, section 3.5), made
from the target graph and the node's label: the file's structure is kept exactly.

>>> skolem("https://w3id.org/turkestan-kg/graph/roll", "b12")[-40:]
'll-known/genid/load-ffb9793d792725d4-b12'
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TkgError
from ..formats import FORMATS
from ..namespaces import BASE
from .graphstore import PublishError, post, target_url, update

if TYPE_CHECKING:
    import pyoxigraph as ox

CHUNK = 50_000  # triples per POST
NTRIPLES = FORMATS["ntriples"].media_type
LOG = logging.getLogger("turkestan_kg")


@dataclass(frozen=True)
class StreamResult:
    """What was loaded where."""

    graph: str
    triples: int
    chunks: int


def skolem(graph: str, label: str) -> str:
    """The genid IRI a blank node of a file loaded into ``graph`` is sent as."""
    digest = hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"{BASE}.well-known/genid/load-{digest}-{label}"


def stream_file(
    path: Path,
    store: str,
    graph: str,
    update_url: str,
    *,
    chunk: int = CHUNK,
    timeout: float = 60.0,
    progress: Callable[[int], None] = lambda n: None,
) -> StreamResult:
    """Replace ``graph`` in the store with the N-Triples file at ``path``; ``progress`` is
    told of the bytes of the file read after each chunk is sent (the file size in all)."""
    staging = f"{BASE}.well-known/genid/staging-{uuid.uuid4().hex}"
    sent = chunks = read = 0
    posted = False  # nothing to clean up in the store until a chunk has been sent
    try:
        for body, count, position in _chunks(path, graph, chunk):
            posted = True
            post(target_url(store, staging), body, NTRIPLES, timeout=timeout)
            sent, chunks = sent + count, chunks + 1
            progress(position - read)
            read = position
        update(update_url, f"MOVE SILENT <{staging}> TO <{graph}>", timeout=timeout)
    except BaseException:
        if posted:
            _drop(update_url, staging, timeout)
        raise
    return StreamResult(graph, sent, chunks)


def _chunks(path: Path, graph: str, size: int) -> Iterator[tuple[bytes, int, int]]:
    """The file as N-Triples documents of at most ``size`` triples, blank nodes skolemized,
    each with its triple count and how far into the file the parser has read."""
    import pyoxigraph as ox

    batch: list[ox.Triple] = []
    with path.open("rb") as stream:
        try:
            for triple in ox.parse(stream, format=ox.RdfFormat.N_TRIPLES):
                batch.append(_skolemized(triple, graph))
                if len(batch) == size:
                    yield _ntriples(batch), len(batch), stream.tell()
                    batch = []
        except SyntaxError as err:
            raise TkgError(
                f"{path} is not N-Triples: {str(err).splitlines()[0]}",
                hint="fix the file; the graph in the store was not changed",
            ) from None
        end = stream.tell()
    if batch:
        yield _ntriples(batch), len(batch), end


def _ntriples(triples: list[ox.Triple]) -> bytes:
    import pyoxigraph as ox

    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert body is not None  # with no output given, serialize returns the bytes
    return body


def _skolemized(triple: ox.Triple, graph: str) -> ox.Triple:
    import pyoxigraph as ox

    subject, value = triple.subject, triple.object
    if isinstance(subject, ox.BlankNode):
        subject = ox.NamedNode(skolem(graph, subject.value))
    if isinstance(value, ox.BlankNode):
        value = ox.NamedNode(skolem(graph, value.value))
    return ox.Triple(subject, triple.predicate, value)


def _drop(update_url: str, staging: str, timeout: float) -> None:
    """Remove the staging graph; a store that cannot be reached keeps it (named in the log)."""
    try:
        update(update_url, f"DROP SILENT GRAPH <{staging}>", timeout=timeout)
    except PublishError as err:
        LOG.warning("could not drop the staging graph <%s>: %s", staging, err)
