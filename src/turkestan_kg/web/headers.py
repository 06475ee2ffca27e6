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

from starlette.datastructures import MutableHeaders
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


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = policy(scope["path"])

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                for name, value in HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, secured)
