"""The Reconciliation Service API (W3C Entity Reconciliation Community Group, version 0.2)
over the graph: the documents a client such as OpenRefine reads and sends, as Python data.

Identifiers are the entities' IRIs. A query's ``type`` narrows the candidates to that class
and its subclasses; its ``properties`` are checked against the entity's statements (an IRI
by equality, a name by the same matcher as names, a year against dates and tenure years),
and move the score: 70 % the name, 30 % the properties. A candidate is a ``match`` when it
is the only top one and scores 95 or more, or 85 or more with the next candidate 15 below
(a surname only one person has). Nothing under 60 is returned. Asked without a type,
records about the history (memberships, tenures, observations, notes) rank after the
people and bodies they are about (their score times 0.9). Data extension offers every
property of the entities of a type, plus the years of their leadership tenures and their
Wikidata item.

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.sparql.engines import OxigraphEngine
>>> service = Service(OxigraphEngine(load()))
>>> found = service.reconcile({"q0": {"query": "Рыскулов", "type": "http://xmlns.com/foaf/0.1/Person"}})
>>> top = found["q0"]["result"][0]
>>> top["id"].rsplit("/", 1)[-1], top["name"], top["match"]
('turar-risqulov', 'Turar Rïsqulov', True)
"""

from __future__ import annotations

import difflib
from functools import cached_property

from ..errors import UsageError
from ..namespaces import BASE, WD, curie, expand
from ..sparql.catalogue import get_query
from ..sparql.engines import Engine
from ..sparql.results import Row
from ..values import Json
from .index import Index, Match
from .query import (
    COMPUTED,
    TENURE_YEARS,
    WIKIDATA,
    Answer,
    Candidate,
    Cell,
    Extension,
    Fact,
    Named,
    Query,
    ReconcileError,
    cell,
    property_name,
    property_score,
)

SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERSON = "http://xmlns.com/foaf/0.1/Person"
MATCH_SCORE = 95.0
SURE_SCORE = 85.0
SURE_MARGIN = 15.0
"""A top candidate is a match at MATCH_SCORE, or at SURE_SCORE when the next one is at least
SURE_MARGIN below it (a surname only one entity has)."""
FLOOR = 60.0
"""Candidates under this score are not returned: a name that close to none is unknown."""
RECORDS = frozenset(
    {
        "http://www.w3.org/ns/org#Membership",
        "http://purl.org/linked-data/cube#Observation",
        "http://purl.org/linked-data/cube#DataSet",
        "http://www.w3.org/2004/02/skos/core#ConceptScheme",
        "http://www.w3.org/ns/prov#Agent",
        BASE + "ontology#Tenure",
        BASE + "ontology#CuratorialNote",
        BASE + "ontology#CountryStatement",
    }
)
"""Records about the history (a membership, a tenure, an observation, a note) and the
project's own agents and schemes: without a type, they rank after the people, bodies,
places and events they are about."""
RECORD_WEIGHT = 0.9
SUGGEST_SCORE = 70.0
MAX_QUERIES = 1000


