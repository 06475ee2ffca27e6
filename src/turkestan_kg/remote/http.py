"""The one HTTP client: every request to a SPARQL endpoint, Wikidata or a Graph Store goes here.

Built on kept libraries: httpx (HTTP), tenacity (retries), diskcache (the answer cache).
What it adds is the policy this project's users need:

- a deadline for the whole request: a body that trickles in is cut off once ``timeout`` has
  passed (at worst one read later), not only when one read stalls;
- a size cap enforced while the body streams in (``max_bytes``), so a huge answer is never
  held in memory whole;
- retries with jittered exponential back-off on resets, cut-off bodies, timeouts and the
  statuses that mean "later" (429, 503...), honouring ``Retry-After`` up to ``max_wait``: a
  server that asks for longer gets a clear error saying so instead of a silent early retry;
- every answer checked by the caller's ``check`` (the shape it expects) before it is used or
  cached; an answer that fails it is retried, and never stored;
- a cache with expiry (``cache_ttl``) whose entries carry their SHA-256: a damaged entry, or
  one that no longer passes its check, is reported, dropped and fetched again.

>>> Policy().timeout, Policy().retries
(30.0, 4)
"""

from __future__ import annotations

import email.utils
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
import tenacity

from ..errors import RemoteError
from .cache import AnswerCache

T = TypeVar("T")
LATER = frozenset({429, 500, 502, 503, 504})
"""Statuses that mean "try again later"."""


class Untrusted(Exception):
    """Raised by a caller's check: the answer is not what was asked for."""


class Transient(Exception):
    """A failure worth retrying, with the server's advice on how long to wait."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Policy:
    """How patient the client is and how much it accepts."""

    timeout: float = 30.0
    """Seconds for a whole request, body included."""
    retries: int = 4
    """Attempts after the first one."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled each time, with random jitter added."""
    max_wait: float = 120.0
    """The longest ``Retry-After`` honoured; a server asking for more gets an error."""
    max_bytes: int = 256 * 2**20
    """The largest answer accepted."""
    cache_ttl: float = 24 * 3600.0
    """Seconds a cached answer is used before it is asked for again."""
    retry_status: frozenset[int] = field(default=LATER)
    """Statuses that are retried; any other status of 400 or more is a refusal."""


@dataclass(frozen=True)
class Request:
    """One request as the caller asked for it; ``sent`` says what it sends, for messages."""

    method: str
    url: str
    content: bytes | None
    headers: Mapping[str, str]
    sent: str


Sleep = Callable[[float], None]
Notice = Callable[[str], None]


