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
from rdflib.term import Identifier

from ..graph.dataset import KnowledgeGraph
from ..namespaces import WD
from .client import WikidataClient
from .entities import WD_PREFIXES
from .facts import SINGLE_VALUED, collect_facts, to_time
from .model import Comparison, Fact, Item, Quantity, Time, Value

# ------------------------------------------------------------------ Wikidata's statements


def statements_query(qid: str, pids: Iterable[str]) -> str:
    """The item's non-deprecated full statements for ``pids``, with their qualifiers, and
    each truthy (``wdt:``) value that no full statement gives (some stores and dumps hold
    only truthy statements), as a statement of its own with no qualifiers."""
    values = " ".join(f"(wd:{p} p:{p} ps:{p} psv:{p} wdt:{p})" for p in sorted(set(pids)))
    return (
        WD_PREFIXES
        + f"""PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psv: <http://www.wikidata.org/prop/statement/value/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?prop ?statement ?value ?valueLabel ?precision ?start ?end ?pointInTime WHERE {{
  {{
    VALUES (?prop ?p ?ps ?psv ?wdt) {{ {values} }}
    wd:{qid} ?p ?statement .
    ?statement ?ps ?value ; wikibase:rank ?rank .
    FILTER (?rank != wikibase:DeprecatedRank)
  }} UNION {{
    VALUES (?prop ?p ?ps ?psv ?wdt) {{ {values} }}
    wd:{qid} ?wdt ?value .
    FILTER NOT EXISTS {{ wd:{qid} ?p ?full . ?full ?ps ?value }}
    BIND (CONCAT("truthy ", STR(?prop), " ", STR(?value)) AS ?statement)
  }}
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
    rows = client.select(statements_query(qid, pids), required=("statement", "prop", "value"))
    grouped: dict[str, list[dict[str, Identifier]]] = defaultdict(list)
    for row in rows:
        grouped[str(row["statement"])].append(row)
    return [s for group in grouped.values() if (s := _statement(group)) is not None]


QUALIFIERS = (("P580", "start"), ("P582", "end"), ("P585", "pointInTime"))
"""The qualifiers compared (start, end, point in time), and their variables in the query."""


def _statement(rows: list[dict[str, Identifier]]) -> Statement | None:
    row = rows[0]
    pid = str(row["prop"]).removeprefix(str(WD))
    value = _value(pid, row)
    quals = {q: t for q, key in QUALIFIERS if (t := to_time(row.get(key))) is not None}
    return Statement(pid, value, quals) if value is not None else None


def _value(pid: str, row: dict[str, Identifier]) -> Value | None:
    """A statement's value: an item, a quantity or a time (None if it cannot be read)."""
    raw = row["value"]
    if isinstance(raw, URIRef):
        return Item(str(raw).removeprefix(str(WD)), str(row.get("valueLabel", raw)))
    if pid == "P2124" or _is_decimal(raw):
        return _quantity(raw)
    return _time(raw, row)


def _is_decimal(raw: Identifier) -> bool:
    return bool(isinstance(raw, Literal) and raw.datatype and raw.datatype.endswith("decimal"))


def _quantity(raw: Identifier) -> Quantity | None:
    try:
        return Quantity(Decimal(str(raw).lstrip("+")))
    except InvalidOperation:
        return None


def _time(raw: Identifier, row: dict[str, Identifier]) -> Time | None:
    """A time value at the statement's precision (day, month or year)."""
    time = to_time(raw)
    precision = int(str(row.get("precision", 11)))
    if not time:
        return None
    month = time.month if precision >= 10 else 0
    day = time.day if precision >= 11 else 0
    return Time(time.year, month, day, precision)


# ------------------------------------------------------------------ comparison

SAME_VALUE_OTHER_YEARS = "Wikidata has the same value with other years"


def compare(fact: Fact, statements: list[Statement]) -> Comparison:
    """Classify one of our facts against the item's statements for the same property."""
    theirs = [s for s in statements if s.pid == fact.pid]
    shown = "; ".join(_show(s) for s in theirs)
    if isinstance(fact.value, Time):
        return _compare_time(fact, fact.value, theirs, shown)
    if isinstance(fact.value, Quantity):
        return _compare_quantity(fact, fact.value, theirs, shown)
    return _compare_item(fact, fact.value, theirs, shown)


def _compare_item(fact: Fact, ours: Item, theirs: list[Statement], shown: str) -> Comparison:
    if ours.qid is None:
        return Comparison(fact, "unlinked", shown, "our value has no Wikidata id")
    same = [s for s in theirs if _same_item(ours, s.value)]
    if any(_same_years(fact, s) for s in same):
        return Comparison(fact, "agree", shown)
    if same:
        return Comparison(fact, "missing", shown, SAME_VALUE_OTHER_YEARS)
    if theirs and fact.pid in SINGLE_VALUED:
        return Comparison(fact, "conflict", shown)
    return Comparison(fact, "missing", shown)


def _same_item(ours: Item, value: Value) -> bool:
    """Whether Wikidata's value is our item (the same value, or an item of the same QID)."""
    return value == ours or (isinstance(value, Item) and value.qid == ours.qid)


def _same_years(fact: Fact, statement: Statement) -> bool:
    """Whether the statement's start, end and point in time (P580, P582, P585) agree with
    ours, to the year, wherever both sides give one; a missing qualifier on Wikidata is
    compatible with ours (it is less precise, not different)."""
    for pid, ours in fact.qualifiers:
        theirs = statement.qualifiers.get(pid)
        if isinstance(ours, Time) and theirs is not None and theirs.year != ours.year:
            return False
    return True


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
