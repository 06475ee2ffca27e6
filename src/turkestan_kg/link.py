"""Link entities to Wikidata: reconcile candidates, accept reviewed ones, check curated ones.

Reconciliation asks a Wikidata-shaped SPARQL endpoint for items whose label or alias equals
one of the entity's names (in every language the graph holds), then scores each candidate
by how it was matched, whether its type (P31) fits the entity's kind, and whether its dates
fit ours. Candidates go to an SSSOM review file (``semapv:LexicalMatching``, the score as
confidence, the reasons as comment); ``accept`` promotes reviewed rows into the curated file,
never replacing a curated link unless told to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from .errors import TkgError
from .export import write_atomic
from .load import KnowledgeGraph
from .namespaces import FOAF, ORG, PREFIXES, RDF, SCHEMA, SKOS, TIME, TKG, WD, curie
from .sssom import Mapping, metadata, read_mappings, render
from .wikidata import WikidataClient

WD_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
ETHNIC_SCHEMES = {
    URIRef(PREFIXES["scheme"] + s) for s in ("ethnic-groups", "ethnic-categories-1922")
}
IDEOLOGY_SCHEME = URIRef(PREFIXES["scheme"] + "ideologies")

# Expected "instance of" classes per kind: only items from the reviewed reference list.
EXPECTED_TYPES: dict[str, set[str]] = {
    "person": {"Q5"},
    "organization": {"Q7278", "Q7210356"},
    "ethnic group": {"Q41710"},
    "ideology": {"Q12909644"},
    "place": set(),
    "group": set(),
}


# "Instance of" for new items, from the reviewed reference list.
INSTANCE_OF = ((FOAF.Person, "Q5"), (TKG.PoliticalParty, "Q7278"), (TKG.PartyBody, "Q7210356"))


class LinkError(TkgError):
    """A review file or an accept request that cannot be applied."""


@dataclass(frozen=True)
class Entity:
    """A linkable entity: its IRI, CURIE, names, kind, and the years that bound it."""

    iri: URIRef
    curie: str
    label: str
    names: tuple[Literal, ...]
    kind: str
    start_year: int | None = None
    end_year: int | None = None
    active_year: int | None = None
    instance_of: str | None = None
    alt_names: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item proposed for an entity, with its score and the reasons for it."""

    entity: Entity
    qid: str
    label: str
    score: float
    reasons: tuple[str, ...] = field(default=())

    def as_mapping(self, today: str) -> Mapping:
        return Mapping(
            subject_id=self.entity.curie,
            subject_label=self.entity.label,
            predicate_id="skos:exactMatch",
            object_id=f"wd:{self.qid}",
            object_label=self.label,
            mapping_justification="semapv:LexicalMatching",
            confidence=f"{self.score:.2f}",
            mapping_date=today,
            author_label="tkg link wikidata",
            reviewer_label="",
            comment="; ".join(self.reasons),
        )


# ------------------------------------------------------------------ entities


def linkable_entities(kg: KnowledgeGraph) -> list[Entity]:
    """People, organizations, places, groups, ethnic groups and ideologies, by CURIE."""
    kinds: dict[URIRef, str] = {}
    for cls, kind in (
        (FOAF.Person, "person"),
        (TKG.PoliticalParty, "organization"),
        (TKG.PartyBody, "organization"),
        (TKG.State, "place"),
        (TKG.Place, "place"),
        (TKG.Movement, "group"),
    ):
        for node in kg.subjects(RDF.type, cls):
            kinds[URIRef(str(node))] = kind
    for concept in kg.subjects(RDF.type, SKOS.Concept):
        schemes = set(kg.objects(concept, SKOS.inScheme))
        composite = (concept, TKG.includes, None) in kg or (None, SKOS.broader, concept) in kg
        if schemes & ETHNIC_SCHEMES and not composite:
            kinds[URIRef(str(concept))] = "ethnic group"
        elif IDEOLOGY_SCHEME in schemes:
            kinds[URIRef(str(concept))] = "ideology"
    return sorted((_entity(kg, iri, kind) for iri, kind in kinds.items()), key=lambda e: e.curie)