class Service:
    """The reconciliation service over one engine (files, store or endpoint)."""

    def __init__(self, engine: Engine, *, name: str = "turkestan-kg") -> None:
        self.engine = engine
        self.name = name

    @cached_property
    def index(self) -> Index:
        return Index.read(self.engine)

    # ------------------------------------------------------------------ manifest

    def manifest(self, origin: str) -> dict[str, Json]:
        """The service manifest, its URLs under ``origin`` (``http://host:port``)."""
        service = origin + "/reconcile"
        return {
            "versions": ["0.2"],
            "name": self.name,
            "identifierSpace": BASE,
            "schemaSpace": BASE + "ontology#",
            "defaultTypes": [self._type(t) for t in self.default_types()],
            "view": {"url": origin + "/reconcile/view?id={{id}}"},
            "preview": {"url": service + "/preview?id={{id}}", "width": 430, "height": 300},
            "suggest": {
                kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {"service_url": service, "service_path": "/properties"},
                "property_settings": [],
            },
        }

    def default_types(self) -> list[str]:
        """The classes most entities a historian reconciles belong to, commonest first."""
        counts: dict[str, int] = {}
        for types in self.index.direct.values():
            for t in types:
                counts[t] = counts.get(t, 0) + 1
        wanted = [PERSON, BASE + "ontology#PoliticalParty", BASE + "ontology#PartyBody"]
        wanted += [BASE + "ontology#Place", BASE + "ontology#State", BASE + "ontology#Event"]
        return [t for t in wanted if t in counts or t in self.index.class_names]

    def known_type(self, text: str) -> str:
        """The class ``text`` names (its IRI, a prefixed name such as ``foaf:Person``, or
        its English name), if some entity of the graph is of it; else UsageError naming the
        nearest.

        >>> import turkestan_kg
        >>> service = turkestan_kg.open().reconciler
        >>> service.known_type("foaf:Person") == service.known_type("Person")
        True
        """
        classes = {t for types in self.index.types.values() for t in types}
        iri = expand(text.strip())
        if iri in classes:
            return iri
        names = {self.index.class_name(c).casefold(): c for c in classes}
        if text.strip().casefold() in names:
            return names[text.strip().casefold()]
        spelled = [curie(c) for c in classes] + [self.index.class_name(c) for c in classes]
        nearest = difflib.get_close_matches(text, spelled, n=1, cutoff=0.3)
        raise UsageError(
            f"no entity of the graph is of the type {text!r}",
            hint=f"did you mean {nearest[0]}?" if nearest else "give a class's IRI or name",
        )

    def _type(self, iri: str) -> Named:
        return {"id": iri, "name": self.index.class_name(iri)}

    # ------------------------------------------------------------------ reconciliation

    def reconcile(self, queries: object) -> dict[str, Answer]:
        """Answers to a batch of queries (``{"q0": {...}, ...}``)."""
        if not isinstance(queries, dict):
            raise ReconcileError("queries is not an object of queries by key")
        if len(queries) > MAX_QUERIES:
            raise ReconcileError(f"more than {MAX_QUERIES} queries in one batch")
        parsed = {str(k): Query.parse(str(k), v) for k, v in queries.items()}
        return {key: {"result": self.results(query)} for key, query in parsed.items()}

    def results(self, query: Query) -> list[Candidate]:
        """The candidates of one query, best first, in the API's shape."""
        matches = self.candidates(query)
        sure = _sure(matches)
        return [
            {
                "id": m.entity,
                "name": m.name,
                "type": [self._type(t) for t in m.types],
                "score": m.score,
                "match": i == 0 and sure,
                "description": "; ".join(m.reasons),
            }
            for i, m in enumerate(matches)
        ]

    def search(self, text: str, *, limit: int = 10, types: tuple[str, ...] = ()) -> list[Match]:
        """The entities ``text`` names, best first, by the matcher reconciliation uses
        (records after the entities they are about, nothing under the floor).

        >>> import turkestan_kg
        >>> [m.entity.rsplit("/", 1)[-1] for m in turkestan_kg.open().reconciler.search("Рыскулов")][:1]
        ['turar-risqulov']
        """
        if not text.strip():
            return []
        return self.candidates(Query(text.strip(), types, limit, ()))

    def candidates(self, query: Query) -> list[Match]:
        """Name matches, then property constraints, as scored :class:`Match` es."""
        if query.text:
            found = self.index.search(query.text, types=query.types, limit=query.limit * 3)
        else:
            found = [
                Match(e, self.index.label.get(e, e), tuple(sorted(self.index.direct[e])), 0.0)
                for t in query.types
                for e in self.index.entities_of(t)
            ]
        if query.properties:
            found = [self._constrained(m, query) for m in found]
        return _ranked(found, query)[: query.limit]

    def _constrained(self, match: Match, query: Query) -> Match:
        facts = self.facts(match.entity)
        scores, reasons = [], list(match.reasons)
        for pid, values in query.properties:
            score, why = property_score(pid, values, facts)
            scores.append(score)
            reasons.append(why)
        mean = sum(scores) / len(scores)
        total = mean if not query.text else 0.7 * match.score + 0.3 * mean
        return Match(match.entity, match.name, match.types, round(total, 1), tuple(reasons))

    # ------------------------------------------------------------------ facts

    def facts(self, entity: str) -> list[Fact]:
        """Every statement about ``entity``, and its computed properties."""
        query = get_query("entity-facts")
        rows = self.engine.run(query.text, query.bindings({"entity": entity})).rows
        facts = [
            Fact(
                str(r["property"]),
                str(r["value"]),
                str(r.get("valueLabel") or self.index.label.get(str(r["value"]), r["value"])),
                not hasattr(r["value"], "datatype") and not hasattr(r["value"], "language"),
            )
            for r in rows
        ]
        facts += [Fact(TENURE_YEARS, str(y), str(y), False) for y in self.tenure_years(entity)]
        facts += [
            Fact(WIKIDATA, f.value.removeprefix(str(WD)), f.label, False)
            for f in facts
            if f.property == SKOS_EXACT_MATCH and f.value.startswith(str(WD))
        ]
        return facts

    def tenure_years(self, entity: str) -> list[int]:
        """Every year of the entity's leadership tenures (none if it led nothing)."""
        years: set[int] = set()
        for row in self._tenures:
            if str(row["leader"]) == entity:
                first, last = int(str(row["start"])[:4]), int(str(row["end"])[:4])
                years.update(range(first, last + 1))
        return sorted(years)

    @cached_property
    def _tenures(self) -> list[Row]:
        return list(self.engine.run(get_query("tenures").text, {}).rows)

    # ------------------------------------------------------------------ suggest

    def suggest_entities(self, prefix: str, types: tuple[str, ...] = ()) -> dict[str, list[Named]]:
        """Entities whose names start like ``prefix`` (or resemble it), for autocomplete."""
        found = (
            self.index.search(prefix, types=types, limit=10, prefix=True) if prefix.strip() else []
        )
        return {
            "result": [
                {"id": m.entity, "name": m.name, "description": self._kinds(m.types)}
                for m in found
                if m.score >= SUGGEST_SCORE
            ]
        }

    def _kinds(self, types: tuple[str, ...]) -> str:
        return ", ".join(self.index.class_name(t) for t in types)

    def suggest_types(self, prefix: str) -> dict[str, list[Named]]:
        """Classes whose names contain ``prefix``."""
        wanted = prefix.strip().lower()
        classes = sorted({t for ts in self.index.direct.values() for t in ts})
        return {
            "result": [
                self._type(c)
                for c in classes
                if wanted in self.index.class_name(c).lower() or wanted in c.lower()
            ][:20]
        }

    def suggest_properties(self, prefix: str) -> dict[str, list[Named]]:
        """Properties (declared by the ontology, or used) whose names contain ``prefix``."""
        wanted = prefix.strip().lower()
        known = dict(self.properties_of(None, limit=500)) | self.declared_properties
        return {
            "result": [
                {"id": pid, "name": name}
                for pid, name in sorted(known.items(), key=lambda p: p[1])
                if wanted in name.lower() or wanted in pid.lower()
            ][:20]
        }

    @cached_property
    def declared_properties(self) -> dict[str, str]:
        """Every property the ontology declares, by IRI, with its English name."""
        rows = self.engine.run(get_query("properties").text, {}).rows
        return {
            str(r["property"]): str(r.get("label") or property_name(str(r["property"])))
            for r in rows
        }

    # ------------------------------------------------------------------ data extension

    def properties_of(self, type_iri: str | None, limit: int = 50) -> list[tuple[str, str]]:
        """(id, name) of the properties entities of ``type_iri`` have (all entities if None):
        the computed ones first, then those read from a sample of the entities."""
        seen: dict[str, str] = {}
        for entity in self._sample(type_iri):
            for fact in self.facts(entity):
                if fact.property not in COMPUTED and fact.property != RDF_TYPE:
                    seen.setdefault(fact.property, property_name(fact.property))
        return [*COMPUTED.items(), *sorted(seen.items(), key=lambda p: p[1])][:limit]

    def _sample(self, type_iri: str | None) -> list[str]:
        """Up to 40 entities of ``type_iri``, or (None) a few entities of every class."""
        if type_iri:
            return self.index.entities_of(type_iri)[:40]
        by_class: dict[str, list[str]] = {}
        for entity, classes in sorted(self.index.direct.items()):
            for c in classes:
                by_class.setdefault(c, []).append(entity)
        return sorted({e for members in by_class.values() for e in members[:3]})

    def propose_properties(self, type_iri: str, limit: int = 50) -> dict[str, Json]:
        """The API's property proposal for a type."""
        return {
            "type": type_iri,
            "properties": [{"id": p, "name": n} for p, n in self.properties_of(type_iri, limit)],
        }

    def extend(self, request: object) -> Extension:
        """Values of the asked properties for the asked entities (the API's extension)."""
        ids, pids = _extension_request(request)
        rows = {entity: self._row(entity, pids) for entity in ids}
        meta = [{"id": pid, "name": COMPUTED.get(pid) or property_name(pid)} for pid in pids]
        return {"meta": meta, "rows": rows}

    def _row(self, entity: str, pids: list[str]) -> dict[str, list[Cell]]:
        facts = self.facts(entity) if entity in self.index.direct else []
        return {pid: [cell(f) for f in facts if f.property == pid] for pid in pids}