class Client:
    """Requests with a deadline, a size cap, retries, checks and a cache (see the module).

    ``error`` is the class of what it raises (a :class:`RemoteError`), and ``name`` how its
    messages call the server, e.g. "SPARQL endpoint {url}" or "the store at {url}".
    """

    def __init__(
        self,
        *,
        user_agent: str,
        policy: Policy | None = None,
        cache_dir: Path | None = None,
        error: type[RemoteError] = RemoteError,
        name: str = "{url}",
        sleep: Sleep = time.sleep,
        notice: Notice = lambda message: None,
    ) -> None:
        self.policy = policy or Policy()
        self.error, self.name, self.sleep, self.notice = error, name, sleep, notice
        self.headers = {"User-Agent": user_agent}
        self.cache = AnswerCache(cache_dir, self.policy.cache_ttl, notice) if cache_dir else None
        self.attempts = 0
        self.status = 0
        """The HTTP status of the last answer."""
        self.media_type = ""
        """The media type of the last answer (its Content-Type without parameters)."""
        self._http: httpx.Client | None = None

    @property
    def http(self) -> httpx.Client:
        """One httpx client for every request and retry, so connections are kept alive and
        reused (made on first use)."""
        if self._http is None:
            self._http = httpx.Client(timeout=self.policy.timeout)
        return self._http

    def fetch(
        self,
        method: str,
        url: str,
        check: Callable[[bytes], T],
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        sent: str = "request",
    ) -> T:
        """``check(body)`` of the answer to one request, from the cache when it holds one
        (only GET and POST answers are cached, and only when a cache folder was given)."""
        key = _key(method, url, content, headers) if method in ("GET", "POST") else None
        cached = self._from_cache(key, check)
        if cached is not None:
            return cached[0]
        request = Request(method, url, content, headers or {}, sent)
        value, body = self._with_retries(request, check)
        if self.cache is not None and key is not None:
            self.cache.put(key, body)
        return value

    def close(self) -> None:
        """Close the connections and the answer cache, if there is one."""
        if self._http is not None:
            self._http.close()
            self._http = None
        if self.cache is not None:
            self.cache.close()

    def _from_cache(self, key: str | None, check: Callable[[bytes], T]) -> tuple[T] | None:
        if self.cache is None or key is None:
            return None
        body = self.cache.get(key)
        if body is None:
            return None
        try:
            return (check(body),)
        except Untrusted as err:
            self.notice(f"a cached answer no longer passes its check ({err}); asking again")
            self.cache.drop(key)
            return None

    def _with_retries(self, request: Request, check: Callable[[bytes], T]) -> tuple[T, bytes]:
        url = request.url
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.retries + 1),
            wait=lambda state: self._wait(url, state),
            retry=tenacity.retry_if_exception_type(Transient),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(request, check)
        except Transient as err:
            raise self.error(
                f"{self._name(url)} kept failing ({err.reason}) after "
                f"{self.policy.retries + 1} attempt{'s' * bool(self.policy.retries)}",
                hint="try again later, or allow more time",
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, url: str, state: tenacity.RetryCallState) -> float:
        err = state.outcome.exception() if state.outcome else None
        asked = err.retry_after if isinstance(err, Transient) else None
        if asked is not None:
            if asked > self.policy.max_wait:
                raise self.error(
                    f"{self._name(url)} asks to wait {asked:g} s (Retry-After), longer than "
                    f"the {self.policy.max_wait:g} s this client waits",
                    hint="try again later",
                )
            return asked
        return min(self.policy.max_wait, float(self._backoff(state)))

    @property
    def _backoff(self) -> tenacity.wait.wait_base:
        """Exponential back-off from ``backoff`` seconds with up to as much again of jitter,
        capped at ``max_wait``: tenacity's own waits, combined."""
        policy = self.policy
        exponential = tenacity.wait_exponential(multiplier=policy.backoff, max=policy.max_wait)
        return tenacity.wait_combine(exponential, tenacity.wait_random(0, policy.backoff))

    def _once(self, request: Request, check: Callable[[bytes], T]) -> tuple[T, bytes]:
        self.attempts += 1
        body = self._body(request)
        try:
            return check(body), body
        except Untrusted as err:
            raise Transient(str(err)) from None

    def _body(self, request: Request) -> bytes:
        url, headers = request.url, {**self.headers, **request.headers}
        deadline = time.monotonic() + self.policy.timeout
        try:
            with self.http.stream(
                request.method, url, content=request.content, headers=headers
            ) as response:
                self._status(url, response, request.sent)
                return self._read(url, response, deadline)
        except httpx.TimeoutException:
            raise Transient(f"no answer from {url} within {self.policy.timeout:g} s") from None
        except httpx.ConnectError as err:
            raise self.error(
                f"cannot reach {self._name(url)}: {_reason(err)}",
                hint="check the URL and that the server is running",
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            raise Transient(f"the connection broke: {_reason(err)}") from None
        except httpx.HTTPError as err:
            raise self.error(f"cannot talk to {self._name(url)}: {_reason(err)}") from None

    def _status(self, url: str, response: httpx.Response, sent: str) -> None:
        code = self.status = response.status_code
        self.media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if code in self.policy.retry_status:
            raise Transient(
                f"HTTP {code}", retry_after_seconds(response.headers.get("Retry-After"))
            )
        if 300 <= code < 400:
            where = response.headers.get("Location", "elsewhere")
            raise self.error(
                f"{self._name(url)} answered the {sent} with a redirect (HTTP {code}) to {where}",
                hint="redirects are not followed: give the URL it points to",
            )
        if code >= 400 or code < 200:
            detail = _first_line(response)
            raise self.error(f"{self._name(url)} refused the {sent}: HTTP {code} {detail}".strip())

    def _read(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise self._too_large(url)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.policy.max_bytes:
                raise self._too_large(url)
            if time.monotonic() > deadline:
                raise Transient(f"no complete answer from {url} within {self.policy.timeout:g} s")
        return bytes(body)

    def _too_large(self, url: str) -> RemoteError:
        return self.error(
            f"{self._name(url)} sent an answer over {self.policy.max_bytes:,} bytes",
            hint="ask for less: add a LIMIT, or page a stored query with --page",
        )

    def _name(self, url: str) -> str:
        return self.name.format(url=url)


def _key(method: str, url: str, content: bytes | None, headers: Mapping[str, str] | None) -> str:
    accept = (headers or {}).get("Accept", "")
    text = f"{method}\n{url}\n{accept}\n".encode() + (content or b"")
    return hashlib.sha256(text).hexdigest()


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return text.splitlines()[0]


def _first_line(response: httpx.Response) -> str:
    try:
        head = next(response.iter_bytes(), b"")[:300]
    except httpx.HTTPError:
        return ""
    lines = head.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else ""


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    >>> retry_after_seconds("7"), retry_after_seconds(None), retry_after_seconds("soon")
    (7.0, None, None)
    """
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
