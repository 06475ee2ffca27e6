"""A supervised pool of SPARQL worker processes (:mod:`.worker`).

Each worker holds its own Oxigraph store, loaded from the same N-Quads as the embedded
engine, or opens the same on-disk store read-only, and runs up to ``slots`` queries at
once, each on its own thread, so a cheap query is answered while long ones run. The pool
is sized from the cores; a query waits for a free slot in a bounded queue, and past it (or
after waiting a whole time limit) gets 503 with ``Retry-After``.

A thread cannot be stopped, but a process can. A query that runs past the time limit gets
503, and its worker is retired: it takes no more queries, a fresh worker takes its place at
once, and it is ended as soon as every query it still runs is over time too. A worker that
dies (the kernel's out-of-memory killer, a query past the memory limit, a parser crash) is
replaced at once; the queries it was running are run once more on another worker, since
one of them may have ended it for all (queries are read-only, so running one twice is
safe), and a query whose worker dies twice under it gets the reason.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio import CapacityLimiter

from ..errors import TkgError
from ..values import JsonObject
from .handles import Pending, Readers, Worker, death, ended_line
from .jobs import READY, REPLY_SLACK, Bounds, Job, Reply, Setup
from .worker import serve

LOG = logging.getLogger("turkestan_kg")


class SandboxError(TkgError):
    """A query was refused or stopped: ``status`` is the HTTP status to answer with, and
    ``retry_after`` the seconds a client should wait before trying again (None: retrying
    the same query will not help)."""

    def __init__(self, message: str, status: int, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def checked(reply: Reply) -> Reply:
    """``reply`` if it is an answer; its error (status 400 and up) as SandboxError."""
    if reply.status >= 400:
        raise SandboxError(reply.body.decode(errors="replace"), reply.status)
    return reply


def default_workers() -> int:
    """One worker per core this process may run on, and at least two."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, cores)


@dataclass(frozen=True)
class Limits:
    """How long a query may run, how large its answer may be, what a worker may hold, and
    how many queries may wait for a worker."""

    timeout: float = 10.0
    max_results: int = 10_000
    memory: int = 2 * 1024**3
    """Bytes of data a worker may hold (its store included); past it, the query's worker
    ends and is replaced, and the request gets a 503."""
    max_bytes: int = 16 * 1024**2
    """Bytes an answer may be; past it, a 413 that says so (never a silent cut)."""
    queue: int = 16
    """Queries that may wait for a free slot; past it, 503 with Retry-After at once."""
    slots: int = 32
    """Queries each worker runs at once."""

    @property
    def bounds(self) -> Bounds:
        return Bounds(rows=self.max_results, size=self.max_bytes)


