"""Compare what the graph says about linked entities with Wikidata's statements.

Our facts are expressed in Wikidata's terms using the ontology's ``tkg:wikidataProperty``
alignments (founding date -> P571, parent organization -> P749, ...), plus two n-ary facts:
the member count with its point in time (P2124 + P585) and leaders with their years (P488 +
P580/P582). Each is classified against the item's non-deprecated statements as ``agree``,
``missing`` (on Wikidata), ``conflict`` (Wikidata says otherwise), or ``unlinked`` (our
value has no Wikidata id, so nothing can be compared).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from .link import WD_PREFIXES, Entity, linkable_entities
from .load import KnowledgeGraph
from .namespaces import GRAPH, ONTOLOGY_GRAPH, ORG, PREFIXES, QB, RDF, SKOS, TIME, TKG, WD, curie
from .wikidata import WikidataClient

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


@dataclass(frozen=True, order=True)
class Time:
    """A date at a Wikidata precision: 9 year, 10 month, 11 day."""

    year: int
    month: int = 0
    day: int = 0
    precision: int = 9

    def __str__(self) -> str:
        parts = [f"{self.year:04d}", f"{self.month:02d}", f"{self.day:02d}"][: self.precision - 8]
        return "-".join(parts)

    def at(self, precision: int) -> tuple[int, ...]:
        return (self.year, self.month, self.day)[: precision - 8]


@dataclass(frozen=True)
class Item:
    """An item value: its QID if it has one, and its label."""

    qid: str | None
    label: str

    def __str__(self) -> str:
        return f"wd:{self.qid} ({self.label})" if self.qid else f"{self.label} (no Wikidata id)"


@dataclass(frozen=True)
class Quantity:
    amount: Decimal

    def __str__(self) -> str:
        return str(self.amount)


Value = Time | Item | Quantity


@dataclass(frozen=True)
class Fact:
    """One statement we hold about a linked entity, in Wikidata's terms."""

    subject: Entity
    qid: str | None
    pid: str
    value: Value
    qualifiers: tuple[tuple[str, Value], ...] = ()
    sourced: bool = True


@dataclass(frozen=True)
class Comparison:
    """A fact and what Wikidata says about it."""

    fact: Fact
    status: str
    wikidata: str
    note: str = ""

    def __str__(self) -> str:
        f = self.fact
        quals = "".join(f" {p}={v}" for p, v in f.qualifiers)
        theirs = f"; Wikidata: {self.wikidata}" if self.wikidata else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.status:<8} {f.subject.curie} {f.pid} ours: {f.value}{quals}{theirs}{note}"


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


# ------------------------------------------------------------------ Wikidata's statements


def statements_query(qid: str, pids: Iterable[str]) -> str:
    values = " ".join(f"(wd:{p} p:{p} ps:{p} psv:{p})" for p in sorted(set(pids)))
    return (
        WD_PREFIXES
        + f"""PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psv: <http://www.wikidata.org/prop/statement/value/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?prop ?statement ?value ?valueLabel ?precision ?start ?end ?pointInTime WHERE {{
  VALUES (?prop ?p ?ps ?psv) {{ {values} }}
  wd:{qid} ?p ?statement .
  ?statement ?ps ?value ; wikibase:rank ?rank .
  FILTER (?rank != wikibase:DeprecatedRank)
  OPTIONAL {{ ?statement ?psv ?node . ?node wikibase:timePrecision ?precision }}
  OPTIONAL {{ ?value rdfs:label ?valueLabel . FILTER (LANG(?valueLabel) = "en") }}
  OPTIONAL {{ ?statement pq:P580 ?start }}
  OPTIONAL {{ ?statement pq:P582 ?end }}
  OPTIONAL {{ ?statement pq:P585 ?pointInTime }}
}}"""
    )


@dataclass(frozen=True)
class Statement:
    pid: str
    value: Value
    qualifiers: dict[str, Time]


def fetch_statements(client: WikidataClient, qid: str, pids: Iterable[str]) -> list[Statement]:
    """The non-deprecated statements of ``qid`` for the properties ``pids``."""
    rows = client.select(statements_query(qid, pids))
    grouped: dict[str, list[dict[str, Identifier]]] = defaultdict(list)
    for row in rows:
        grouped[str(row["statement"])].append(row)
    return [s for group in grouped.values() if (s := _statement(group)) is not None]


