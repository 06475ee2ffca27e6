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
from typing import TypeAlias, TypedDict

from ..errors import TkgError
from ..namespaces import BASE
from .names import similarity

TENURE_YEARS = "tenure-years"
WIKIDATA = "wikidata"
COMPUTED = {TENURE_YEARS: "years of leadership tenures", WIKIDATA: "Wikidata item"}
DEFAULT_LIMIT = 5
MAX_LIMIT = 100

Named: TypeAlias = dict[str, str]
"""A type, property or entity in the API's shape: ``{"id": ..., "name": ...}``."""
Cell: TypeAlias = dict[str, str] | dict[str, int]
"""One value in data extension: an entity (``id``, ``name``), ``{"int": n}`` or ``{"str": s}``."""


class Candidate(TypedDict):
    """One candidate of a query, in the API's shape."""

    id: str
    name: str
    type: list[Named]
    score: float
    match: bool
    description: str


class Answer(TypedDict):
    """The answer to one query of a batch."""

    result: list[Candidate]


class Extension(TypedDict):
    """A data extension: the properties asked for, and their values per entity."""

    meta: list[Named]
    rows: dict[str, dict[str, list[Cell]]]


class ReconcileError(TkgError):
    """A reconciliation request that does not have the API's shape."""


@dataclass(frozen=True)
class Query:
    """One reconciliation query, read from the API's JSON."""

    text: str
    types: tuple[str, ...]
    limit: int
    properties: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def parse(cls, key: str, raw: object) -> Query:
        if not isinstance(raw, dict):
            raise ReconcileError(f"query {key!r} is not an object")
        text, limit, types = _text(key, raw), _limit(key, raw), _types(key, raw)
        properties = tuple(_constraint(key, p) for p in raw.get("properties", []) or [])
        if not text and not properties:
            raise ReconcileError(f"query {key!r} has neither a query string nor properties")
        return cls(text, types, min(limit, MAX_LIMIT), properties)


def _text(key: str, raw: dict[str, object]) -> str:
    text = raw.get("query", "")
    if not isinstance(text, str):
        raise ReconcileError(f"query {key!r}: 'query' is not a string")
    return text


def _limit(key: str, raw: dict[str, object]) -> int:
    limit = raw.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ReconcileError(f"query {key!r}: 'limit' is not a positive integer")
    return limit


def _types(key: str, raw: dict[str, object]) -> tuple[str, ...]:
    kind = raw.get("type", [])
    types = (kind,) if isinstance(kind, str) else kind
    if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
        raise ReconcileError(f"query {key!r}: 'type' is not a type id or a list of them")
    return tuple(types)


def _constraint(key: str, raw: object) -> tuple[str, tuple[str, ...]]:
    """A property constraint's id and the values it asks for, as text."""
    if not isinstance(raw, dict) or not isinstance(raw.get("pid"), str) or "v" not in raw:
        raise ReconcileError(f"query {key!r}: each property needs a 'pid' and a 'v'")
    values = raw["v"] if isinstance(raw["v"], list) else [raw["v"]]
    return raw["pid"], tuple(str(v.get("id") if isinstance(v, dict) else v) for v in values)


@dataclass(frozen=True)
class Fact:
    """One value of one property of an entity, as data extension and constraints see it."""

    property: str
    value: str
    label: str
    is_iri: bool


def cell(fact: Fact) -> Cell:
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


def property_score(pid: str, values: tuple[str, ...], facts: list[Fact]) -> tuple[float, str]:
    """How well the entity's values of ``pid`` fit any of ``values`` (0-100), and why."""
    held = [f for f in facts if f.property == pid]
    if not held:
        return 0.0, f"no {property_name(pid)} held"
    best, why = 0.0, ""
    for wanted in values:
        for fact in held:
            score = _fit(wanted, fact)
            if score > best:
                best, why = score, f"{property_name(pid)} {fact.label!r} ~ {wanted!r} ({score:g})"
    return best, why


def _fit(wanted: str, fact: Fact) -> float:
    """100 for the same value (or a year the value starts with), else the names' similarity."""
    if fact.value == wanted or fact.value[:4] == wanted[:4] == wanted:
        return 100.0
    return similarity(wanted, fact.label if fact.is_iri else fact.value)[0]
