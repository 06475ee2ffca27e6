"""The server's hold on a SPARQL worker process (:mod:`.sandbox`): the process, its pipe and
the queries it runs, each a :class:`Pending` that a reply (or the worker's death) finishes,
waking a thread that waits, or a coroutine.

Replies are read without waiting (:class:`Inbox`), so that the server's event loop can read
them whenever the pipe is readable, with no thread woken for each reply; before the loop
runs, and after it, a thread per worker reads them the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import socket
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from .jobs import CHUNK, Answered, Garbled, Job, Reply, answers, job_message, replies

LOG = logging.getLogger("turkestan_kg")


class Pending:
    """A query sent to a worker, finished when its reply came (``reply``) or its worker died
    (``reply`` stays None): a thread waits for ``done``; with ``loop``, a coroutine awaits
    :meth:`finished` instead."""

    def __init__(self, job: Job, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.job = job
        self.reply: Reply | None = None
        self.overdue = False
        self.loop = loop
        self.done = threading.Event() if loop is None else None
        self.future: asyncio.Future[bool] | None = loop.create_future() if loop else None

    def finish(self, reply: Reply | None, reader: asyncio.AbstractEventLoop | None = None) -> None:
        """The reply came (None: the worker died), read on the loop ``reader`` (None: on a
        thread)."""
        self.reply = reply
        if self.done is not None:
            self.done.set()
        if self.loop is None or self.future is None:
            return
        if reader is self.loop:
            _settle(self.future, True)
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: no one is waiting
            self.loop.call_soon_threadsafe(_settle, self.future, True)

    async def finished(self, timeout: float) -> bool:
        """(With ``loop``.) Whether the query finished within ``timeout`` seconds."""
        assert self.loop is not None and self.future is not None
        timer = self.loop.call_later(timeout, _settle, self.future, False)
        try:
            return await self.future  # (cancelled with its waiter: a late reply is dropped)
        finally:
            timer.cancel()


def _settle(future: asyncio.Future[bool], came: bool) -> None:
    if not future.done():
        future.set_result(came)


class Inbox:
    """The messages a worker sent, read from its end of the pipe (a socket pair, as
    ``multiprocessing.Pipe`` makes on POSIX) without waiting, in the pipe's own framing: a
    message cut in two stays here until the rest comes, whoever reads next (a thread or
    the event loop)."""

    def __init__(self, conn: Connection[bytes, bytes], longest: int | None = None) -> None:
        self.sock = socket.socket(fileno=os.dup(conn.fileno()))
        self.buffer = bytearray()
        self.longest = longest
        """The most bytes a reply may hold (None: no bound)."""

    def fileno(self) -> int:
        return self.sock.fileno()

    def read(self) -> tuple[list[Answered], bool]:
        """(The replies complete so far, whether the pipe has ended.) Never waits."""
        while True:
            try:
                chunk = self.sock.recv(CHUNK, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return self._messages(), False
            except OSError:
                return self._messages(), True
            if not chunk:
                return self._messages(), True
            self.buffer += chunk
            if len(chunk) < CHUNK:  # all there was (more wakes the reader again)
                return self._messages(), False

    def _messages(self) -> list[Answered]:
        return replies(self.buffer, self.longest)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class Worker:
    """A worker process, the server's end of its pipe, and the queries it runs."""

    def __init__(
        self,
        process: BaseProcess,
        conn: Connection[bytes, bytes],
        longest: int | None = None,
    ) -> None:
        self.process = process
        self.conn = conn
        self.jobs: dict[int, Pending] = {}
        self.retired = False
        self.garbled = False
        """Whether it sent what is not a reply (then the server killed it)."""
        self.sending = threading.Lock()
        self.inbox = Inbox(conn, longest)
        self.watcher: asyncio.AbstractEventLoop | None = None
        """The event loop that reads its replies (None: a thread does)."""
        self.outbox: list[bytes] = []
        """Jobs sent on an event loop, written together once the loop's callbacks ran."""
        self.backlog: list[bytes] = []
        """What waits for a write under way (the pipe was full), in order."""
        self.writing = False
        """Whether a thread is writing to the pipe (then every write joins the backlog)."""

    def send(self, number: int, job: Job, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Send ``job``; on ``loop`` (the running one), with the others sent before the
        loop next looks for input, in one write that never waits: what the pipe cannot take
        at once is written by a thread, so a worker that stops reading never holds the loop.
        From a thread, it is written at once (waiting for the pipe), or after the writes
        under way."""
        message = job_message(number, job)
        if loop is None:
            self._write(message, wait=True)
            return
        self.outbox.append(message)
        if len(self.outbox) == 1:
            loop.call_soon(self._flush)

    def _flush(self) -> None:
        messages, self.outbox = self.outbox, []
        self._write(b"".join(messages), wait=False)

    def _write(self, data: bytes, *, wait: bool) -> None:
        """Write ``data`` after whatever waits to be written; without ``wait``, a thread
        writes the part the pipe does not take at once."""
        with self.sending:
            if self.writing:
                self.backlog.append(data)
                return
            sent = 0 if wait else self._sent_now(data)
            if sent == len(data):
                return
            self.writing = True
            self.backlog.append(data[sent:])
        if wait:
            self._write_backlog()
        else:
            threading.Thread(target=self._write_backlog, daemon=True).start()

    def _sent_now(self, data: bytes) -> int:
        """(With ``sending`` held.) The bytes of ``data`` the pipe took without waiting."""
        try:
            return self.inbox.sock.send(data, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return 0
        except (OSError, ValueError):  # it died: whoever reads its pipe answers the waiter
            self.process.kill()
            return len(data)

    def _write_backlog(self) -> None:
        """(The thread that writes.) Write the backlog, in order, until it is empty."""
        while True:
            with self.sending:
                if not self.backlog:
                    self.writing = False
                    return
                data, self.backlog = b"".join(self.backlog), []
            try:
                self._send_waiting(data)
            except (OSError, ValueError):  # it died: whoever reads its pipe answers the waiter
                self.process.kill()
                with self.sending:
                    self.backlog, self.writing = [], False
                return

    def _send_waiting(self, data: bytes) -> None:
        """Send all of ``data``, waiting for room in the pipe. Its descriptor may be
        non-blocking (uvloop makes it so once it watches it), so a full pipe is waited for
        here, never taken for a dead worker."""
        view = memoryview(data)
        room = select.poll()
        room.register(self.inbox.sock.fileno(), select.POLLOUT)
        while view:
            try:
                view = view[self.inbox.sock.send(view, socket.MSG_DONTWAIT) :]
            except (BlockingIOError, InterruptedError):
                room.poll(250)

    def close(self) -> None:
        self.inbox.close()
        self.conn.close()


class Readers:
    """Who reads each worker's replies: a thread of its own, or the attached event loop,
    which reads a pipe when it is readable, so that no thread wakes for each reply. A
    reader hands each reply to ``pass_on`` (with the loop it reads on, None on a thread),
    and a worker whose pipe ended to ``ended`` (on a thread: it waits for the process);
    ``thread`` starts a thread the pool keeps track of."""

    def __init__(
        self,
        pass_on: Callable[[Worker, int, Reply, asyncio.AbstractEventLoop | None], None],
        ended: Callable[[Worker], None],
        thread: Callable[[Callable[[Worker], None], Worker], None],
    ) -> None:
        self.pass_on, self.ended, self.thread = pass_on, ended, thread
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lock = threading.Lock()

    def attach(self, loop: asyncio.AbstractEventLoop | None, everyone: list[Worker]) -> None:
        """Read on ``loop`` from now on; None: on threads again (call it on the loop that
        was attached, before it ends). Each thread hands its worker over between reads."""
        with self.lock:
            self.loop = loop
        for worker in everyone:
            if worker.watcher is not None:
                self._unwatch(worker)
                self.thread(self.listen, worker)

    def listen(self, worker: Worker) -> None:
        """(A worker's own thread.) Pass on its replies until it ends or the attached loop
        takes the reading over."""
        readable = select.poll()
        with contextlib.suppress(OSError, ValueError):  # (closed: read() says so)
            readable.register(worker.inbox.fileno(), select.POLLIN)
        while True:
            with self.lock:
                loop = self.loop
            if loop is not None:
                with contextlib.suppress(RuntimeError):  # a closed loop: read on here
                    loop.call_soon_threadsafe(self._watch, worker, loop)
                    return
            with contextlib.suppress(OSError, ValueError):  # (closed: read() says so)
                readable.poll(250)  # (poll: select refuses a descriptor past 1,023)
            if self._received(worker, None):
                self.ended(worker)
                return

    def _watch(self, worker: Worker, loop: asyncio.AbstractEventLoop) -> None:
        """(On ``loop``.) Read ``worker``'s replies whenever its pipe is readable."""
        if self.loop is not loop:  # detached meanwhile
            self.thread(self.listen, worker)
            return
        worker.watcher = loop
        loop.add_reader(worker.inbox.fileno(), self._readable, worker)
        self._readable(worker)  # what came during the hand-over

    def _readable(self, worker: Worker) -> None:
        if self._received(worker, worker.watcher):
            self._unwatch(worker)
            self.thread(self.ended, worker)

    @staticmethod
    def _unwatch(worker: Worker) -> None:
        """(On the loop that reads ``worker``'s replies.) Stop reading them there."""
        if worker.watcher is not None:
            worker.watcher.remove_reader(worker.inbox.fileno())
            worker.watcher = None

    def _received(self, worker: Worker, reader: asyncio.AbstractEventLoop | None) -> bool:
        """Pass on the replies that came; whether the worker's pipe has ended (or the worker
        sent what is not a reply, and was killed)."""
        try:
            came, ended = worker.inbox.read()
        except Garbled as err:
            return distrusted(worker, str(err))
        for number, reply in came:
            pending = worker.jobs.get(number)
            if pending is not None and not answers(pending.job, reply):
                why = f"a worker answered in {reply.media_type}, which its query did not ask for"
                return distrusted(worker, why)
            self.pass_on(worker, number, reply, reader)
        return ended


def distrusted(worker: Worker, why: str) -> bool:
    """Kill ``worker``, which sent what it should not have (``why``): its queries end with
    it, and run once more on another. True, as for a pipe that ended."""
    LOG.warning("%s; it is stopped and replaced", why)
    worker.garbled = True
    worker.process.kill()
    return True


def ended_line(worker: Worker, queries: int) -> str:
    """The log line for a worker that ended on its own (killed, or past its memory)."""
    code = worker.process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    if worker.garbled:
        how = "killed by the server: it sent what is not a reply"
    if not queries:
        return f"a SPARQL worker ended while idle ({how}); it is being replaced"
    return (
        f"a SPARQL worker ended under {queries} {'query' if queries == 1 else 'queries'} "
        f"({how}); it is being replaced, and what it ran runs once more on another"
    )


def death(worker: Worker, memory: int, retry: int) -> tuple[str, int, int | None]:
    """Why ``worker`` died under a query: the message its client gets, the HTTP status, and
    the seconds to wait before trying again (None: trying again will not help)."""
    code = worker.process.exitcode
    if worker.garbled:
        return "the query's worker sent what is not an answer; it was replaced", 503, retry
    if code == -signal.SIGKILL:
        return (
            "the query's worker was killed from outside this server (SIGKILL: the system's "
            "out-of-memory killer or an operator); it was replaced",
            503,
            retry,
        )
    if code == -signal.SIGABRT:
        return f"the query needed more than {memory:,} bytes and was stopped", 503, None
    if code == -signal.SIGSEGV:
        return (
            "the query could not be run: it ended its worker, as a query nested too deeply "
            "does; the worker was replaced",
            400,
            None,
        )
    return "the query ended its worker; it was replaced", 503, retry
