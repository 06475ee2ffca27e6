"""The entities that can be linked to Wikidata: people, organizations, places, groups, ethnic
groups and ideologies, each with its names in every language and the years that bound it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..graph.dataset import KnowledgeGraph
from ..namespaces import FOAF, ORG, PREFIXES, RDF, SCHEMA, SKOS, TIME, TKG, curie

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
    names = _names(kg, iri)
    start = year_of(kg.value(iri, SCHEMA.foundingDate))
    end = year_of(kg.value(iri, SCHEMA.dissolutionDate))
    active = min(_tenure_years(kg, iri), default=None)
    types = set(kg.objects(iri, RDF.type))
    instance_of = next((q for cls, q in INSTANCE_OF if cls in types), None)
    alts = tuple(
        n for n in names if (iri, SKOS.altLabel, n) in kg and (iri, SKOS.prefLabel, n) not in kg
    )
    label = _label(kg, iri, names)
    return Entity(iri, curie(iri), label, names, kind, start, end, active, instance_of, alts)


def _names(kg: KnowledgeGraph, iri: URIRef) -> tuple[Literal, ...]:
    """Every preferred and other name, by language, then by text."""
    found = {
        n
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for n in kg.objects(iri, p)
        if isinstance(n, Literal)
    }
    return tuple(sorted(found, key=lambda n: (n.language or "", str(n))))


def _label(kg: KnowledgeGraph, iri: URIRef, names: tuple[Literal, ...]) -> str:
    """The English preferred name, else the first name, else the CURIE."""
    english = [
        n for n in kg.objects(iri, SKOS.prefLabel) if isinstance(n, Literal) and n.language == "en"
    ]
    return str(english[0]) if english else str(names[0]) if names else curie(iri)


def _tenure_years(kg: KnowledgeGraph, person: URIRef) -> Iterable[int]:
    for membership in kg.subjects(ORG.member, person):
        for interval in kg.objects(membership, ORG.memberDuring):
            for instant in kg.objects(interval, TIME.hasBeginning):
                for p in (TIME.inXSDgYear, TIME.inXSDgYearMonth, TIME.inXSDDate):
                    year = year_of(kg.value(instant, p))
                    if year is not None:
                        yield year


def year_of(value: Node | None) -> int | None:
    text = str(value) if value is not None else ""
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None
