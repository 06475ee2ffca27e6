"""A SPARQL worker's threads (:mod:`.worker`): how they take jobs from the pipe in turn,
run them, and send the replies, each thread on a stack sized for the texts it runs."""

from __future__ import annotations

import collections
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ..sparql.policy import might_name_service
from .jobs import CHUNK, Job, Numbered, Reply, jobs, reply_message

STACK_BYTES = 256 * 1024**2
"""The most stack a worker's thread for long texts gets: Oxigraph's parser and evaluator
recurse once per level of nesting, and the largest query the server takes (64 kB) nests
32,000 levels."""

STACK_PER_CHAR = 4_096
"""Stack a query may need per character of its text. The costliest nesting measured (braces,
then nested function calls) took about 2 kB per character; this is twice that."""


@dataclass(frozen=True)
class Stacks:
    """The worker's threads' stacks, an eighth of its memory each way: ``slots`` threads
    of ``small`` bytes for short texts, and one of ``deep`` bytes for the rest (long texts,
    and texts checked by rdflib's grammar, which recurses in Python).

    >>> stacks = Stacks.within(2 * 1024**3, slots=32)
    >>> stacks.small // 1024**2, stacks.deep // 1024**2
    (8, 256)
    >>> stacks.fits(Job("ASK {}")), stacks.fits(Job("ASK {" + " " * 4_000 + "}"))
    (True, False)
    """

    small: int
    deep: int

    @classmethod
    def within(cls, memory: int, slots: int) -> Stacks:
        deep = max(1024**2, min(STACK_BYTES, memory // 8))
        return cls(small=max(256 * 1024, min(deep, memory // 8 // slots)), deep=deep)

    def fits(self, job: Job) -> bool:
        """Whether ``job`` may run on a small stack."""
        short = len(job.text) * STACK_PER_CHAR <= self.small
        return short and not job.check_only and not might_name_service(job.text)


TAKEOVER = 0.002
"""Seconds a query may hold the pipe's reading turn before another thread takes it over."""


class Lanes:
    """A worker's threads: ``slots`` on small stacks and one on a deep stack for long texts,
    each answering the jobs it takes with ``answer``.

    One small-stack thread at a time has the turn to read the pipe, and runs each job it
    reads itself, so a cheap query costs no hand-over between threads. One read takes all
    the pipe holds (the server writes the jobs of one turn of its event loop together), so
    the worker wakes once for several jobs and runs them one after another. A job that runs
    past :data:`TAKEOVER` loses the turn to another thread (a watcher passes it on), which
    takes the jobs read with it, so cheap queries keep moving while long ones run; its
    thread waits for the turn again when it is done. ``ended`` is set when the pipe ends."""

    def __init__(self, conn: Connection[bytes, bytes], answer: Callable[[Job], Reply]) -> None:
        self.answer = answer
        self.sock = socket.socket(fileno=os.dup(conn.fileno()))
        self.buffer = bytearray()
        self.read: collections.deque[Numbered] = collections.deque()
        """Jobs read from the pipe and not yet taken (one read may bring several)."""
        self.sending = threading.Lock()
        self.deep: queue.SimpleQueue[Numbered] = queue.SimpleQueue()
        self.ended = threading.Event()
        self.turn = threading.Semaphore(1)
        self.lock = threading.Lock()
        self.holder: int | None = None
        """The thread whose turn it is to read."""
        self.since: float | None = None
        """When the thread with the turn started the job it runs (None: it reads)."""
        self.running = threading.Event()
        """Set while the watcher needs to watch (a job was started since it last looked)."""
        self.started = 0
        """Jobs started so far (the watcher rests only after a look in which none started)."""

    def start(self, stacks: Stacks, slots: int) -> None:
        """Start the threads: ``slots`` on small stacks, one on a deep stack, a watcher."""
        threading.stack_size(stacks.deep)
        threading.Thread(target=self._run_deep, daemon=True).start()
        threading.stack_size(stacks.small)
        for _ in range(slots):
            threading.Thread(target=self._take_turns, args=(stacks,), daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _take_turns(self, stacks: Stacks) -> None:
        me = threading.get_ident()
        while True:
            self.turn.acquire()
            with self.lock:
                self.holder = me
            while (job := self._next()) is not None:
                if not stacks.fits(job[1]):
                    self.deep.put(job)
                    continue
                with self.lock:
                    self.since = time.monotonic()
                    self.started += 1
                if not self.running.is_set():  # (the watcher clears it under the lock only
                    self.running.set()  # after a whole look in which no job started)
                self._run(*job)
                with self.lock:
                    if self.holder != me:
                        break  # the turn was passed on while this job ran
                    self.since = None
            if self.ended.is_set():
                return

    def _next(self) -> Numbered | None:
        """(The thread with the turn.) The next job from the pipe; None once it ended."""
        while not self.read:
            try:
                chunk = self.sock.recv(CHUNK)
            except OSError:
                chunk = b""
            if not chunk:
                self.ended.set()
                return None
            self.buffer += chunk
            self.read.extend(jobs(self.buffer))
        return self.read.popleft()

    def _watch(self) -> None:
        """Pass the turn on from a job that runs past :data:`TAKEOVER`; rest while none runs."""
        seen = -1
        while not self.ended.is_set():
            self.running.wait()
            time.sleep(TAKEOVER)
            with self.lock:
                overdue = self.since is not None and time.monotonic() - self.since >= TAKEOVER
                if overdue:
                    self.holder = self.since = None
                elif self.since is None and self.started == seen:
                    self.running.clear()  # no job since the last look: rest until one starts
                seen = self.started
            if overdue:
                self.turn.release()

    def _run_deep(self) -> None:
        while True:
            self._run(*self.deep.get())

    def _run(self, number: int, job: Job) -> None:
        reply = self.answer(job)
        try:
            message = reply_message(number, reply)
            with self.sending:
                self.sock.sendall(message)
        except (OSError, ValueError):  # the server's end is gone: so is the worker's work
            self.ended.set()
