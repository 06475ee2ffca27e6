"""What passes between the server and a SPARQL worker (:mod:`.worker`): the job the
server sends, numbered, and the reply the worker sends back, with the bounds and set-up it
is given once."""

from __future__ import annotations

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
