"""QuickStatements (v1) for the facts Wikidata lacks, each with its own reference.

One statement per line, tab-separated: item, property, value, then qualifiers, then the
reference (``S854`` the article URL, ``S813`` the retrieval date). Dates carry Wikidata's
precision: ``+1918-06-00T00:00:00Z/10`` is June 1918, ``/9`` a year, ``/11`` a day. With
``create``, entities that have no Wikidata item get a ``CREATE`` block (labels in every
language we hold, instance of, and their sourced facts on ``LAST``).

>>> from turkestan_kg.wikidata.model import Time
>>> time_value(Time(1918, 6, precision=10)), time_value(Time(1920)), time_value(Time(1922, 12, 30, 11))
('+1918-06-00T00:00:00Z/10', '+1920-00-00T00:00:00Z/9', '+1922-12-30T00:00:00Z/11')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rdflib import Literal

from ..graph.dataset import KnowledgeGraph
from .candidates import candidates_query, score_candidates
from .client import WikidataClient
from .curation import LinkError
from .diff import SAME_VALUE_OTHER_YEARS, diff
from .entities import Entity, linkable_entities
from .facts import collect_facts, wikidata_links
from .model import Comparison, Fact, Item, Quantity, Time, Value

ARTICLE_URL = "https://en.wikipedia.org/wiki/Communist_Party_of_Turkestan"
WIKIMEDIA_LANGUAGE = {"uz-Latn": "uz", "tg-Cyrl": "tg", "ky-Cyrl": "ky"}


def time_value(t: Time) -> str:
    """A QuickStatements time with its precision."""
    month = t.month if t.precision >= 10 else 0
    day = t.day if t.precision >= 11 else 0
    return f"+{t.year:04d}-{month:02d}-{day:02d}T00:00:00Z/{t.precision}"


def value_text(v: Value) -> str:
    if isinstance(v, Time):
        return time_value(v)
    if isinstance(v, Quantity):
        return str(v.amount)
    assert v.qid is not None
    return v.qid


def reference(retrieved: dt.date) -> list[str]:
    return [
        "S854",
        f'"{ARTICLE_URL}"',
        "S813",
        time_value(Time(retrieved.year, retrieved.month, retrieved.day, 11)),
    ]


def statement_line(subject: str, fact: Fact, retrieved: dt.date) -> str:
    cells = [subject, fact.pid, value_text(fact.value)]
    for pid, value in fact.qualifiers:
        cells += [pid, value_text(value)]
    return "\t".join(cells + reference(retrieved))


def _writable(fact: Fact) -> bool:
    """Only facts transcribed from the source, whose value Wikidata can hold."""
    return fact.sourced and not (isinstance(fact.value, Item) and fact.value.qid is None)


def quickstatements(
    comparisons: Iterable[Comparison],
    *,
    retrieved: dt.date,
    create: Iterable[tuple[Entity, list[Fact]]] = (),
) -> str:
    """Lines for every missing, sourced fact; then CREATE blocks when asked."""
    lines = []
    written: set[tuple[str, str, str]] = set()
    for c in comparisons:
        if c.status == "missing" and c.fact.qid and _writable(c.fact):
            key = (c.fact.qid, c.fact.pid, value_text(c.fact.value))
            if key in written or c.note == SAME_VALUE_OTHER_YEARS:
                lines.append(by_hand(c.fact))
                continue
            written.add(key)
            lines.append(f"/* {c.fact.subject.label}: {c.fact.pid} */")
            lines.append(statement_line(c.fact.qid, c.fact, retrieved))
    for entity, facts in create:
        lines.extend(create_block(entity, facts, retrieved))
    return "\n".join(lines) + ("\n" if lines else "")


def by_hand(fact: Fact) -> str:
    """A comment for a statement QuickStatements cannot add: one whose item, property and
    value another statement already has (QuickStatements would put its qualifiers on that
    statement instead of making a new one)."""
    quals = ", ".join(f"{pid} {value}" for pid, value in fact.qualifiers)
    return (
        f"/* by hand: {fact.qid} {fact.pid} {value_text(fact.value)} ({quals}) for "
        f"{fact.subject.label}: QuickStatements would merge it into the statement with the "
        "same value; add it on Wikidata as a statement of its own */"
    )


STRONG_CANDIDATE = 0.7
"""A reconciliation score at which an item probably already exists for the entity."""


def edits(
    kg: KnowledgeGraph,
    client: WikidataClient,
    *,
    retrieved: dt.date,
    create: bool = False,
    force: bool = False,
) -> str:
    """QuickStatements for what Wikidata lacks of our sourced facts (and, with ``create``,
    new items for the people and organizations it has none for). Before proposing a new item,
    Wikidata is searched for the entity: one with a strong candidate is refused (a duplicate
    item is worse than a missing one) unless ``force``."""
    blocks = unlinked_for_creation(kg) if create else []
    if blocks and not force:
        refuse_duplicates([entity for entity, _ in blocks], client)
    return quickstatements(diff(kg, client), retrieved=retrieved, create=blocks)


def refuse_duplicates(entities: list[Entity], client: WikidataClient) -> None:
    """A LinkError naming every entity Wikidata already has a strong candidate for."""
    strong = []
    for entity in entities:
        if not entity.names:
            continue
        rows = client.select(candidates_query(entity), required=("item", "name", "how"))
        best = next(iter(score_candidates(entity, rows)), None)
        if best is not None and best.score >= STRONG_CANDIDATE:
            strong.append(f"{entity.curie} (wd:{best.qid}, {best.score:.2f})")
    if strong:
        raise LinkError(
            f"Wikidata may already have items for {len(strong)} of the entities to create: "
            + ", ".join(strong),
            hint="link them with `tkg link wikidata` and `tkg link accept`, "
            "or give --force to propose new items anyway",
        )


def create_block(entity: Entity, facts: list[Fact], retrieved: dt.date) -> list[str]:
    """CREATE, labels (``Len``, ``Lru``...), instance of, then the entity's sourced facts."""
    lines = [f"/* new item: {entity.label} ({entity.curie}) */", "CREATE"]
    for name in sorted(entity.names, key=lambda n: (n.language or "", str(n))):
        if isinstance(name, Literal) and name.language:
            code = WIKIMEDIA_LANGUAGE.get(name.language, name.language.lower())
            kind = "A" if name in entity.alt_names else "L"
            lines.append(f'LAST\t{kind}{code}\t"{name}"')
    if entity.instance_of:
        lines.append(f"LAST\tP31\t{entity.instance_of}")
    lines.extend(statement_line("LAST", f, retrieved) for f in facts if _writable(f))
    return lines


def unlinked_for_creation(kg: KnowledgeGraph) -> list[tuple[Entity, list[Fact]]]:
    """People and organizations with no Wikidata item, with their facts, for CREATE blocks."""
    links = wikidata_links(kg)
    entities = [e for e in linkable_entities(kg) if e.iri not in links and e.instance_of]
    facts = collect_facts(kg, entities)
    return [(e, [f for f in facts if f.subject == e]) for e in entities]
