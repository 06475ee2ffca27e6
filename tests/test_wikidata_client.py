"""The polite client against small loopback servers that misbehave on purpose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal

from servers import free_port, scripted_endpoint
from turkestan_kg.errors import UsageError
from turkestan_kg.wikidata import WDQS
from turkestan_kg.wikidata.client import WikidataClient, WikidataError

GOOD = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}
).encode()
TRUNCATED = GOOD[: len(GOOD) // 2]
LATE_ERROR = GOOD[:-3] + b"\njava.util.concurrent.TimeoutException"
QUERY = "SELECT ?n WHERE { BIND (1 AS ?n) }"


def client(url: str, waits: list[float], **options: Any) -> WikidataClient:
    return WikidataClient(
        url, contact="curators@example.org", cache_dir=None, sleep=waits.append, **options
    )


def test_retries_429_honouring_retry_after() -> None:
    waits: list[float] = []
    with scripted_endpoint([(429, {"Retry-After": "3"}, b"slow down", 0), (200, {}, GOOD, 0)]) as (
        url,
        seen,
    ):
        rows = client(url, waits).select(QUERY)
    assert rows == [{"n": Literal("1")}]
    assert len(seen) == 2 and waits == [3.0]


def test_backs_off_exponentially_on_503_and_bad_bodies() -> None:
    waits: list[float] = []
    script: list[tuple[int, dict[str, str], bytes, float]] = [
        (503, {}, b"busy", 0),
        (200, {}, TRUNCATED, 0),
        (200, {}, LATE_ERROR, 0),
        (200, {}, GOOD, 0),
    ]
    with scripted_endpoint(script) as (url, seen):
        assert client(url, waits, backoff=0.5).select(QUERY)
    assert len(seen) == 4
    # exponential back-off with up to one backoff of random jitter added to each wait
    assert [int(w / 0.5) for w in waits] == [1, 2, 4] and all(w < 2.5 for w in waits)


def test_gives_up_with_a_clear_error() -> None:
    waits: list[float] = []
    with (
        scripted_endpoint([(503, {}, b"busy", 0)]) as (url, seen),
        pytest.raises(WikidataError, match=r"kept failing \(HTTP 503\) after 3 attempts"),
    ):
        client(url, waits, retries=2).select(QUERY)
    assert len(seen) == 3


def test_a_truncated_body_is_never_taken_for_an_answer() -> None:
    waits: list[float] = []
    with (
        scripted_endpoint([(200, {}, TRUNCATED, 0)]) as (url, _),
        pytest.raises(WikidataError, match="not complete SPARQL JSON"),
    ):
        client(url, waits, retries=1).select(QUERY)


def test_a_slow_reply_times_out_and_is_retried() -> None:
    waits: list[float] = []
    with scripted_endpoint([(200, {}, GOOD, 2.5), (200, {}, GOOD, 0)]) as (url, seen):
        assert client(url, waits, timeout=1).select(QUERY)
    assert len(seen) == 2 and len(waits) == 1


def test_unreachable_endpoint_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(WikidataError, match="cannot reach"):
        client(url, []).select(QUERY)


def test_user_agent_follows_the_wikimedia_policy() -> None:
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, seen):
        client(url, []).select(QUERY)
    agent = seen[0]["User-Agent"]
    assert agent.startswith("turkestan-kg/0.1.0 (curators@example.org) httpx/")
    assert "Python/" in agent


def test_the_public_endpoint_needs_a_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TKG_CONTACT", raising=False)
    with pytest.raises(UsageError, match="contact"):  # exit code 2, a usage mistake
        WikidataClient(WDQS)


def test_the_cache_spares_the_service(tmp_path: Path) -> None:
    with scripted_endpoint([(200, {}, GOOD, 0)]) as (url, seen):
        first = WikidataClient(url, contact="x@example.org", cache_dir=tmp_path).select(QUERY)
        second = WikidataClient(url, contact="x@example.org", cache_dir=tmp_path).select(QUERY)
    assert first == second and len(seen) == 1
    assert (tmp_path / ".turkestan-kg").read_text().startswith("cache\n")


def test_an_answer_whose_head_lacks_the_variables_asked_for_is_not_believed() -> None:
    """An empty answer to some other query (its head names none of the variables) is not
    taken for "Wikidata has nothing": diff and QuickStatements would then propose nothing,
    or everything."""
    empty = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    with (
        scripted_endpoint(
            [(200, {"Content-Type": "application/sparql-results+json"}, empty, 0)]
        ) as (url, _),
        pytest.raises(WikidataError, match=r"its head names no \?item"),
    ):
        client(url, [], retries=0).select(QUERY, required=("item",))