def _entity(kg: KnowledgeGraph, iri: URIRef, kind: str) -> Entity:
    names = tuple(
        sorted(
            {
                n
                for p in (SKOS.prefLabel, SKOS.altLabel)
                for n in kg.objects(iri, p)
                if isinstance(n, Literal)
            },
            key=lambda n: (n.language or "", str(n)),
        )
    )
    english = [
        n for n in kg.objects(iri, SKOS.prefLabel) if isinstance(n, Literal) and n.language == "en"
    ]
    start = _year(kg.value(iri, SCHEMA.foundingDate))
    end = _year(kg.value(iri, SCHEMA.dissolutionDate))
    active = min((y for y in _tenure_years(kg, iri)), default=None)
    label = str(english[0]) if english else str(names[0]) if names else curie(iri)
    types = set(kg.objects(iri, RDF.type))
    instance_of = next((q for cls, q in INSTANCE_OF if cls in types), None)
    alts = tuple(
        n for n in names if (iri, SKOS.altLabel, n) in kg and (iri, SKOS.prefLabel, n) not in kg
    )
    return Entity(iri, curie(iri), label, names, kind, start, end, active, instance_of, alts)


def _tenure_years(kg: KnowledgeGraph, person: URIRef) -> Iterable[int]:
    for membership in kg.subjects(ORG.member, person):
        for interval in kg.objects(membership, ORG.memberDuring):
            for instant in kg.objects(interval, TIME.hasBeginning):
                for p in (TIME.inXSDgYear, TIME.inXSDgYearMonth, TIME.inXSDDate):
                    year = _year(kg.value(instant, p))
                    if year is not None:
                        yield year


def _year(value: Node | None) -> int | None:
    text = str(value) if value is not None else ""
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


# ------------------------------------------------------------------ reconciliation


def candidates_query(entity: Entity) -> str:
    """SPARQL for items whose label or alias equals one of the entity's names."""
    names = " ".join(n.n3() for n in entity.names)
    return (
        WD_PREFIXES
        + f"""SELECT ?item ?name ?how ?itemLabel ?type ?start ?end WHERE {{
  VALUES ?name {{ {names} }}
  {{ ?item rdfs:label ?name . BIND ("label" AS ?how) }}
  UNION
  {{ ?item skos:altLabel ?name . BIND ("alias" AS ?how) }}
  FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
  FILTER NOT EXISTS {{ ?item owl:sameAs ?target }}
  OPTIONAL {{ ?item rdfs:label ?itemLabel . FILTER (LANG(?itemLabel) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
  OPTIONAL {{ ?item wdt:P569|wdt:P571 ?start }}
  OPTIONAL {{ ?item wdt:P570|wdt:P576 ?end }}
}}"""
    )


def reconcile(kg: KnowledgeGraph, client: WikidataClient, *, limit: int = 5) -> list[Candidate]:
    """Ranked candidates for every linkable entity (best first), at most ``limit`` each."""
    found: list[Candidate] = []
    for entity in linkable_entities(kg):
        if entity.names:
            rows = client.select(candidates_query(entity))
            found.extend(score_candidates(entity, rows)[:limit])
    return found


def score_candidates(entity: Entity, rows: list[dict[str, Identifier]]) -> list[Candidate]:
    """Group the rows by item and score each item; best first, ties by QID."""
    by_item: dict[str, list[dict[str, Identifier]]] = defaultdict(list)
    for row in rows:
        by_item[str(row["item"]).removeprefix(str(WD))].append(row)
    scored = [_score(entity, qid, item_rows) for qid, item_rows in by_item.items()]
    return sorted(scored, key=lambda c: (-c.score, int(c.qid[1:]) if c.qid[1:].isdigit() else 0))


