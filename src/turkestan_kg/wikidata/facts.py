"""Our facts about linked entities, expressed in Wikidata's terms through the ontology's
``tkg:wikidataProperty`` alignments, plus the member counts and the leaders with their years.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..graph.dataset import KnowledgeGraph
from ..namespaces import GRAPH, ONTOLOGY_GRAPH, ORG, PREFIXES, QB, RDF, SKOS, TIME, TKG, WD, curie
from .entities import Entity, linkable_entities
from .model import Fact, Item, Quantity, Time, Value

SINGLE_VALUED = {"P571", "P576", "P749"}
HEAD_ROLES = {URIRef(PREFIXES["role"] + r) for r in ("leader", "chairman")}  # both P488
SOURCE_GRAPHS_PREFIX = str(GRAPH)
CURATED_GRAPHS = {
    GRAPH["curation"],
    GRAPH["schemes"],
    GRAPH["wikidata-links"],
    GRAPH["sources"],
    GRAPH["dataset"],
}


# ------------------------------------------------------------------ our facts


def wikidata_links(kg: KnowledgeGraph) -> dict[URIRef, str]:
    """Our IRI -> QID for every curated skos:exactMatch to a Wikidata item."""
    return {
        URIRef(str(s)): str(o).removeprefix(str(WD))
        for s, o in kg.subject_objects(SKOS.exactMatch)
        if str(o).startswith(str(WD) + "Q")
    }


def alignments(kg: KnowledgeGraph) -> dict[URIRef, str]:
    """Our predicate -> Wikidata property id, from the ontology's tkg:wikidataProperty."""
    ontology = kg.graph(ONTOLOGY_GRAPH)
    return {
        URIRef(str(p)): str(o).removeprefix(str(WD))
        for p, o in ontology.subject_objects(TKG.wikidataProperty)
    }


def collect_facts(kg: KnowledgeGraph, entities: Iterable[Entity] | None = None) -> list[Fact]:
    """Every fact about the given entities (default: all linkable ones) Wikidata could hold."""
    links = wikidata_links(kg)
    aligned = alignments(kg)
    facts: list[Fact] = []
    for entity in entities if entities is not None else linkable_entities(kg):
        qid = links.get(entity.iri)
        for predicate, pid in sorted(aligned.items()):
            for obj in sorted(kg.objects(entity.iri, predicate), key=str):
                value = _value(kg, obj, links)
                if value is not None:
                    qualifiers = _qualifiers(kg, entity.iri, predicate, obj)
                    facts.append(
                        Fact(
                            entity,
                            qid,
                            pid,
                            value,
                            qualifiers,
                            _sourced(kg, (entity.iri, predicate, obj)),
                        )
                    )
        facts.extend(_member_counts(kg, entity, qid))
        facts.extend(_leaders(kg, entity, qid, links))
    return facts


def _value(kg: KnowledgeGraph, obj: Node, links: dict[URIRef, str]) -> Value | None:
    if isinstance(obj, URIRef):
        return Item(links.get(obj), _label(kg, obj))
    if isinstance(obj, Literal):
        return to_time(obj)
    return None


def to_time(literal: Node | None) -> Time | None:
    """A Time from an xsd:date, xsd:gYearMonth, xsd:gYear or xsd:dateTime literal."""
    text = str(literal or "").lstrip("+")
    parts = text[:10].split("-")
    if not parts[0].isdigit():
        return None
    numbers = [int(p) for p in parts if p.isdigit()]
    return Time(*numbers, precision=8 + len(numbers))  # type: ignore[misc]


def _qualifiers(
    kg: KnowledgeGraph, subject: URIRef, predicate: URIRef, obj: Node
) -> tuple[tuple[str, Value], ...]:
    """P580 from a qualified statement's tkg:validFrom (the country statement)."""
    for statement in kg.subjects(RDF.subject, subject):
        if (statement, RDF.predicate, predicate) in kg and (statement, RDF.object, obj) in kg:
            start = to_time(kg.value(statement, TKG.validFrom))
            if start is not None:
                return (("P580", start),)
    return ()


def _member_counts(kg: KnowledgeGraph, entity: Entity, qid: str | None) -> list[Fact]:
    facts = []
    for dataset in kg.subjects(TKG.concerns, entity.iri):
        for obs in kg.subjects(QB.dataSet, dataset):
            if kg.value(obs, TKG.isTotal) == Literal(True):
                amount = Decimal(str(kg.value(obs, TKG.memberCount)))
                year = to_time(kg.value(obs, TKG.referenceYear))
                quals = (("P585", year),) if year else ()
                facts.append(
                    Fact(
                        entity,
                        qid,
                        "P2124",
                        Quantity(amount),
                        quals,
                        _sourced(kg, (obs, TKG.memberCount, None)),
                    )
                )
    return facts


def _leaders(
    kg: KnowledgeGraph, entity: Entity, qid: str | None, links: dict[URIRef, str]
) -> list[Fact]:
    facts = []
    for tenure in sorted(kg.subjects(ORG.organization, entity.iri), key=str):
        if kg.value(tenure, ORG.role) not in HEAD_ROLES:
            continue
        person = kg.value(tenure, ORG.member)
        interval = kg.value(tenure, ORG.memberDuring)
        quals: list[tuple[str, Value]] = []
        for pid, edge in (("P580", TIME.hasBeginning), ("P582", TIME.hasEnd)):
            instant = kg.value(interval, edge)
            when = next(
                (
                    to_time(v)
                    for p in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear)
                    if (v := kg.value(instant, p)) is not None
                ),
                None,
            )
            if when:
                quals.append((pid, when))
        value = Item(links.get(URIRef(str(person))), _label(kg, person))
        facts.append(
            Fact(
                entity, qid, "P488", value, tuple(quals), _sourced(kg, (tenure, ORG.member, person))
            )
        )
    return facts


def _label(kg: KnowledgeGraph, node: Node | None) -> str:
    labels = [
        str(lbl)
        for lbl in kg.objects(node, SKOS.prefLabel)
        if isinstance(lbl, Literal) and lbl.language == "en"
    ]
    return labels[0] if labels else curie(URIRef(str(node)))


def _sourced(kg: KnowledgeGraph, triple: tuple[Node | None, Node | None, Node | None]) -> bool:
    """True when a graph transcribed from the source states the triple (not only the curators)."""
    graphs = {getattr(c, "identifier", c) for *_, c in kg.quads((*triple, None))}
    return any(g not in CURATED_GRAPHS and str(g).startswith(SOURCE_GRAPHS_PREFIX) for g in graphs)