class QueryPool:
    """``workers`` processes that run queries, ``limits.slots`` at a time each, under
    ``limits``."""

    def __init__(
        self,
        source: bytes | Path,
        *,
        workers: int | None = None,
        limits: Limits = Limits(),
        context: JsonObject | None = None,
    ) -> None:
        """Workers over ``source`` (N-Quads, or an on-disk store's folder); graph answers
        in JSON-LD are compacted with ``context``."""
        self.source = source
        self.setup = Setup(limits.bounds, limits.memory, context or {}, limits.slots)
        self.limits = limits
        self.size = workers or default_workers()
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Condition()
        self._workers: list[Worker] = []
        self._everyone: set[Worker] = set()
        self._numbers = itertools.count()
        self._waiting = 0
        self._stopping = False
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._readers = Readers(self._pass_on, self._ended, self._thread)
        self.isolated = True
        started = [self._spawn() for _ in range(self.size)]
        for worker in started:
            self._enlist(self._ready(worker))

    @property
    def capacity(self) -> int:
        """Queries the pool takes at once: those its workers run and those that may wait."""
        return self.size * self.limits.slots + self.limits.queue

    @property
    def retry_after(self) -> int:
        """Seconds a client turned away is told to wait: half a time limit, at least one."""
        return max(1, math.ceil(self.limits.timeout / 2))

    def _spawn(self) -> Worker:
        """A worker started. N-Quads go over its pipe once it runs: as an argument, the start
        writes them to a pipe it holds open itself, and waits for ever if the child died."""
        parent, child = self._context.Pipe()
        args = (child, None if isinstance(self.source, bytes) else self.source, self.setup)
        process = self._context.Process(target=serve, args=args, daemon=True)
        process.start()
        child.close()
        worker = Worker(process, parent, longest=self.setup.bounds.size + REPLY_SLACK)
        if isinstance(self.source, bytes):
            try:
                parent.send_bytes(self.source)
            except OSError:
                self._discard(worker)
                raise
        return worker

    @staticmethod
    def _discard(worker: Worker) -> None:
        """End a worker that never joined the pool."""
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.close()

    def _ready(self, worker: Worker) -> Worker:
        """``worker`` once it has loaded its store (it says whether it is off the network)."""
        try:
            isolated = worker.conn.recv_bytes() == READY[True]
        except (EOFError, OSError):
            self._discard(worker)
            raise
        if not isolated and self.isolated:
            LOG.warning("SPARQL workers could not be taken off the network on this system")
        self.isolated = self.isolated and bool(isolated)
        return worker

    def _enlist(self, worker: Worker) -> None:
        """Take ``worker`` into the pool; a thread passes on its replies, or the attached
        event loop once it can."""
        with self._lock:
            if self._closed:
                worker.process.kill()
                return
            self._workers.append(worker)
            self._everyone.add(worker)
            self._lock.notify_all()
        self._thread(self._readers.listen, worker)

    def _thread(self, target: Callable[[Worker], None], worker: Worker | None = None) -> None:
        thread = threading.Thread(target=target, args=(worker,), daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def answer(self, job: Job) -> Reply:
        """The worker's reply to ``job``, or SandboxError with the HTTP status to answer.
        A query whose worker dies under it is run once more on another."""
        for attempt in (1, 2):
            worker, pending = self._submit(job)
            assert pending.done is not None  # (a thread waits for it)
            came = pending.done.wait(self.limits.timeout)
            if (reply := self._settled(worker, pending, attempt, came)) is not None:
                return reply
        raise AssertionError("unreachable")

    async def answer_async(self, job: Job, threads: CapacityLimiter) -> Reply:
        """:meth:`answer` without a thread while the query runs: its reply wakes the event
        loop. A query that finds no free slot waits for one as :meth:`answer` does, on one
        of ``threads``."""
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            sent = self._submit_now(job, loop)
            if sent is None:
                return await anyio.to_thread.run_sync(self.answer, job, limiter=threads)
            worker, pending = sent
            came = await pending.finished(self.limits.timeout)
            if (reply := self._settled(worker, pending, attempt, came)) is not None:
                return reply
        raise AssertionError("unreachable")

    def _settled(self, worker: Worker, pending: Pending, attempt: int, came: bool) -> Reply | None:
        """What a query sent to ``worker`` came to: its reply; SandboxError if it ran past
        the time limit (its worker retired), or its worker died under it on the second
        attempt or while the pool stops; None to run it once more."""
        if not came:
            self._overran(worker, pending)
            raise SandboxError(
                f"the query ran longer than {self.limits.timeout:g} s and was stopped", 503
            )
        if pending.reply is not None:
            return checked(pending.reply)
        if attempt == 2 or self._stopping or self._closed:
            raise self._death(worker)
        return None

    def _submit_now(
        self, job: Job, loop: asyncio.AbstractEventLoop
    ) -> tuple[Worker, Pending] | None:
        """``job`` sent to the worker with the most free slots, if one has a free slot and
        no query waits for one (else None)."""
        with self._lock:
            worker = None if self._waiting else self._free()
            if worker is None:
                return None
            number, pending = self._assign(worker, job, loop)
        worker.send(number, job, loop)
        return worker, pending

    def _assign(
        self, worker: Worker, job: Job, loop: asyncio.AbstractEventLoop | None = None
    ) -> tuple[int, Pending]:
        """(With the lock held.) A number and a Pending for a query ``worker`` is to run."""
        number, pending = next(self._numbers), Pending(job, loop)
        worker.jobs[number] = pending
        return number, pending

    def _submit(self, job: Job) -> tuple[Worker, Pending]:
        """``job`` sent to the worker with the most free slots; 503 with Retry-After if the
        queue is full or the wait for a slot lasts a whole time limit."""
        retry = self.retry_after
        with self._lock:
            if self._free() is None and self._waiting >= self.limits.queue:
                raise SandboxError(
                    f"the server is busy: {self._waiting} queries are waiting; try again",
                    503,
                    retry,
                )
            self._waiting += 1
            try:
                if not self._lock.wait_for(
                    lambda: self._free() is not None or self._closed or self._stopping,
                    timeout=self.limits.timeout,
                ):
                    raise SandboxError(
                        f"the server is busy: no worker was free for {self.limits.timeout:g} "
                        f"s; try again in {retry} s",
                        503,
                        retry,
                    )
            finally:
                self._waiting -= 1
            worker = self._free()
            if worker is None:
                raise SandboxError("the server is stopping; try again", 503, retry)
            number, pending = self._assign(worker, job)
        worker.send(number, job)
        return worker, pending

    def _free(self) -> Worker | None:
        """(With the lock held.) The worker with the fewest queries, if it has a free slot
        and the pool is running."""
        if self._closed or self._stopping or not self._workers:
            return None
        worker = min(self._workers, key=lambda w: len(w.jobs))
        return worker if len(worker.jobs) < self.limits.slots else None

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Read the workers' replies on ``loop``, the server's, while it runs (None: on a
        thread per worker again; call it on the loop that was attached, before it ends)."""
        with self._lock:
            everyone = list(self._everyone)
        self._readers.attach(loop, everyone)

    def _ended(self, worker: Worker | None) -> None:
        """Replace ``worker``, which ended (unless it was retired), and wake the queries it
        was running."""
        assert worker is not None
        worker.process.join(timeout=5)  # the exit code says why it ended
        with self._lock:
            orphans, worker.jobs = list(worker.jobs.values()), {}
            self._everyone.discard(worker)
            if worker in self._workers:
                self._workers.remove(worker)
                if not (self._closed or self._stopping):
                    LOG.warning(ended_line(worker, len(orphans)))
                self._replace_later()
            self._lock.notify_all()
        worker.close()
        for pending in orphans:
            pending.finish(None)

    def _pass_on(
        self, worker: Worker, number: int, reply: Reply, reader: asyncio.AbstractEventLoop | None
    ) -> None:
        with self._lock:
            pending = worker.jobs.pop(number, None)
            if self._waiting:
                self._lock.notify_all()
            if worker.retired:
                self._reap(worker)
        if pending is not None:
            pending.finish(reply, reader)

    def _overran(self, worker: Worker, pending: Pending) -> None:
        """Retire ``worker`` (a fresh one takes its place), and end it once every query it
        runs is over time."""
        with self._lock:
            pending.overdue = True
            if not worker.retired:
                worker.retired = True
                if worker in self._workers:
                    self._workers.remove(worker)
                    self._replace_later()
            self._reap(worker)

    def _reap(self, worker: Worker) -> None:
        """(With the lock held.) End a retired worker whose queries are all over time."""
        if all(pending.overdue for pending in worker.jobs.values()):
            worker.process.kill()

    def _replace_later(self) -> None:
        """(With the lock held.) Start a worker in the background to fill a place."""
        if not (self._closed or self._stopping):
            self._thread(self._start_one)

    def _start_one(self, _: Worker | None = None) -> None:
        """Start a worker and take it in; if it dies as it starts, try again each second
        until one starts or the pool stops."""
        while True:
            try:
                self._enlist(self._ready(self._spawn()))
                return
            except (EOFError, OSError) as err:
                LOG.error("a SPARQL worker could not be started (%s); trying again", err)
            with self._lock:
                if self._lock.wait_for(lambda: self._closed or self._stopping, timeout=1):
                    return

    def _death(self, worker: Worker) -> SandboxError:
        """Why a worker died under a query, as the error its client gets."""
        retry = self.retry_after
        if self._stopping:
            return SandboxError(
                "the server stopped before the query finished; try again", 503, retry
            )
        return SandboxError(*death(worker, self.limits.memory, retry))

    def stop(self) -> int:
        """Stop the queries under way (their clients get 503) and take no more; the number
        stopped. For a server whose grace period is over."""
        with self._lock:
            self._stopping = True
            everyone = list(self._everyone)
            running = sum(not p.overdue for w in everyone for p in w.jobs.values())
            self._lock.notify_all()
        for worker in everyone:
            if worker.jobs:
                worker.process.kill()
        return running

    def close(self) -> None:
        """Stop every worker (queries under way get 503)."""
        with self._lock:
            self._closed = True
            everyone = list(self._everyone)
            self._lock.notify_all()
        for worker in everyone:
            worker.process.kill()
        for thread in list(self._threads):
            thread.join(timeout=30)
        with self._lock:
            late = list(self._everyone)
        for worker in late:  # started while closing
            worker.process.kill()
            worker.process.join(timeout=5)
