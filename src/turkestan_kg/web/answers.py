"""The server's HTTP cache: a GET answered once is answered again from memory.

The shipped graph does not change while it is served, so a 200 answer to a GET depends
only on the path, the query string and the headers the answers vary on (``Accept``,
``Accept-Language``; the CORS headers, which vary on ``Origin``, are set in front of this
layer, :mod:`.headers`). This layer sits in front of the router, like a caching proxy: a
hit is two ASGI messages sent straight from memory; concurrent misses on the same key wait
for the first one's answer instead of each computing it. Answers are kept least recently
used first, up to a byte budget that counts what Python holds for each (its body, key and
headers, and the objects around them); errors, streamed bodies (files), anything but GET
and HEAD, and conditional and range requests (``If-None-Match``, ``Range``...) always go
through.

An answer is kept the second time its key is asked for, not the first (a doorkeeper, as in
TinyLFU): a client sending a new query text each time fills only a bounded list of the
keys seen once, not the cache, so what is asked for again stays.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import NamedTuple

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VARY = frozenset({b"accept", b"accept-language"})
CONDITIONAL = frozenset(
    {
        b"range",
        b"if-range",
        b"if-none-match",
        b"if-modified-since",
        b"if-match",
        b"if-unmodified-since",
    }
)
"""Request headers that ask for less than the whole answer, or for it only on a condition
(a 206 or a 304 from the files' own handler): such a request goes through, never served
from what is kept, nor kept."""
BUDGET = 64 * 1024 * 1024
SEEN_ONCE = 100_000
"""Keys remembered as asked for once (their hashes: a few MB)."""
OVERHEAD = 700
"""Bytes Python holds for a kept answer besides its strings (measured with tracemalloc)."""
HEADER_OVERHEAD = 80
"""Bytes Python holds for each header pair besides its bytes."""
Key = tuple[str, bytes, tuple[tuple[bytes, bytes], ...]]
"""What a kept answer is found by: path, query string, the headers answers vary on."""
EMPTY: Message = {"type": "http.response.body", "body": b""}


class Answer(NamedTuple):
    """A kept answer: its two ASGI messages, and the bytes of the key it is kept under
    (a client chooses the key's headers, so they count against the budget too)."""

    start: Message
    body: Message
    key_bytes: int = 0


class AnswerCache:
    """ASGI middleware keeping whole 200 answers to GET requests (HEAD reads them too)."""

    def __init__(self, app: ASGIApp, budget: int = BUDGET) -> None:
        self.app = app
        self.answers: LRUCache[Key, Answer] = LRUCache(budget, getsizeof=answer_size)
        self.seen_once: OrderedDict[int, bool] = OrderedDict()
        """Hashes of keys asked for once, oldest first (the standard library's ordered
        dict: every new query text passes here, and cachetools' LRU costs more)."""
        self.pending: dict[Key, asyncio.Future[Answer | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _keeps(scope):
            await self.app(scope, receive, send)
            return
        key = request_key(scope)
        answer = self.answers.get(key)
        if answer is None and key in self.pending:
            answer = await asyncio.shield(self.pending[key])
        if answer is not None:
            await send(answer[0])
            await send(answer[1] if scope["method"] == "GET" else EMPTY)
            return
        # through the application, keeping the answer if it can be kept (in this frame, not
        # another coroutine's: every new query passes here)
        waiting: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self.pending[key] = waiting
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            self._computed(key, scope, captured, waiting)

    def _computed(
        self,
        key: Key,
        scope: Scope,
        captured: list[Message],
        waiting: asyncio.Future[Answer | None],
    ) -> None:
        """Keep the answer ``captured`` if it can be kept, and hand it to those waiting."""
        answer = keepable(captured, key_size(key)) if scope["method"] == "GET" else None
        if answer is not None and self._admitted(key, answer):
            self.answers[key] = answer
        if self.pending.get(key) is waiting:  # (a waiter may have started its own since)
            del self.pending[key]
        waiting.set_result(answer)

    def _admitted(self, key: Key, answer: Answer) -> bool:
        """Whether to keep ``answer``: its key was asked for before, and it fits."""
        if self.seen_once.pop(hash(key), False):
            return self.answers.getsizeof(answer) <= self.answers.maxsize
        self.seen_once[hash(key)] = True
        if len(self.seen_once) > SEEN_ONCE:
            self.seen_once.popitem(last=False)
        return False


def _keeps(scope: Scope) -> bool:
    """Whether the answer to ``scope`` may come from, or go to, what is kept: an HTTP GET
    or HEAD that asks for the whole answer, on no condition."""
    return (
        scope["type"] == "http"
        and scope["method"] in ("GET", "HEAD")
        and not any(name in CONDITIONAL for name, _ in scope["headers"])
    )


def answer_size(answer: Answer) -> int:
    """The bytes a kept answer costs: its body, its key, its headers, and the objects
    Python holds them in.

    >>> answer_size(Answer({"headers": [(b"vary", b"Accept")]}, {"body": b"x" * 100}, 20))
    910
    """
    headers = answer.start.get("headers", [])
    held = sum(len(k) + len(v) + HEADER_OVERHEAD for k, v in headers)
    return len(answer.body.get("body", b"")) + answer.key_bytes + held + OVERHEAD


def request_key(scope: Scope) -> Key:
    """What a GET's answer depends on: path, query string and the headers answers vary on.
    Not the Host header: URLs in answers are under the site's base URL (``--base-url``),
    never the Host a client sends, so a forged Host cannot poison what others get."""
    headers = tuple(sorted((k, v) for k, v in scope["headers"] if k in VARY))
    return scope["path"], scope["query_string"], headers


def key_size(key: Key) -> int:
    """The bytes of a :func:`request_key`'s path, query string and headers."""
    path, query, headers = key
    return len(path) + len(query) + sum(len(k) + len(v) for k, v in headers)


def keepable(messages: list[Message], key_bytes: int = 0) -> Answer | None:
    """The answer if it is a whole 200 in one body message, else None."""
    if len(messages) != 2:
        return None
    start, body = messages
    if start.get("status") != 200 or body.get("more_body"):
        return None
    return Answer(start, body, key_bytes)
