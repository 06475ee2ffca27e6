"""A supervised pool of SPARQL worker processes (:mod:`.worker`).

Each worker holds its own Oxigraph store, loaded from the same N-Quads as the embedded
engine, or opens the same on-disk store read-only, and answers one query at a time. The
pool is sized from the cores; a query waits for a free worker in a bounded queue, and past
it (or after waiting a whole time limit) gets 503 with ``Retry-After``. A worker that
runs past the time limit is ended (a thread cannot be stopped; a process can), and a worker
that dies, busy or idle (the kernel's out-of-memory killer, say), is replaced at once, so
the pool keeps its size and no runaway query keeps a core busy.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..errors import TkgError
from ..values import JsonObject
from .worker import Bounds, Job, Ready, Reply, Setup, serve

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
    """Queries that may wait for a free worker; past it, 503 with Retry-After at once."""

    @property
    def bounds(self) -> Bounds:
        return Bounds(rows=self.max_results, size=self.max_bytes)


class Worker:
    """A worker process and the server's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection[Job, Reply | Ready]) -> None:
        self.process = process
        self.conn = conn

    def end(self) -> None:
        """Kill the process (if it still runs) and wait for it."""
        self.conn.close()
        self.process.kill()
        self.process.join(timeout=5)


class QueryPool:
    """``workers`` processes that run queries, one at a time each, under ``limits``."""

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
        self.setup = Setup(limits.bounds, limits.memory, context or {})
        self.limits = limits
        self.size = workers or default_workers()
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Condition()
        self._idle: list[Worker] = []
        self._waiting = 0
        self._busy: set[Worker] = set()
        self._stopping = False
        self._closed = False
        self._starting: list[threading.Thread] = []
        self.isolated = True
        started = [self._spawn() for _ in range(self.size)]
        self._idle.extend(self._ready(worker) for worker in started)
        self._watcher = threading.Thread(target=self._watch, name="sparql-pool", daemon=True)
        self._watcher.start()

    @property
    def retry_after(self) -> int:
        """Seconds a client turned away is told to wait: half a time limit, at least one."""
        return max(1, math.ceil(self.limits.timeout / 2))

    def _spawn(self) -> Worker:
        parent, child = self._context.Pipe()
        args = (child, self.source, self.setup)
        process = self._context.Process(target=serve, args=args, daemon=True)
        process.start()
        child.close()
        return Worker(process, parent)

    def _ready(self, worker: Worker) -> Worker:
        """``worker`` once it has loaded its store (it says whether it is off the network)."""
        isolated = worker.conn.recv()
        if not isolated and self.isolated:
            LOG.warning("SPARQL workers could not be taken off the network on this system")
        self.isolated = self.isolated and bool(isolated)
        return worker

    def answer(self, job: Job) -> Reply:
        """The worker's reply to ``job``, or SandboxError with the HTTP status to answer."""
        worker = self._take()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.limits.timeout):
                self._replace(worker)
                raise SandboxError(
                    f"the query ran longer than {self.limits.timeout:g} s and was stopped", 503
                )
            reply = worker.conn.recv()
        except (EOFError, OSError):  # the worker died under this query
            self._replace(worker)
            raise self._death(worker) from None
        self._give_back(worker)
        assert isinstance(reply, Reply)
        return checked(reply)

    def _take(self) -> Worker:
        """A free, living worker; 503 with Retry-After if the queue is full or the wait
        lasts a whole time limit."""
        retry = self.retry_after
        with self._lock:
            if not self._idle and self._waiting >= self.limits.queue:
                raise SandboxError(
                    f"the server is busy: {self._waiting} queries are waiting; try again",
                    503,
                    retry,
                )
            self._waiting += 1
            try:
                while True:
                    if not self._lock.wait_for(
                        lambda: self._idle or self._closed, timeout=self.limits.timeout
                    ):
                        raise SandboxError(
                            f"the server is busy: no worker was free for {self.limits.timeout:g} "
                            f"s; try again in {retry} s",
                            503,
                            retry,
                        )
                    if self._closed or self._stopping:
                        raise SandboxError("the server is stopping; try again", 503, retry)
                    worker = self._idle.pop()
                    if worker.process.is_alive():
                        self._busy.add(worker)
                        return worker
                    self._replace_later(worker)
            finally:
                self._waiting -= 1

    def _give_back(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if self._closed:
                worker.end()
                return
            self._idle.append(worker)
            self._lock.notify()

    def _replace(self, worker: Worker) -> None:
        """End ``worker``; a fresh one takes its place in the background."""
        worker.end()
        with self._lock:
            self._busy.discard(worker)
            self._replace_later(worker)

    def _replace_later(self, worker: Worker) -> None:
        """(With the lock held.) Start a worker to take the place of ``worker``."""
        if self._closed or self._stopping:
            return
        thread = threading.Thread(target=self._start_one, daemon=True)
        self._starting = [t for t in self._starting if t.is_alive()] + [thread]
        thread.start()

    def _start_one(self) -> None:
        try:
            worker = self._ready(self._spawn())
        except (EOFError, OSError) as err:
            LOG.error("a SPARQL worker could not be started: %s", err)
            return
        self._give_back(worker)

    def _watch(self) -> None:
        """Replace idle workers that die (the kernel may kill any process) within a moment."""
        while not self._closed:
            with self._lock:
                if self._closed:
                    return
                idle = {worker.process.sentinel: worker for worker in self._idle}
            # with no idle worker, this waits the quarter second all the same
            for sentinel in multiprocessing.connection.wait(list(idle), timeout=0.25):
                with self._lock:
                    worker = idle[sentinel]  # type: ignore[index]
                    if worker not in self._idle:
                        continue
                    self._idle.remove(worker)
                    LOG.warning("a SPARQL worker ended while idle; it is being replaced")
                    self._replace_later(worker)

    def _death(self, worker: Worker) -> SandboxError:
        """Why a worker died under a query, as the error its client gets."""
        code = worker.process.exitcode
        retry = self.retry_after
        if self._stopping:
            return SandboxError(
                "the server stopped before the query finished; try again", 503, retry
            )
        if code == -signal.SIGKILL:
            return SandboxError(
                "the query's worker was killed (by the system's out-of-memory killer, say); "
                "it was replaced",
                503,
                retry,
            )
        if code == -signal.SIGABRT:
            return SandboxError(
                f"the query needed more than {self.limits.memory:,} bytes and was stopped", 503
            )
        if code == -signal.SIGSEGV:
            return SandboxError(
                "the query could not be run: it ended its worker, as a query nested too deeply "
                "does; the worker was replaced",
                400,
            )
        return SandboxError("the query ended its worker; it was replaced", 503, retry)

    def stop(self) -> int:
        """Stop the queries under way (their clients get 503) and take no more; the number
        stopped. For a server whose grace period is over."""
        with self._lock:
            self._stopping = True
            busy = list(self._busy)
            self._lock.notify_all()
        for worker in busy:
            worker.process.kill()
        return len(busy)

    def close(self) -> None:
        """Stop every worker (queries under way get 503)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._lock.notify_all()
        for thread in self._starting:
            thread.join(timeout=30)
        with self._lock:
            idle += self._idle
            self._idle = []
        for worker in idle:
            worker.end()
        self._watcher.join(timeout=5)