def _statement(rows: list[dict[str, Identifier]]) -> Statement | None:
    row = rows[0]
    pid = str(row["prop"]).removeprefix(str(WD))
    raw = row["value"]
    value: Value | None
    if isinstance(raw, URIRef):
        value = Item(str(raw).removeprefix(str(WD)), str(row.get("valueLabel", raw)))
    elif pid == "P2124" or (
        isinstance(raw, Literal) and raw.datatype and raw.datatype.endswith("decimal")
    ):
        try:
            value = Quantity(Decimal(str(raw).lstrip("+")))
        except InvalidOperation:
            value = None
    else:
        time = to_time(raw)
        precision = int(str(row.get("precision", 11)))
        value = (
            Time(
                time.year,
                time.month if precision >= 10 else 0,
                time.day if precision >= 11 else 0,
                precision,
            )
            if time
            else None
        )
    quals = {
        q: t
        for q, key in (("P580", "start"), ("P582", "end"), ("P585", "pointInTime"))
        if (t := to_time(row.get(key))) is not None
    }
    return Statement(pid, value, quals) if value is not None else None


# ------------------------------------------------------------------ comparison


def compare(fact: Fact, statements: list[Statement]) -> Comparison:
    """Classify one of our facts against the item's statements for the same property."""
    theirs = [s for s in statements if s.pid == fact.pid]
    shown = "; ".join(_show(s) for s in theirs)
    if isinstance(fact.value, Item) and fact.value.qid is None:
        return Comparison(fact, "unlinked", shown, "our value has no Wikidata id")
    if isinstance(fact.value, Time):
        return _compare_time(fact, fact.value, theirs, shown)
    if isinstance(fact.value, Quantity):
        return _compare_quantity(fact, fact.value, theirs, shown)
    if any(
        s.value == fact.value or (isinstance(s.value, Item) and s.value.qid == fact.value.qid)
        for s in theirs
    ):
        return Comparison(fact, "agree", shown)
    if theirs and fact.pid in SINGLE_VALUED:
        return Comparison(fact, "conflict", shown)
    return Comparison(fact, "missing", shown)


def _compare_time(fact: Fact, ours: Time, theirs: list[Statement], shown: str) -> Comparison:
    times = [s.value for s in theirs if isinstance(s.value, Time)]
    if not times:
        return Comparison(fact, "missing", shown)
    for t in times:
        common = min(t.precision, ours.precision)
        if t.at(common) == ours.at(common):
            note = "Wikidata is less precise" if t.precision < ours.precision else ""
            return Comparison(fact, "agree", shown, note)
    return Comparison(fact, "conflict", shown)


def _compare_quantity(
    fact: Fact, ours: Quantity, theirs: list[Statement], shown: str
) -> Comparison:
    year = dict(fact.qualifiers).get("P585")
    same_time = [
        s
        for s in theirs
        if year is None
        or (s.qualifiers.get("P585") and s.qualifiers["P585"].year == getattr(year, "year", None))
    ]
    if not same_time:
        return Comparison(fact, "missing", shown, "no value for the same point in time")
    if any(isinstance(s.value, Quantity) and s.value.amount == ours.amount for s in same_time):
        return Comparison(fact, "agree", shown)
    return Comparison(fact, "conflict", shown)


def _show(statement: Statement) -> str:
    quals = "".join(f" {p}={v}" for p, v in sorted(statement.qualifiers.items()))
    return f"{statement.value}{quals}"


def diff(kg: KnowledgeGraph, client: WikidataClient) -> list[Comparison]:
    """Compare every fact about every linked entity with Wikidata."""
    results: list[Comparison] = []
    by_entity: dict[str, list[Fact]] = defaultdict(list)
    for fact in collect_facts(kg):
        if fact.qid:
            by_entity[fact.qid].append(fact)
    for qid, facts in sorted(by_entity.items()):
        statements = fetch_statements(client, qid, {f.pid for f in facts})
        results.extend(compare(f, statements) for f in facts)
    return results
