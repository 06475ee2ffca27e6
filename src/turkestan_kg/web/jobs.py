"""What passes between the server and a SPARQL worker (:mod:`.worker`): the job the
server sends, numbered, and the reply the worker sends back, with the bounds and set-up it
is given once; and how each is framed on the pipe between them (as ``multiprocessing``
frames a message, read here from whatever one read brought: several messages, or part of
one)."""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass, field
from typing import TypeAlias

from ..values import JsonObject


@dataclass(frozen=True)
class Job:
    """What the server asks a worker: a query, its dataset, and what the client accepts."""

    text: str
    results_media: str | None = "application/sparql-results+json"
    """The results format for SELECT and ASK (None: the client accepts none)."""
    graph_media: str | None = "application/n-triples"
    """The RDF format for CONSTRUCT and DESCRIBE (None: the client accepts none)."""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    check_only: bool = False
    """Only check the query (parse it, refuse SERVICE and updates), for a store elsewhere."""


@dataclass(frozen=True)
class Bounds:
    """What one answer may be: at most ``rows`` results and ``size`` bytes."""

    rows: int = 10_000
    size: int = 16 * 1024**2


@dataclass(frozen=True)
class Setup:
    """What a worker is given once: its answers' bounds, the memory it may hold, and the
    JSON-LD context graph answers are compacted with."""

    bounds: Bounds = Bounds()
    memory: int = 2 * 1024**3
    context: JsonObject = field(default_factory=dict)
    slots: int = 1
    """Queries the worker runs at once, each on its own thread (Oxigraph lets go of
    Python's lock while it evaluates, so a cheap query is not held up by a long one)."""


@dataclass(frozen=True)
class Reply:
    """A worker's answer: a status, a media type and the body (a one-line text on errors)."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain", message.encode())


Ready: TypeAlias = bool
"""What a worker sends once, when it can take jobs: whether it is off the network."""

Numbered: TypeAlias = tuple[int, Job]
"""A job as the pool sends it, numbered so that its reply can find its way back."""

Answered: TypeAlias = tuple[int, Reply]
"""A reply, with the number of its job."""


HEADER = struct.Struct("!i")
"""A message's length, as ``multiprocessing.connection`` frames it (-1: a longer length follows)."""
LONG_HEADER = struct.Struct("!Q")
CHUNK = 1 << 20
"""Bytes read from a pipe at a time."""


def framed(message: object) -> bytes:
    """``message`` pickled and framed as ``multiprocessing.connection`` frames it, so that
    either end may read it with ``Connection.recv`` or :func:`unframed`.

    >>> unframed(bytearray(framed((1, "a")) + framed((2, "b"))))
    [(1, 'a'), (2, 'b')]
    """
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    if len(data) > 0x7FFFFFFF:
        return HEADER.pack(-1) + LONG_HEADER.pack(len(data)) + data
    return HEADER.pack(len(data)) + data


def unframed(buffer: bytearray) -> list[object]:
    """The complete messages at the start of ``buffer``, taken out of it; a message cut in
    two stays until the rest is added.

    >>> buffer = bytearray(framed("whole") + framed("cut")[:-1])
    >>> unframed(buffer), len(buffer) > 0
    (['whole'], True)
    """
    messages: list[object] = []
    while len(buffer) >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer)
        start = HEADER.size
        if size == -1:
            if len(buffer) < start + LONG_HEADER.size:
                break
            (size,) = LONG_HEADER.unpack_from(buffer, start)
            start += LONG_HEADER.size
        if len(buffer) < start + size:
            break
        messages.append(pickle.loads(buffer[start : start + size]))
        del buffer[: start + size]
    return messages