def _extension_request(request: object) -> tuple[list[str], list[str]]:
    """The entity ids and the property ids of an extension request."""
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list):
        raise ReconcileError("extend needs an object with 'ids' and 'properties'")
    asked = request.get("properties")
    if not isinstance(asked, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in asked
    ):
        raise ReconcileError("extend's 'properties' is a list of objects with an 'id'")
    pids: list[str] = [p["id"] for p in asked]
    return [str(i) for i in request["ids"]], pids


def _sure(matches: list[Match]) -> bool:
    """Whether the top candidate is safe to take: unique, and close enough, or far enough
    ahead of the next."""
    if not matches:
        return False
    top = matches[0].score
    second = matches[1].score if len(matches) > 1 else 0.0
    if second >= top:
        return False
    return top >= MATCH_SCORE or (top >= SURE_SCORE and top - second >= SURE_MARGIN)


def _as_record(match: Match) -> Match:
    """A record's match, ranked after the entities (asked without a type)."""
    why = "a record about the history: ranked after entities (ask for its type to rank it first)"
    score = round(match.score * RECORD_WEIGHT, 1)
    return Match(match.entity, match.name, match.types, score, (*match.reasons, why))


def _ranked(found: list[Match], query: Query) -> list[Match]:
    """Best first; for a name, without those under the floor, and (with no type asked) the
    records after the entities they are about."""
    if query.text and not query.types:
        found = [_as_record(m) if RECORDS & set(m.types) else m for m in found]
    if query.text:
        found = [m for m in found if m.score >= FLOOR]
    return sorted(found, key=lambda m: -m.score)
