"""A query that calls SERVICE, run by the library's own engines in a process of its own,
under a memory and a time bound.

Both embedded engines fetch a SERVICE answer themselves, whole, with no size limit (a
300 MB answer took 1.1 GB), and neither lets a caller bound that. So such a query runs in a
child process (started afresh, not forked) that opens the same source, caps its own memory
and runs the query; the caller waits at most ``timeout`` seconds. An answer too big for the
bound, a silent server or a crash in the child is one :class:`EndpointError` (exit code 3),
and the caller's process never holds more than the answer itself.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, cast

from ..confine import die_with_parent, limit_memory
from ..errors import EndpointError, TkgError

if TYPE_CHECKING:
    from rdflib.term import Identifier

    from ..sparql.results import QueryResult
    from .sources import Source

MB = 2**20


@dataclass(frozen=True)
class Bounds:
    """How much a query that calls SERVICE may take: seconds in all, and megabytes of memory
    in its process (the source loaded, the answers fetched, the result)."""

    seconds: float = 60.0
    megabytes: int = 1024


def run_bounded(
    source: Source, text: str, bindings: Mapping[str, Identifier], bounds: Bounds
) -> QueryResult:
    """The answer of ``source``'s engine to ``text`` run in a bounded child process."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(theirs, source, text, dict(bindings), bounds.megabytes * MB)
    )
    child.start()
    theirs.close()
    try:
        if not mine.poll(bounds.seconds):
            raise EndpointError(
                f"a query that calls SERVICE had no answer within {bounds.seconds:g} s",
                hint="check the server the SERVICE pattern names; in Python, allow more time "
                "with Dataset.service_bounds",
            )
        _, value = _received(mine, child, bounds)
    finally:
        mine.close()
        if child.is_alive():
            child.kill()
        child.join()
    if isinstance(value, TkgError):
        raise value
    return cast("QueryResult", value)


def _received(
    mine: Connection, child: multiprocessing.process.BaseProcess, bounds: Bounds
) -> tuple[str, object]:
    """What the child sent, or the error its death means (SIGABRT: its engine could not
    allocate within the bound)."""
    try:
        return cast("tuple[str, object]", mine.recv())
    except (EOFError, OSError):
        child.join(5)
    if child.exitcode == -signal.SIGABRT:
        raise _too_big(bounds) from None
    raise EndpointError(
        f"a query that calls SERVICE stopped its process (exit code {child.exitcode})",
        hint="check the server the SERVICE pattern names",
    ) from None


def _too_big(bounds: Bounds) -> EndpointError:
    return EndpointError(
        f"a query that calls SERVICE needed more than the {bounds.megabytes:,} MB it may use "
        "(the answers the SERVICE servers sent, and what the engine made of them)",
        hint="ask the SERVICE server for less: a LIMIT or a narrower pattern inside SERVICE",
    )


def _child(
    send: Connection,
    source: Source,
    text: str,
    bindings: dict[str, Identifier],
    memory: int,
) -> None:
    """In the child: die with the caller, ignore Ctrl-C (the caller handles it), say nothing
    on the caller's stderr (an engine that runs out of memory aborts with its own message:
    the caller words it), cap memory, run, send back."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet()
    limit_memory(memory)
    try:
        send.send(("ok", source.engine().run(text, bindings)))
    except (TkgError, MemoryError) as err:
        # at the bound, an engine's failure to allocate surfaces as anything (rdflib: an
        # empty QueryError; Oxigraph: a body cut short): the peak tells which it was
        near = _peak() > NEAR_BOUND * memory or isinstance(err, MemoryError)
        send.send(("error", _too_big(Bounds(megabytes=memory // MB)) if near else err))
    finally:
        send.close()


NEAR_BOUND = 0.75
"""A child that failed after using this share of its memory bound failed for want of memory."""


def _quiet() -> None:
    """Send this process's stderr to /dev/null."""
    import os

    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _peak() -> int:
    """The most memory this process has held, in bytes (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