def _score(entity: Entity, qid: str, rows: list[dict[str, Identifier]]) -> Candidate:
    score, reasons = _name_score(rows)
    for part_score, reason in (_type_score(entity, rows), _date_score(entity, rows)):
        score += part_score
        if reason:
            reasons.append(reason)
    label = next((str(r["itemLabel"]) for r in rows if "itemLabel" in r), qid)
    return Candidate(entity, qid, label, round(max(0.0, min(1.0, score)), 2), tuple(reasons))


def _name_score(rows: list[dict[str, Identifier]]) -> tuple[float, list[str]]:
    best, reason = 0.0, ""
    for row in rows:
        name = row["name"]
        language = name.language if isinstance(name, Literal) else ""
        value = (
            0.5
            if row["how"] == Literal("label") and language == "en"
            else 0.35
            if row["how"] == Literal("label")
            else 0.25
        )
        if value > best:
            best, reason = value, f"{row['how']} matches {name.n3()}"
    return best, [reason]


def _type_score(entity: Entity, rows: list[dict[str, Identifier]]) -> tuple[float, str]:
    expected = EXPECTED_TYPES[entity.kind]
    types = {str(r["type"]).removeprefix(str(WD)) for r in rows if "type" in r}
    if not expected or not types:
        return 0.0, ""
    if types & expected:
        return 0.3, f"instance of {', '.join(sorted(types & expected))} fits a {entity.kind}"
    return -0.4, f"instance of {', '.join(sorted(types))}, not a {entity.kind}"


def _date_score(entity: Entity, rows: list[dict[str, Identifier]]) -> tuple[float, str]:
    start = min((y for r in rows if (y := _year(r.get("start"))) is not None), default=None)
    end = min((y for r in rows if (y := _year(r.get("end"))) is not None), default=None)
    if entity.kind == "person" and entity.active_year is not None:
        return _lifespan_score(entity.active_year, start, end)
    if entity.start_year is not None and start is not None:
        if abs(start - entity.start_year) <= 1:
            return 0.2, f"inception {start} fits {entity.start_year}"
        return -0.4, f"inception {start}, ours {entity.start_year}"
    return 0.0, ""


def _lifespan_score(active: int, born: int | None, died: int | None) -> tuple[float, str]:
    if born is None and died is None:
        return 0.0, ""
    if (born is not None and born > active - 15) or (died is not None and died < active):
        return -0.4, f"life {born or '?'}-{died or '?'} does not fit leading in {active}"
    return 0.2, f"life {born or '?'}-{died or '?'} fits leading in {active}"


def write_review(candidates: list[Candidate], path: Path, *, today: str | None = None) -> None:
    """Write the candidates as an SSSOM review file, atomically."""
    day = today or dt.date.today().isoformat()
    meta = metadata(
        "https://w3id.org/turkestan-kg/mappings/wikidata-candidates",
        "Wikidata candidates for review (tkg link wikidata)",
    )
    write_atomic(path, render((c.as_mapping(day) for c in candidates), meta).encode("utf-8"))


# ------------------------------------------------------------------ accept


def accept(
    review: Path,
    curated: Path,
    ids: list[str],
    *,
    replace: bool = False,
    reviewer: str = "turkestan-kg curators",
) -> list[Mapping]:
    """Promote review rows into the curated file; the accepted mappings.

    Each id is a QID (``Q123``) or ``SUBJECT=QID`` (``person:turar-risqulov=Q123``) where a
    QID alone is ambiguous. A subject that already has a different curated link is refused
    unless ``replace``.
    """
    candidates = read_mappings(review)
    current = read_mappings(curated)
    chosen = [_pick(candidates, i) for i in ids]
    by_subject = {m.subject_id: m for m in current}
    for m in chosen:
        existing = by_subject.get(m.subject_id)
        if existing and existing.object_id != m.object_id and not replace:
            raise LinkError(
                f"{m.subject_id} is already linked to {existing.object_id}; not replacing it with {m.object_id}",
                hint="pass --replace if the new link is right",
            )
    accepted = [
        m.with_(
            mapping_justification="semapv:ManualMappingCuration",
            confidence="1.0",
            reviewer_label=reviewer,
        )
        for m in chosen
    ]
    kept = [m for m in current if m.subject_id not in {a.subject_id for a in accepted}]
    merged = sorted([*kept, *accepted], key=lambda m: (m.subject_id, m.object_id))
    meta = metadata(
        "https://w3id.org/turkestan-kg/mappings/wikidata-links",
        "Curated links from turkestan-kg entities to Wikidata items",
    )
    write_atomic(curated, render(merged, meta).encode("utf-8"))
    return accepted


