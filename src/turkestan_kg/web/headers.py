"""The security headers every answer carries, errors and cached replays included: a
Content-Security-Policy (scripts and styles only from this server, no inline script, no
framing), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``.

One ASGI middleware, outermost, sets them on every ``http.response.start``, so no handler
can forget them. The one inline block the server sends, the ontology and shapes pages'
stylesheet, is allowed by its hash; the reconciliation previews may be framed, as clients
such as OpenRefine show them in an iframe.

>>> "frame-ancestors 'none'" in policy("/")
True
>>> "frame-ancestors *" in policy("/reconcile/preview")
True
"""

from __future__ import annotations

import base64
import hashlib

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


def _raw(csp: str) -> tuple[tuple[bytes, bytes], ...]:
    pairs = (("Content-Security-Policy", csp), *HEADERS.items())
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in pairs)


RAW = {framed: _raw(policy("/reconcile/preview" if framed else "/")) for framed in (False, True)}
"""The headers as an ASGI message holds them, for answers framed or not (made once)."""
OURS = frozenset(name for name, _ in RAW[False])


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP answer, in place of any
    a handler set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ours = RAW[scope["path"] in FRAMED]

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                theirs = message.get("headers", ())
                message["headers"] = [h for h in theirs if h[0].lower() not in OURS] + [*ours]
            await send(message)

        await self.app(scope, receive, secured)
