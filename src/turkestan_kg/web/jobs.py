"""What passes between the server and a SPARQL worker (:mod:`.worker`): the job the
server sends, numbered, and the reply the worker sends back, with the bounds and set-up it
is given once; and how each is framed on the pipe between them (as ``multiprocessing``
frames a message, read here from whatever one read brought: several messages, or part of
one).

Nothing from a worker is unpickled: a worker runs clients' queries, so what it sends is
read as data, never as objects to rebuild. A reply is a number, a status, a media type and
the body's bytes, each in a fixed place (:func:`reply_message`, :func:`replies`); the ready
flag is one byte. A job goes the other way, from the server, pickled as a plain tuple.

>>> buffer = bytearray(reply_message(7, Reply(200, "text/csv", b"a,b")))
>>> replies(buffer)
[(7, Reply(status=200, media_type='text/csv', body=b'a,b'))]
>>> jobs(bytearray(job_message(8, Job("ASK {}"))))[0][1].text
'ASK {}'
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass, field
from typing import NamedTuple, TypeAlias

from ..formats import rdf_by_media_type, results_by_media_type
from ..values import JsonObject


class Job(NamedTuple):
    """What the server asks a worker: a query, its dataset, and what the client accepts
    (a tuple: it goes to the worker as its fields alone)."""

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


class Reply(NamedTuple):
    """A worker's answer: a status, a media type and the body (a one-line text on errors)."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain", message.encode())


Numbered: TypeAlias = tuple[int, Job]
"""A job as the pool sends it, numbered so that its reply can find its way back."""

Answered: TypeAlias = tuple[int, Reply]
"""A reply, with the number of its job."""


HEADER = struct.Struct("!i")
"""A message's length, as ``multiprocessing.connection`` frames it (-1: a longer length follows)."""
LONG_HEADER = struct.Struct("!Q")
REPLY_HEAD = struct.Struct("!QHH")
"""A reply's job number, status and the length of its media type (the body follows that)."""
CHUNK = 1 << 20
"""Bytes read from a pipe at a time."""
REPLY_SLACK = 64 * 1024
"""Bytes a reply may hold besides its body (its number, status and media type)."""
READY = {True: b"\x01", False: b"\x00"}
"""The one byte a worker sends when it can take jobs: whether it is off the network."""


class Garbled(ValueError):
    """A message from a worker that is not a reply: the worker is no longer to be trusted."""


def job_message(number: int, job: Job) -> bytes:
    """``job``, numbered, as the server writes it to a worker."""
    return framed(pickle.dumps((number, tuple(job)), pickle.HIGHEST_PROTOCOL))


def jobs(buffer: bytearray) -> list[Numbered]:
    """(The worker.) The whole jobs at the start of ``buffer``, taken out of it."""
    found = []
    for message in unframed(buffer):
        number, fields = pickle.loads(message)  # from the server, which is trusted
        found.append((number, Job._make(fields)))
    return found


def reply_message(number: int, reply: Reply) -> bytes:
    """``reply`` to job ``number``, as a worker writes it."""
    media = reply.media_type.encode("ascii")
    head = REPLY_HEAD.pack(number, reply.status, len(media))
    return framed(b"".join((head, media, reply.body)))


def replies(buffer: bytearray, longest: int | None = None) -> list[Answered]:
    """(The server.) The whole replies at the start of ``buffer``, taken out of it;
    :class:`Garbled` for a message that is not one, or that says it is longer than
    ``longest`` bytes (no answer is: a worker bounds them)."""
    found = []
    for message in unframed(buffer, longest):
        try:
            number, status, size = REPLY_HEAD.unpack_from(message)
            start = REPLY_HEAD.size + size
            media = message[REPLY_HEAD.size : start].decode("ascii")
        except (struct.error, UnicodeDecodeError) as err:
            raise Garbled(f"a worker sent what is not a reply: {err}") from None
        if not 100 <= status <= 599 or len(message) < start:
            raise Garbled(f"a worker sent what is not a reply (status {status})")
        if not is_media_type(media):
            raise Garbled(f"a worker sent a reply whose media type is {media!r}")
        found.append((number, Reply(status, media, message[start:])))
    return found


def answers(job: Job, reply: Reply) -> bool:
    """Whether ``reply`` can be what a worker answers to ``job``: an error, or a check, in
    plain text; or an answer in a media type the job asked for (its own name or the one the
    formats' registry gives it). A worker that answers in another could have a browser run
    what it sends (``text/html``, ``text/javascript``).

    >>> answers(Job("ASK {}"), Reply(200, "application/sparql-results+json", b"{}"))
    True
    >>> answers(Job("ASK {}"), Reply(200, "text/html", b"<script>"))
    False
    """
    if reply.media_type == "text/plain" and (reply.status >= 400 or job.check_only):
        return True
    asked = [media for media in (job.results_media, job.graph_media) if media]
    return reply.media_type in asked or reply.media_type in map(_registered, asked)


def _registered(media: str) -> str | None:
    """The media type the formats' registry gives ``media`` (None: it has none)."""
    for lookup in (results_by_media_type, rdf_by_media_type):
        try:
            return lookup(media).media_type
        except KeyError:
            pass
    return None


TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
"""The characters of an HTTP token (RFC 9110, 5.6.2)."""


def is_media_type(text: str) -> bool:
    """Whether ``text`` is a media type without parameters, ``type/subtype``, each an HTTP
    token (RFC 9110, 8.3.1): what a reply's Content-Type is made of, and nothing that could
    end a header.

    >>> is_media_type("text/turtle"), is_media_type("text/plain\\r\\nSet-Cookie: a=b")
    (True, False)
    """
    kind, slash, subtype = text.partition("/")
    return bool(slash and kind and subtype) and TOKEN.issuperset(kind + subtype)


def framed(data: bytes) -> bytes:
    """``data`` framed as ``multiprocessing.connection`` frames a message, so that either
    end may read it with ``Connection.recv_bytes`` or :func:`unframed`.

    >>> unframed(bytearray(framed(b"a") + framed(b"bc")))
    [b'a', b'bc']
    """
    if len(data) > 0x7FFFFFFF:
        return b"".join((HEADER.pack(-1), LONG_HEADER.pack(len(data)), data))
    return b"".join((HEADER.pack(len(data)), data))


def unframed(buffer: bytearray, longest: int | None = None) -> list[bytes]:
    """The complete messages at the start of ``buffer``, taken out of it; a message cut in
    two stays until the rest is added. :class:`Garbled` for a length that is not one, or
    over ``longest`` (then no more of it is waited for).

    >>> buffer = bytearray(framed(b"whole") + framed(b"cut")[:-1])
    >>> unframed(buffer), len(buffer) > 0
    ([b'whole'], True)
    """
    messages: list[bytes] = []
    taken = 0
    while len(buffer) - taken >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer, taken)
        start = taken + HEADER.size
        if size < -1:
            raise Garbled(f"a message's length is {size}")
        if size == -1:
            if len(buffer) < start + LONG_HEADER.size:
                break
            (size,) = LONG_HEADER.unpack_from(buffer, start)
            start += LONG_HEADER.size
        if longest is not None and size > longest:
            raise Garbled(f"a message says it is {size:,} bytes long, over {longest:,}")
        if len(buffer) < start + size:
            break
        with memoryview(buffer) as view:  # (one copy of a long answer, not two)
            messages.append(view[start : start + size].tobytes())
        taken = start + size
    del buffer[:taken]
    return messages
