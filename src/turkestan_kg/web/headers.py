"""The security and CORS headers on every answer, errors and cached replays included.

- Security: a Content-Security-Policy (scripts and styles only from this server, no inline
  script, no framing), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``. The one
  inline block the server sends, the ontology and shapes pages' stylesheet, is allowed by
  its hash; the reconciliation previews may be framed, as clients such as OpenRefine show
  them in an iframe.
- CORS, as Starlette's ``CORSMiddleware`` (the server's policy: any origin, no credentials)
  sets them: on an answer to a request with an ``Origin`` header, the headers the
  middleware computes for such answers (``Access-Control-Allow-Origin: *``); on every
  answer, ``Origin`` added to ``Vary``. A preflight (``OPTIONS`` with ``Origin`` and
  ``Access-Control-Request-Method``) is answered by the middleware itself.

One ASGI middleware, outermost, sets them all on every ``http.response.start``, so no
handler can forget them, in one pass over the answer's headers; it stands in front of the
answer cache, which therefore keeps answers without them and need not tell origins apart.
A test holds the CORS headers to what the middleware itself sets, on generated requests.

>>> "frame-ancestors 'none'" in policy("/")
True
>>> "frame-ancestors *" in policy("/reconcile/preview")
True
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..publish.htmldoc import STYLE

FRAMED = frozenset({"/reconcile/preview", "/reconcile/v1/preview"})
"""Paths made to be shown inside another site's frame (reconciliation previews)."""


def _hash(inline: str) -> str:
    digest = hashlib.sha256(inline.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


BASE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {_hash(STYLE)}",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def policy(path: str) -> str:
    """The Content-Security-Policy of the answer at ``path``."""
    framing = "frame-ancestors *" if path in FRAMED else "frame-ancestors 'none'"
    return "; ".join((*BASE_POLICY, framing))


def cors(app: ASGIApp) -> CORSMiddleware:
    """Starlette's CORS middleware with the server's policy: any origin, no credentials,
    the methods and request headers a SPARQL or reconciliation client sends."""
    return CORSMiddleware(
        app,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Accept"],
    )


def _raw(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in pairs)


CROSS_ORIGIN = _raw(cors(lambda *_: None).simple_headers.items())  # type: ignore[arg-type]
"""What CORS adds to an answer to a request with an ``Origin`` header (the middleware's
own computation, made once)."""
RAW = {
    (framed, origin): _raw(
        (
            ("Content-Security-Policy", policy("/reconcile/preview" if framed else "/")),
            *HEADERS.items(),
        )
    )
    + (CROSS_ORIGIN if origin else ())
    for framed in (False, True)
    for origin in (False, True)
}
"""The headers set on an answer as an ASGI message holds them, by whether it may be framed
and whether its request came with an ``Origin`` (made once)."""
REPLACED = {origin: frozenset(name for name, _ in RAW[False, origin]) for origin in (False, True)}
"""The headers a handler may have set that are replaced, not doubled."""


class AnswerHeaders:
    """ASGI middleware setting the security and CORS headers on every HTTP answer, in
    place of any a handler set; ``Origin`` is added to ``Vary``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.preflights = cors(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in scope["headers"]}
        origin = b"origin" in names
        if origin and scope["method"] == "OPTIONS" and b"access-control-request-method" in names:
            ours, replaced = RAW[scope["path"] in FRAMED, False], REPLACED[False]
            await self.preflights(scope, receive, _setting(send, ours, replaced, vary=False))
            return
        ours, replaced = RAW[scope["path"] in FRAMED, origin], REPLACED[origin]
        await self.app(scope, receive, _setting(send, ours, replaced, vary=True))


def _setting(
    send: Send, ours: tuple[tuple[bytes, bytes], ...], replaced: frozenset[bytes], vary: bool
) -> Send:
    """``send`` with ``ours`` set on the answer's start, in place of the handler's headers
    named in ``replaced``, and with ``Origin`` added to ``Vary`` if ``vary``. The handler's
    message is not changed (the answer cache may hold it)."""

    async def setting(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers, varies = [], []
            for header in message.get("headers", ()):
                name = header[0].lower()
                if vary and name == b"vary":
                    varies.append(header[1])
                elif name not in replaced:
                    headers.append(header)
            if vary:
                headers.append((b"vary", b", ".join((*varies, b"Origin"))))
            message = {**message, "headers": [*headers, *ours]}
        await send(message)

    return setting
