"""A polite Wikidata Query Service client: one request at a time, retries, a disk cache.

It follows Wikimedia's User-Agent policy (tool name and version, a contact, the library),
sends one request at a time, gives up after a timeout, retries 429 and 5xx answers with
exponential back-off that honours ``Retry-After``, treats a 200 answer whose body is not
complete SPARQL JSON (WDQS reports late errors inside the body) as a failure, and caches
good answers on disk so a re-run asks the service nothing.

>>> client = WikidataClient("http://127.0.0.1:9/sparql", contact="curators@example.org", cache_dir=None)
>>> client.user_agent.startswith("turkestan-kg/")
True
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path
from typing import Any

import SPARQLWrapper as sparqlwrapper_package
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from ..about import version
from ..errors import RemoteError
from ..paths import write_atomic
from ..sparql.remote import from_json_term
from . import WDQS

RETRY_STATUS = {429, 500, 502, 503, 504}
_ONE_AT_A_TIME = threading.Lock()

Row = dict[str, Any]


class WikidataError(RemoteError):
    """The endpoint could not be reached, kept failing, or answered something unusable."""


class TransientError(Exception):
    """A failure worth retrying, with the server's advice on how long to wait."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/turkestan-kg/wikidata`` (``~/.cache/...`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "turkestan-kg" / "wikidata"


class WikidataClient:
    """SELECT queries against a Wikidata-shaped SPARQL endpoint, politely."""

    def __init__(
        self,
        endpoint: str = WDQS,
        *,
        contact: str | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        cache_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        contact = contact or os.environ.get("TKG_CONTACT")
        if not contact and endpoint == WDQS:
            raise WikidataError(
                "Wikimedia asks every client for a contact in its User-Agent",
                hint="pass --contact you@example.org (or set TKG_CONTACT)",
            )
        self.endpoint = endpoint
        self.user_agent = (
            f"turkestan-kg/{version()} ({contact or 'no contact given'}) "
            f"SPARQLWrapper/{sparqlwrapper_package.__version__} Python/{sys.version.split()[0]}"
        )
        self.timeout, self.retries, self.backoff, self.max_wait = (
            timeout,
            retries,
            backoff,
            max_wait,
        )
        self.cache_dir = cache_dir
        self.sleep = sleep
        self.requests = 0

    def select(self, query: str) -> list[Row]:
        """The rows of a SELECT query as dicts of rdflib terms."""
        data = self._cached(query)
        rows = data["results"]["bindings"]
        return [{k: from_json_term(v) for k, v in row.items()} for row in rows]

    def _cached(self, query: str) -> dict[str, Any]:
        path = self._cache_path(query)
        if path is not None and path.is_file():
            return dict(json.loads(path.read_text(encoding="utf-8")))
        data = self._with_retries(query)
        if path is not None:
            write_atomic(path, json.dumps(data, sort_keys=True).encode("utf-8"))
        return data

    def _cache_path(self, query: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _with_retries(self, query: str) -> dict[str, Any]:
        for attempt in range(self.retries + 1):
            try:
                return self._once(query)
            except TransientError as err:
                if attempt == self.retries:
                    raise WikidataError(
                        f"{self.endpoint} kept failing ({err.reason}) after {attempt + 1} attempts",
                        hint="try again later",
                    ) from None
                self.sleep(self._wait(attempt, err.retry_after))
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.max_wait, max(0.0, retry_after))
        return float(min(self.max_wait, self.backoff * 2**attempt))

    def _once(self, query: str) -> dict[str, Any]:
        client = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        client.setQuery(query)
        client.queryType = "SELECT"
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(max(1, round(self.timeout)))
        with _ONE_AT_A_TIME:
            self.requests += 1
            body = self._request(client)
        return parse_results(body)

    def _request(self, client: SPARQLWrapper) -> bytes:
        try:
            return bytes(client.query().response.read())
        except urllib.error.HTTPError as err:
            if err.code in RETRY_STATUS:
                raise TransientError(
                    f"HTTP {err.code}", retry_after_seconds(err.headers.get("Retry-After"))
                ) from None
            raise WikidataError(f"{self.endpoint} answered HTTP {err.code}") from None
        except EndPointInternalError:
            raise TransientError("HTTP 500") from None
        except TimeoutError:
            raise TransientError(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError | socket.timeout):
                raise TransientError(f"no answer within {self.timeout:g} s") from None
            raise WikidataError(
                f"cannot reach {self.endpoint}: {err.reason}",
                hint="check the URL and your network, or use --endpoint",
            ) from None
        except SPARQLWrapperException as err:
            first = str(err).strip().splitlines()[0]
            raise WikidataError(f"{self.endpoint} refused the query: {first}") from None


def parse_results(body: bytes) -> dict[str, Any]:
    """SPARQL JSON results, or TransientError if the body is cut short or carries an error."""
    try:
        data = json.loads(body)
        data["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        tail = body[-120:].decode("utf-8", "replace").strip().replace("\n", " ")
        raise TransientError(
            f"the answer was not complete SPARQL JSON (ends with {tail!r})"
        ) from None
    return dict(data)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    >>> retry_after_seconds("7"), retry_after_seconds(None)
    (7.0, None)
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
