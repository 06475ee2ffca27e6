"""What handlers raise when a request cannot be answered (an HTTP error with a one-line
message, Starlette's exception, so routing's 404s and 405s go through the same handler),
and what they return: a finished answer, computed off the event loop.

>>> HttpError(404, "no entity x").detail
'no entity x'
>>> Rendered(b"hi", "text/plain").response().headers["content-type"]
'text/plain; charset=utf-8'
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]
"""A route's handler: a request in, its response out."""


class HttpError(HTTPException):
    """A request the server answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers)

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


async def computed(
    make: Callable[[], Rendered], threads: CapacityLimiter | None = None
) -> Response:
    """The answer ``make`` computes, in a thread (it may block on the store or a SPARQL
    worker) taken from ``threads`` (default: the one pool pages share); the answer cache in
    front (:mod:`.answers`) keeps it."""
    return (await anyio.to_thread.run_sync(make, limiter=threads)).response()
