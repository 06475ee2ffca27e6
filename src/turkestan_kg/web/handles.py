"""The server's hold on a SPARQL worker process (:mod:`.sandbox`): the process, its pipe and
the queries it runs, each a :class:`Pending` that a reply (or the worker's death) finishes,
waking a thread that waits, or an event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from .worker import Answered, Job, Numbered, Ready, Reply


class Pending:
    """A query sent to a worker: set ``done`` when its reply came (``reply``) or its worker
    died (``reply`` stays None); with ``loop``, its ``future`` too, from whatever thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.done = threading.Event()
        self.reply: Reply | None = None
        self.overdue = False
        self.loop = loop
        self.future: asyncio.Future[None] | None = loop.create_future() if loop else None

    def finish(self, reply: Reply | None) -> None:
        """The reply came (None: the worker died)."""
        self.reply = reply
        self.done.set()
        if self.loop is not None and self.future is not None:
            with contextlib.suppress(RuntimeError):  # a closed loop: no one is waiting
                self.loop.call_soon_threadsafe(_resolve, self.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Worker:
    """A worker process, the server's end of its pipe, and the queries it runs."""

    def __init__(self, process: BaseProcess, conn: Connection[Numbered, Answered | Ready]) -> None:
        self.process = process
        self.conn = conn
        self.jobs: dict[int, Pending] = {}
        self.retired = False
        self.sending = threading.Lock()

    def send(self, number: int, job: Job) -> None:
        try:
            with self.sending:
                self.conn.send((number, job))
        except (OSError, ValueError):  # it died: its listener answers the query's waiter
            self.process.kill()


def ended_line(worker: Worker, queries: int) -> str:
    """The log line for a worker that ended on its own (killed, or past its memory)."""
    code = worker.process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    if not queries:
        return f"a SPARQL worker ended while idle ({how}); it is being replaced"
    return (
        f"a SPARQL worker ended under {queries} {'query' if queries == 1 else 'queries'} "
        f"({how}); it is being replaced, and what it ran runs once more on another"
    )
