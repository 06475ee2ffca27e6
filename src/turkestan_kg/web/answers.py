"""The server's HTTP cache: a GET answered once is answered again from memory.

The shipped graph does not change while it is served, so a 200 answer to a GET depends
only on the path, the query string and the headers the answers vary on (``Accept``,
``Accept-Language``, ``Origin``). This layer sits in front of the router, like a caching
proxy: a hit is two ASGI messages sent straight from memory; concurrent misses on the same
key wait for the first one's answer instead of each computing it. Answers are kept least
recently used first, up to a byte budget; errors, streamed bodies (files) and anything but
GET and HEAD always go through.
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VARY = frozenset({b"accept", b"accept-language", b"origin"})
BUDGET = 128 * 1024 * 1024
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
        self.answers: LRUCache[Key, Answer] = LRUCache(
            budget,
            getsizeof=lambda answer: len(answer.body.get("body", b"")) + answer.key_bytes + 512,
        )
        self.pending: dict[Key, asyncio.Future[Answer | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
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
        await self._compute(key, scope, receive, send)

    async def _compute(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer through the application, keeping the answer if it can be kept."""
        waiting: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self.pending[key] = waiting
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            answer = keepable(captured, key_size(key)) if scope["method"] == "GET" else None
            if answer is not None and self.answers.getsizeof(answer) <= self.answers.maxsize:
                self.answers[key] = answer
            del self.pending[key]
            waiting.set_result(answer)


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
