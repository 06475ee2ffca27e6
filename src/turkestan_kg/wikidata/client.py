"""A polite Wikidata Query Service client: one request at a time, retries, a disk cache.

It follows Wikimedia's User-Agent policy (tool name and version, a contact, the library),
sends one request at a time, and asks through the project's one HTTP client
(:mod:`turkestan_kg.remote.http`): a deadline for each whole request, a size cap, retries of 429 and
5xx answers with jittered back-off that honours ``Retry-After`` (up to ``max_wait``), every
answer checked as SPARQL JSON with the variables the caller needs (WDQS reports late errors
inside a 200 body), and good answers cached on disk, with expiry, so a re-run asks the
service nothing.

>>> client = WikidataClient("http://127.0.0.1:9/sparql", contact="curators@example.org", cache_dir=None)
>>> client.user_agent.startswith("turkestan-kg/")
True
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection
from pathlib import Path

import httpx
from rdflib.term import Identifier

from ..about import version
from ..errors import RemoteError, UsageError
from ..remote.http import Client, Policy
from ..remote.sparql import FORM, RESULTS_JSON, select_results
from ..remote.urls import http_url
from . import WDQS

_ONE_AT_A_TIME = threading.Lock()
LOG = logging.getLogger("turkestan_kg")

Row = dict[str, Identifier]


class WikidataError(RemoteError):
    """The endpoint could not be reached, kept failing, or answered something unusable."""


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
        max_bytes: int = 64 * 2**20,
        cache_ttl: float = 24 * 3600.0,
        cache_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        contact = contact or os.environ.get("TKG_CONTACT")
        if not contact and endpoint == WDQS:
            raise UsageError(
                "Wikimedia asks every client for a contact in its User-Agent",
                hint="pass --contact you@example.org (or set TKG_CONTACT)",
            )
        try:
            self.endpoint = http_url(endpoint)
        except ValueError as err:
            raise WikidataError(str(err), hint="give --endpoint an http(s) URL") from None
        self.user_agent = (
            f"turkestan-kg/{version()} ({contact or 'no contact given'}) "
            f"httpx/{httpx.__version__} Python/{sys.version.split()[0]}"
        )
        policy = Policy(timeout, retries, backoff, max_wait, max_bytes, cache_ttl)
        self.client = Client(
            user_agent=self.user_agent,
            policy=policy,
            cache_dir=cache_dir,
            error=WikidataError,
            sleep=sleep,
            notice=LOG.warning,
        )

    def __enter__(self) -> WikidataClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    @property
    def requests(self) -> int:
        """How many requests were sent (retries included; cached answers are not requests)."""
        return self.client.attempts

    def select(self, query: str, required: Collection[str] = ()) -> list[Row]:
        """The rows of a SELECT query as dicts of rdflib terms; every row binds ``required``."""
        content = urllib.parse.urlencode({"query": query}).encode("utf-8")
        headers = {"Accept": RESULTS_JSON, "Content-Type": FORM}
        with _ONE_AT_A_TIME:
            result = self.client.fetch(
                "POST",
                self.endpoint,
                lambda body: select_results(body, required),
                content=content,
                headers=headers,
                sent="query",
            )
        if result.kind != "select":
            raise WikidataError(f"{self.endpoint} answered a SELECT query with a boolean")
        return [dict(row) for row in result.rows]