def _pick(candidates: list[Mapping], wanted: str) -> Mapping:
    subject, _, qid = wanted.rpartition("=")
    qid = qid.removeprefix("wd:")
    rows = [
        m
        for m in candidates
        if m.object_id == f"wd:{qid}" and (not subject or m.subject_id == subject)
    ]
    if not rows:
        raise LinkError(
            f"no candidate {wanted!r} in the review file",
            hint="run `tkg link wikidata` first, or check the id",
        )
    if len(rows) > 1:
        subjects = ", ".join(sorted(m.subject_id for m in rows))
        raise LinkError(
            f"{qid} is a candidate for several entities ({subjects})", hint=f"write SUBJECT={qid}"
        )
    return rows[0]


# ------------------------------------------------------------------ check


@dataclass(frozen=True)
class CheckResult:
    """What became of one curated link: ``ok``, ``missing``, ``redirect``, ``type`` or ``label``."""

    subject: str
    qid: str
    status: str
    detail: str

    def __str__(self) -> str:
        return f"{self.status:<8} {self.subject} -> wd:{self.qid}: {self.detail}"


def check_query(qids: list[str]) -> str:
    values = " ".join(f"wd:{q}" for q in qids)
    return (
        WD_PREFIXES
        + f"""SELECT ?item ?target ?label ?type WHERE {{
  VALUES ?item {{ {values} }}
  OPTIONAL {{ ?item owl:sameAs ?target }}
  OPTIONAL {{ ?item rdfs:label ?label . FILTER (LANG(?label) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}"""
    )


def check(kg: KnowledgeGraph, mappings: list[Mapping], client: WikidataClient) -> list[CheckResult]:
    """Every curated link: does the item still exist, is it a redirect, do type and label fit?"""
    entities = {e.curie: e for e in linkable_entities(kg)}
    qids = sorted({m.object_id.removeprefix("wd:") for m in mappings})
    rows = client.select(check_query(qids)) if qids else []
    facts: dict[str, list[dict[str, Identifier]]] = defaultdict(list)
    for row in rows:
        facts[str(row["item"]).removeprefix(str(WD))].append(row)
    return [
        _check_one(m, entities.get(m.subject_id), facts[m.object_id.removeprefix("wd:")])
        for m in mappings
    ]


def _check_one(m: Mapping, entity: Entity | None, rows: list[dict[str, Identifier]]) -> CheckResult:
    qid = m.object_id.removeprefix("wd:")
    targets = sorted({str(r["target"]).removeprefix(str(WD)) for r in rows if "target" in r})
    if targets:
        return CheckResult(
            m.subject_id, qid, "redirect", f"now redirects to wd:{targets[0]}; update the link"
        )
    labels = {str(r["label"]) for r in rows if "label" in r}
    types = {str(r["type"]).removeprefix(str(WD)) for r in rows if "type" in r}
    if not labels and not types:
        return CheckResult(
            m.subject_id,
            qid,
            "missing",
            "the item has no label and no type: deleted or never existed",
        )
    expected = EXPECTED_TYPES.get(entity.kind, set()) if entity else set()
    if expected and types and not types & expected:
        return CheckResult(
            m.subject_id,
            qid,
            "type",
            f"instance of {', '.join(sorted(types))}, expected {', '.join(sorted(expected))}",
        )
    if m.object_label and labels and m.object_label not in labels:
        return CheckResult(
            m.subject_id,
            qid,
            "label",
            f"label is now {sorted(labels)[0]!r}, was {m.object_label!r}",
        )
    return CheckResult(m.subject_id, qid, "ok", f"{sorted(labels)[0] if labels else qid}")
