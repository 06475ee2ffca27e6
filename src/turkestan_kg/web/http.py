"""What every handler of the server returns or raises: a response, or an HTTP error.

>>> Response("200 OK", b"hi").content_type
'text/html; charset=utf-8'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Start = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]


@dataclass(frozen=True)
class Response:
    """A status, a body, its media type and further headers."""

    status: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class HttpError(Exception):
    """A request the server answers with an error status and a one-line message."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_acceptable(what: str, offers: list[str]) -> HttpError:
    """406, saying which media types there are: ``what`` is "/x is", "results are"..."""
    return HttpError("406 Not Acceptable", f"{what} available as {', '.join(offers)}")
