"""A reconciliation query and the values it is checked against, read from the API's JSON:
the shapes both versions of the API share, and how a property constraint is scored.

>>> Query.parse("q0", {"query": "Kobozev", "type": "http://xmlns.com/foaf/0.1/Person"}).types
('http://xmlns.com/foaf/0.1/Person',)
>>> property_name("https://w3id.org/turkestan-kg/ontology#comesFrom")
'comes from'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TypeAlias, TypedDict

from ..errors import TkgError
from ..matcher import similarity
from ..namespaces import BASE

TENURE_YEARS = "tenure-years"
WIKIDATA = "wikidata"
COMPUTED = {TENURE_YEARS: "years of leadership tenures", WIKIDATA: "Wikidata item"}
DEFAULT_LIMIT = 5
MAX_LIMIT = 100
MAX_JSON_CHARS = 100_000
"""The longest JSON document (a batch of queries, an extension request) the API reads."""
MAX_DEPTH = 20
"""The deepest nesting of arrays and objects in such a document (the API's shapes need 6)."""
MAX_TEXT = 500
"""The longest query string or property value a query may hold."""

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


def read_json(text: str, name: str) -> object:
    """The JSON document ``text`` (called ``name`` in errors), refused past
    :data:`MAX_JSON_CHARS` characters or :data:`MAX_DEPTH` levels of nesting.

    >>> read_json('{"q0": {"query": "Kobozev"}}', "queries")
    {'q0': {'query': 'Kobozev'}}
    >>> read_json("[" * 30 + "]" * 30, "queries")
    Traceback (most recent call last):
    ...
    turkestan_kg.reconcile.query.ReconcileError: queries is nested deeper than 20 levels
    """
    if len(text) > MAX_JSON_CHARS:
        raise ReconcileError(f"{name} is over {MAX_JSON_CHARS:,} characters: send fewer queries")
    too_deep = ReconcileError(f"{name} is nested deeper than {MAX_DEPTH} levels")
    try:
        document: object = json.loads(text)
    except RecursionError:
        raise too_deep from None
    except json.JSONDecodeError as err:
        raise ReconcileError(f"{name} is not JSON: {err.msg} at character {err.pos}") from None
    if depth(document) > MAX_DEPTH:
        raise too_deep
    return document


def depth(document: object) -> int:
    """How deeply arrays and objects nest in a parsed JSON document (a scalar is 0), counted
    without recursion and only until past :data:`MAX_DEPTH`.

    >>> depth({"a": [1, {"b": []}]}), depth("x")
    (4, 0)
    """
    deepest, stack = 0, [(document, 0)]
    while stack and deepest <= MAX_DEPTH:
        node, level = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node
        if isinstance(children, list):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in children)
    return deepest


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
    if len(text) > MAX_TEXT:
        raise ReconcileError(f"query {key!r}: 'query' is over {MAX_TEXT} characters")
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
    texts = tuple(str(v.get("id") if isinstance(v, dict) else v) for v in values)
    if any(len(t) > MAX_TEXT for t in (raw["pid"], *texts)):
        raise ReconcileError(f"query {key!r}: a property value is over {MAX_TEXT} characters")
    return raw["pid"], texts


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
