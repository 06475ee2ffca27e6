"""Wikidata candidates for our entities: ranked for review and written to an SSSOM file.

Reconciliation asks a Wikidata-shaped SPARQL endpoint for items whose label or alias equals
one of the entity's names (in every language the graph holds, by language range), then
scores each candidate by how it was matched, whether its type (P31) fits the entity's kind,
whether its dates fit ours, and whether its English label is our name in another spelling
(the matcher of :mod:`turkestan_kg.matcher`). Candidates go to an SSSOM review file (``semapv:LexicalMatching``, the score as
confidence, the reasons as comment); ``accept`` promotes reviewed rows into the curated file,
never replacing a curated link unless told to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal
from rdflib.term import Identifier

from ..graph.dataset import KnowledgeGraph
from ..graph.sssom import Mapping, metadata, render
from ..namespaces import WD
from ..paths import write_atomic
from .client import WikidataClient
from .entities import EXPECTED_TYPES, WD_PREFIXES, Entity, linkable_entities, year_of


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


# ------------------------------------------------------------------ reconciliation


def candidates_query(entity: Entity) -> str:
    """SPARQL for items whose label or alias equals one of the entity's names, in the name's
    language or any wider range of it (RFC 4647: a name tagged uz-Latn is looked up as
    uz-Latn, then uz), or as a ``mul`` label (Wikidata's labels for every language)."""
    names = " ".join(v.n3() for n in entity.names for v in language_variants(n))
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


def language_variants(name: Literal) -> list[Literal]:
    """The name under its own tag, each shorter range of the tag (RFC 4647 lookup: uz-Latn,
    then uz), and ``mul``; a name with no tag as it is.

    >>> [v.language for v in language_variants(Literal("Turkiston", lang="uz-Latn"))]
    ['uz-latn', 'uz', 'mul']
    """
    if not name.language:
        return [name]
    subtags = name.language.lower().split("-")
    ranges = ["-".join(subtags[:n]) for n in range(len(subtags), 0, -1)]
    return [Literal(str(name), lang=tag) for tag in dict.fromkeys([*ranges, "mul"])]


def find_candidates(
    kg: KnowledgeGraph, client: WikidataClient, *, limit: int = 5
) -> list[Candidate]:
    """Ranked candidates for every linkable entity (best first), at most ``limit`` each."""
    found: list[Candidate] = []
    for entity in linkable_entities(kg):
        if entity.names:
            rows = client.select(candidates_query(entity), required=("item", "name", "how"))
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
    for part_score, reason in (
        _type_score(entity, rows),
        date_fit(entity, rows),
        _label_score(entity, rows),
    ):
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


def _label_score(entity: Entity, rows: list[dict[str, Identifier]]) -> tuple[float, str]:
    """The item's English label against our name, by the graph's own matcher (folded,
    transliterated, romanizations merged): found by an alias, an item whose label is the
    same name in another spelling (Turar Ryskulov for Turar Rïsqulov) gains a little."""
    from ..matcher import similarity

    label = next((str(r["itemLabel"]) for r in rows if "itemLabel" in r), None)
    if label is None:
        return 0.0, ""
    score, how = similarity(entity.label, label)
    if score >= 90:
        return 0.05, f"English label {label!r} is our name ({how}, {score:g})"
    return 0.0, ""


def _type_score(entity: Entity, rows: list[dict[str, Identifier]]) -> tuple[float, str]:
    expected = EXPECTED_TYPES[entity.kind]
    types = {str(r["type"]).removeprefix(str(WD)) for r in rows if "type" in r}
    if not expected or not types:
        return 0.0, ""
    if types & expected:
        return 0.3, f"instance of {', '.join(sorted(types & expected))} fits a {entity.kind}"
    return -0.4, f"instance of {', '.join(sorted(types))}, not a {entity.kind}"


def date_fit(entity: Entity, rows: list[dict[str, Identifier]]) -> tuple[float, str]:
    """How an item's dates (``start``: birth or inception, ``end``: death or dissolution)
    fit the years we hold: a positive score and why, a negative one and why, or (0, "")."""
    start = min((y for r in rows if (y := year_of(r.get("start"))) is not None), default=None)
    end = min((y for r in rows if (y := year_of(r.get("end"))) is not None), default=None)
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
    life = f"life {born or '?'}-{died or '?'}"
    if _lived_through(active, born, died):
        return 0.2, f"{life} fits leading in {active}"
    return -0.4, f"{life} does not fit leading in {active}"


def _lived_through(active: int, born: int | None, died: int | None) -> bool:
    """Whether a person born and dead in those years (where known) could lead in ``active``:
    at least 15 years old then, and not dead before."""
    too_young = born is not None and born > active - 15
    return not too_young and not (died is not None and died < active)


def write_review(candidates: list[Candidate], path: Path, *, today: str | None = None) -> None:
    """Write the candidates as an SSSOM review file, atomically."""
    day = today or dt.date.today().isoformat()
    meta = metadata(
        "https://w3id.org/turkestan-kg/mappings/wikidata-candidates",
        "Wikidata candidates for review (tkg link wikidata)",
    )
    write_atomic(path, render((c.as_mapping(day) for c in candidates), meta).encode("utf-8"))
