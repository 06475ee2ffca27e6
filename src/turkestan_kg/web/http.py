"""What handlers raise when a request cannot be answered (an HTTP error with a one-line
message, Starlette's exception, so routing's 404s and 405s go through the same handler),
and the answers the server keeps once made (the shipped graph does not change while it
is served, so a page, an RDF view or a query's answer is computed once).

>>> HttpError(404, "no entity x").detail
'no entity x'
>>> Rendered(b"hi", "text/plain").response().headers["content-type"]
'text/plain; charset=utf-8'
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from cachetools import LRUCache
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

KEPT_BYTES = 128 * 1024 * 1024
"""How many bytes of answers the server keeps (least recently used go first)."""


class HttpError(HTTPException):
    """A request the server answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)

    @property
    def message(self) -> str:
        return str(self.detail)


def not_acceptable(what: str, offers: list[str]) -> HttpError:
    """406, saying which media types there are: ``what`` is "/x is", "results are"..."""
    return HttpError(406, f"{what} available as {', '.join(offers)}")


@dataclass(frozen=True)
class Rendered:
    """A finished answer: body, media type (charset added for text), extra headers."""

    body: bytes
    media_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200

    def response(self) -> Response:
        return Response(self.body, self.status, dict(self.headers), media_type=self.media_type)


class Kept:
    """Answers by key, least recently used dropped past ``max_bytes``. Looked up on the
    event loop; a miss is computed in a worker thread (it may block) and then kept."""

    def __init__(self, max_bytes: int = KEPT_BYTES) -> None:
        self.answers: LRUCache[Hashable, Rendered] = LRUCache(
            max_bytes, getsizeof=lambda r: len(r.body) + 256
        )

    async def get(self, key: Hashable, make: Callable[[], Rendered]) -> Response:
        found = self.answers.get(key)
        if found is None:
            found = await run_in_threadpool(make)
            if len(found.body) + 256 <= self.answers.maxsize:
                self.answers[key] = found
        return found.response()
