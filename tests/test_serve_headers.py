"""The headers every answer carries (`web/headers.py`): the security headers in place of a
handler's own, and CORS as Starlette's middleware sets it, on generated requests and over
real HTTP with the answer cache between them."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servers import project_site
from turkestan_kg.web.headers import HEADERS, RAW, AnswerHeaders, cors, policy

SECURITY = frozenset(name for name, _ in RAW[False, False])


def handler(headers: list[tuple[bytes, bytes]]) -> ASGIApp:
    """An application answering 200 with ``headers``; it keeps the message it sent, as the
    answer cache does."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": 200, "headers": headers}
        await send(start)
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def answered(app: ASGIApp, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def run() -> None:
        await app(scope, receive, send)

    asyncio.run(run())
    return sent


def secured(messages: list[Message], path: str) -> list[Message]:
    """What the security headers do, written out plainly: a handler's own are dropped and
    the server's are added."""
    start, *rest = messages
    framed = "frame-ancestors *" in policy(path)
    kept = [(n, v) for n, v in start.get("headers", []) if n.lower() not in SECURITY]
    return [{**start, "headers": kept + list(RAW[framed, False])}, *rest]


def normal(messages: list[Message]) -> tuple[object, ...]:
    start, *rest = messages
    headers = sorted((n.lower(), v) for n, v in start.get("headers", []))
    return start["status"], headers, [m.get("body") for m in rest]


def some_of(
    *pairs: tuple[bytes, bytes], unique: bool = False
) -> st.SearchStrategy[list[tuple[bytes, bytes]]]:
    """Up to five of these headers, in any order (lower-case names, as ASGI has them)."""
    return st.lists(st.sampled_from(pairs), max_size=5, unique=unique)


HANDLER_HEADERS = some_of(
    (b"vary", b"Accept"),
    (b"vary", b"Accept-Language"),
    (b"vary", b"Cookie"),
    (b"access-control-allow-origin", b"https://set.by.handler"),
    (b"content-security-policy", b"script-src *"),
    (b"x-content-type-options", b"sniff"),
    (b"x-kept", b"yes"),
    (b"content-type", b"text/plain; charset=utf-8"),
)
REQUEST_HEADERS = some_of(
    (b"origin", b"https://example.org"),
    (b"origin", b"null"),
    (b"access-control-request-method", b"POST"),
    (b"access-control-request-method", b"PUT"),
    (b"access-control-request-headers", b"content-type"),
    (b"access-control-request-headers", b"x-custom"),
    (b"cookie", b"a=b"),
    (b"accept", b"text/turtle"),
    unique=True,
)


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS"]),
    path=st.sampled_from(["/sparql", "/reconcile/preview", "/"]),
    request_headers=REQUEST_HEADERS,
    handler_headers=HANDLER_HEADERS,
)
def test_the_headers_are_starlette_s_cors_and_the_security_headers(
    method: str,
    path: str,
    request_headers: list[tuple[bytes, bytes]],
    handler_headers: list[tuple[bytes, bytes]],
) -> None:
    scope = {"type": "http", "method": method, "path": path, "headers": request_headers}
    ours = answered(AnswerHeaders(handler(list(handler_headers))), scope)
    reference = secured(answered(cors(handler(list(handler_headers))), scope), path)
    assert normal(ours) == normal(reference)


def test_the_handler_s_message_is_not_changed() -> None:
    """The answer cache keeps the messages it sends; a later request from another origin,
    or none, must not find the headers of an earlier one in them."""
    kept = [(b"vary", b"Accept"), (b"content-type", b"text/plain")]
    app = AnswerHeaders(handler(kept))
    for origin in ([(b"origin", b"https://example.org")], [], [(b"origin", b"null")]):
        scope = {"type": "http", "method": "GET", "path": "/", "headers": origin}
        start = answered(app, scope)[0]
        allowed = [v for n, v in start["headers"] if n == b"access-control-allow-origin"]
        assert allowed == ([b"*"] if origin else []), start
        assert (b"vary", b"Accept, Origin") in start["headers"]
    assert kept == [(b"vary", b"Accept"), (b"content-type", b"text/plain")]


def test_a_handler_s_own_security_header_is_replaced_not_doubled() -> None:
    headers = [(b"content-security-policy", b"script-src *"), (b"x-kept", b"yes")]
    scope = {"type": "http", "path": "/", "method": "GET", "headers": []}
    sent = answered(AnswerHeaders(handler(headers)), scope)[0]["headers"]
    policies = [value for name, value in sent if name == b"content-security-policy"]
    assert len(policies) == 1 and b"script-src 'self'" in policies[0], sent
    assert (b"x-kept", b"yes") in sent
    assert (b"x-content-type-options", HEADERS["X-Content-Type-Options"].encode()) in sent


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    from turkestan_kg.web.sandbox import Limits

    with project_site(Limits(timeout=20)) as url:
        yield url


def _get(url: str, headers: dict[str, str]) -> tuple[str | None, str]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.headers.get("Access-Control-Allow-Origin"), response.headers["Vary"]


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/person/turar-risqulov"])
def test_a_kept_answer_carries_cors_only_for_a_request_with_an_origin(base: str, path: str) -> None:
    """The answer cache sits behind the CORS headers: the same kept answer goes to a page of
    another origin with ``Access-Control-Allow-Origin`` and to a client sending no
    ``Origin`` without it, ``Vary`` naming ``Origin`` for both."""
    accept = {"Accept": "text/turtle" if "person" in path else "application/sparql-results+json"}
    page = {**accept, "Origin": "https://example.org"}
    seen = [_get(base + path, headers) for headers in (accept, page, accept, page, page, accept)]
    assert [allowed for allowed, _ in seen] == [None, "*", None, "*", "*", None]
    assert all("Origin" in vary and "Accept" in vary for _, vary in seen), seen


def _status(url: str, headers: dict[str, str]) -> tuple[int, int]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as err:
        return err.code, len(err.read())


def test_a_kept_file_still_answers_conditional_and_range_requests(base: str) -> None:
    """A small file is kept after it is asked for twice; a request for part of it, or for
    it only if it changed, still gets a 206 or a 304 (the cache once answered both with the
    whole file, 200)."""
    url = base + "/static/yasgui.min.css"
    request = urllib.request.Request(url)
    with urllib.request.urlopen(request, timeout=30) as response:
        tag, size = response.headers["ETag"], len(response.read())
    for _ in range(3):
        assert _status(url, {}) == (200, size)
    assert _status(url, {"If-None-Match": tag}) == (304, 0)
    assert _status(url, {"Range": "bytes=0-9"}) == (206, 10)
    assert _status(url, {"Range": "bytes=0-9", "Origin": "https://example.org"}) == (206, 10)
    assert _status(url, {}) == (200, size)
