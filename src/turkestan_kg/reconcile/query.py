"""A reconciliation query and the values it is checked against, read from the API's JSON:
the shapes both versions of the API share, and how a property constraint is scored.

>>> Query.parse("q0", {"query": "Kobozev", "type": "http://xmlns.com/foaf/0.1/Person"}).types
('http://xmlns.com/foaf/0.1/Person',)
>>> property_name("https://w3id.org/turkestan-kg/ontology#comesFrom")
'comes from'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import TkgError
from ..namespaces import BASE
from .names import similarity

TENURE_YEARS = "tenure-years"
WIKIDATA = "wikidata"
COMPUTED = {TENURE_YEARS: "years of leadership tenures", WIKIDATA: "Wikidata item"}
DEFAULT_LIMIT = 5
MAX_LIMIT = 100


class ReconcileError(TkgError):
    """A reconciliation request that does not have the API's shape."""


@dataclass(frozen=True)
class Query:
    """One reconciliation query, read from the API's JSON."""

    text: str
    types: tuple[str, ...]
    limit: int
    properties: tuple[tuple[str, tuple[Any, ...]], ...]

    @classmethod
    def parse(cls, key: str, raw: Any) -> Query:
        if not isinstance(raw, dict):
            raise ReconcileError(f"query {key!r} is not an object")
        text = raw.get("query", "")
        if not isinstance(text, str):
            raise ReconcileError(f"query {key!r}: 'query' is not a string")
        limit = raw.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ReconcileError(f"query {key!r}: 'limit' is not a positive integer")
        kind = raw.get("type", [])
        types = (kind,) if isinstance(kind, str) else kind
        if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
            raise ReconcileError(f"query {key!r}: 'type' is not a type id or a list of them")
        properties = tuple(_constraint(key, p) for p in raw.get("properties", []) or [])
        if not text and not properties:
            raise ReconcileError(f"query {key!r} has neither a query string nor properties")
        return cls(text, tuple(types), min(limit, MAX_LIMIT), properties)


def _constraint(key: str, raw: Any) -> tuple[str, tuple[Any, ...]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("pid"), str) or "v" not in raw:
        raise ReconcileError(f"query {key!r}: each property needs a 'pid' and a 'v'")
    values = raw["v"] if isinstance(raw["v"], list) else [raw["v"]]
    return raw["pid"], tuple(v.get("id") if isinstance(v, dict) else v for v in values)


@dataclass(frozen=True)
class Fact:
    """One value of one property of an entity, as data extension and constraints see it."""

    property: str
    value: str
    label: str
    is_iri: bool


def cell(fact: Fact) -> dict[str, Any]:
    """One value in the API's shape: an entity, a number or a string."""
    if fact.is_iri and fact.value.startswith(BASE):
        return {"id": fact.value, "name": fact.label}
    if fact.property == TENURE_YEARS:
        return {"int": int(fact.value)}
    if fact.property == WIKIDATA:
        return {"str": fact.value}
    return {"str": fact.label if fact.is_iri else fact.value}


def property_name(iri: str) -> str:
    """A readable name from a property IRI: its local name, words split."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def property_score(pid: str, values: tuple[Any, ...], facts: list[Fact]) -> tuple[float, str]:
    """How well the entity's values of ``pid`` fit any of ``values`` (0-100), and why."""
    held = [f for f in facts if f.property == pid]
    if not held:
        return 0.0, f"no {property_name(pid)} held"
    best, why = 0.0, ""
    for wanted in (str(v) for v in values):
        for fact in held:
            if fact.value == wanted or fact.value[:4] == wanted[:4] == wanted:
                score = 100.0
            elif fact.is_iri:
                score = similarity(wanted, fact.label)[0]
            else:
                score = similarity(wanted, fact.value)[0]
            if score > best:
                best, why = score, f"{property_name(pid)} {fact.label!r} ~ {wanted!r} ({score:g})"
    return best, why
