"""The Reconciliation Service API's 1.0-draft over the same service: JSON bodies, queries
as lists of conditions, results and extension rows as lists.
"""

from __future__ import annotations

from ..values import Json
from .query import Candidate, Query, ReconcileError
from .service import MAX_QUERIES, Service


class DraftService:
    """The same service in the 1.0-draft's shapes: JSON bodies, queries as conditions,
    results and extension rows as lists."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def manifest(self, origin: str) -> dict[str, Json]:
        plain = self.service.manifest(origin)
        return {
            "versions": ["1.0-draft"],
            "name": self.service.name,
            "identifierSpace": plain["identifierSpace"],
            "schemaSpace": plain["schemaSpace"],
            "defaultTypes": plain["defaultTypes"],
            "view": {"url": origin + "/reconcile/view?id={id}"},
            "preview": {"width": 430, "height": 300},
            "suggest": {"entity": True, "type": True, "property": True},
            "extend": {"proposeProperties": True, "propertySettings": []},
        }

    def match(self, document: object) -> dict[str, list[dict[str, list[Candidate]]]]:
        """A 1.0-draft batch (``{"queries": [...]}``) answered in order."""
        if not isinstance(document, dict) or not isinstance(document.get("queries"), list):
            raise ReconcileError('send {"queries": [...]}: a list of queries')
        queries = [_query(i, q) for i, q in enumerate(document["queries"])]
        if len(queries) > MAX_QUERIES:
            raise ReconcileError(f"more than {MAX_QUERIES} queries in one batch")
        return {"results": [{"candidates": self.service.results(q)} for q in queries]}

    def extend(self, document: object) -> dict[str, Json]:
        plain = self.service.extend(document)
        return {
            "meta": plain["meta"],
            "rows": [
                {
                    "id": entity,
                    "properties": [{"id": pid, "values": values} for pid, values in row.items()],
                }
                for entity, row in plain["rows"].items()
            ],
        }


def _query(i: int, raw: object) -> Query:
    """A 1.0-draft query (a list of conditions) as the query the service answers."""
    if not isinstance(raw, dict) or not isinstance(raw.get("conditions"), list):
        raise ReconcileError(f"query {i} has no list of conditions")
    names: list[str] = []
    properties: list[dict[str, object]] = []
    for condition in raw["conditions"]:
        _condition(i, condition, names, properties)
    plain: dict[str, object] = {"query": " ".join(names), "properties": properties}
    plain |= {k: raw[k] for k in ("type", "limit") if k in raw}
    return Query.parse(str(i), plain)


def _condition(
    i: int, condition: object, names: list[str], properties: list[dict[str, object]]
) -> None:
    """Adds a name condition to ``names``, a property condition to ``properties``."""
    if not isinstance(condition, dict):
        raise ReconcileError(f"query {i}: a condition is not an object")
    kind = condition.get("matchType")
    if kind == "name":
        names.append(str(condition.get("propertyValue", "")))
    elif kind == "property" and isinstance(condition.get("propertyId"), str):
        properties.append({"pid": condition["propertyId"], "v": condition.get("propertyValue")})
    else:
        raise ReconcileError(f"query {i}: matchType {kind!r} is not name or property")
