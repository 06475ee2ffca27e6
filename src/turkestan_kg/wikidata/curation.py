"""Curated links: promote reviewed candidates into the curated mapping file, and check that
every curated Wikidata item still exists, is no redirect, and still fits its entity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rdflib.term import Identifier

from ..errors import TkgError
from ..graph.dataset import KnowledgeGraph
from ..graph.sssom import Mapping, metadata, read_mappings, render
from ..namespaces import WD
from ..paths import write_atomic
from .candidates import date_fit
from .client import WikidataClient, WikidataError
from .entities import EXPECTED_TYPES, WD_PREFIXES, Entity, linkable_entities


class LinkError(TkgError):
    """A review file or an accept request that cannot be applied."""


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
    if not replace:
        _refuse_relinking(chosen, current)
    accepted = [
        m.with_(
            mapping_justification="semapv:ManualMappingCuration",
            confidence="1.0",
            reviewer_label=reviewer,
        )
        for m in chosen
    ]
    _write_curated(curated, current, accepted)
    return accepted


def _refuse_relinking(chosen: list[Mapping], current: list[Mapping]) -> None:
    """LinkError for the first chosen mapping whose subject is linked to another item."""
    by_subject = {m.subject_id: m for m in current}
    for m in chosen:
        existing = by_subject.get(m.subject_id)
        if existing and existing.object_id != m.object_id:
            raise LinkError(
                f"{m.subject_id} is already linked to {existing.object_id}; not replacing it with {m.object_id}",
                hint="pass --replace if the new link is right",
            )


def _write_curated(curated: Path, current: list[Mapping], accepted: list[Mapping]) -> None:
    """The curated file with the accepted mappings in place of their subjects' old ones."""
    kept = [m for m in current if m.subject_id not in {a.subject_id for a in accepted}]
    merged = sorted([*kept, *accepted], key=lambda m: (m.subject_id, m.object_id))
    meta = metadata(
        "https://w3id.org/turkestan-kg/mappings/wikidata-links",
        "Curated links from turkestan-kg entities to Wikidata items",
    )
    write_atomic(curated, render(merged, meta).encode("utf-8"))


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
    """What became of one curated link: ``ok``, ``missing``, ``redirect``, ``type``, ``dates``
    or ``label``."""

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
        + f"""SELECT ?item ?target ?label ?type ?start ?end WHERE {{
  VALUES ?item {{ {values} }}
  OPTIONAL {{ ?item owl:sameAs ?target }}
  OPTIONAL {{ ?item rdfs:label ?label . FILTER (LANG(?label) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
  OPTIONAL {{ ?item wdt:P569|wdt:P571 ?start }}
  OPTIONAL {{ ?item wdt:P570|wdt:P576 ?end }}
}}"""
    )


def check(kg: KnowledgeGraph, mappings: list[Mapping], client: WikidataClient) -> list[CheckResult]:
    """Every curated link: does the item still exist, is it a redirect, do its type, its dates
    (birth and death against the years a person led, inception against founding) and its
    label fit?"""
    entities = {e.curie: e for e in linkable_entities(kg)}
    qids = sorted({m.object_id.removeprefix("wd:") for m in mappings})
    rows = client.select(check_query(qids), required=("item",)) if qids else []
    facts: dict[str, list[dict[str, Identifier]]] = defaultdict(list)
    for row in rows:
        facts[str(row["item"]).removeprefix(str(WD))].append(row)
    if unanswered := [q for q in qids if q not in facts]:
        raise WikidataError(
            f"{client.endpoint} gave no row for {len(unanswered)} of the {len(qids)} items "
            f"asked about (wd:{unanswered[0]}...), though the query's VALUES gives one for each",
            hint="is --endpoint a Wikidata-shaped SPARQL endpoint? nothing was checked",
        )
    return [
        _check_one(m, entities.get(m.subject_id), facts[m.object_id.removeprefix("wd:")])
        for m in mappings
    ]


class _Answer(NamedTuple):
    """What the endpoint said about one item: its rows, redirect targets, labels and types."""

    rows: list[dict[str, Identifier]]
    targets: list[str]
    labels: set[str]
    types: set[str]


def _answer(rows: list[dict[str, Identifier]]) -> _Answer:
    targets = sorted({str(r["target"]).removeprefix(str(WD)) for r in rows if "target" in r})
    labels = {str(r["label"]) for r in rows if "label" in r}
    types = {str(r["type"]).removeprefix(str(WD)) for r in rows if "type" in r}
    return _Answer(rows, targets, labels, types)


Finding = tuple[str, str] | None
"""A problem with a link, as (status, detail), or None."""


def _redirect(m: Mapping, entity: Entity | None, item: _Answer) -> Finding:
    if item.targets:
        return "redirect", f"now redirects to wd:{item.targets[0]}; update the link"
    return None


def _missing(m: Mapping, entity: Entity | None, item: _Answer) -> Finding:
    if not item.labels and not item.types:
        return "missing", "the item has no label and no type: deleted or never existed"
    return None


def _wrong_type(m: Mapping, entity: Entity | None, item: _Answer) -> Finding:
    expected = EXPECTED_TYPES.get(entity.kind, set()) if entity else set()
    if expected and item.types and not item.types & expected:
        found, wanted = ", ".join(sorted(item.types)), ", ".join(sorted(expected))
        return "type", f"instance of {found}, expected {wanted}"
    return None


def _wrong_dates(m: Mapping, entity: Entity | None, item: _Answer) -> Finding:
    if entity is not None and (fit := date_fit(entity, item.rows))[0] < 0:
        return "dates", f"{fit[1]}: another {entity.kind}?"
    return None


def _relabelled(m: Mapping, entity: Entity | None, item: _Answer) -> Finding:
    if m.object_label and item.labels and m.object_label not in item.labels:
        return "label", f"label is now {sorted(item.labels)[0]!r}, was {m.object_label!r}"
    return None


PROBLEMS: tuple[Callable[[Mapping, Entity | None, _Answer], Finding], ...] = (
    _redirect,
    _missing,
    _wrong_type,
    _wrong_dates,
    _relabelled,
)
"""The problems a link is checked for, in order: the first found is the one reported."""


def _check_one(m: Mapping, entity: Entity | None, rows: list[dict[str, Identifier]]) -> CheckResult:
    qid = m.object_id.removeprefix("wd:")
    item = _answer(rows)
    for problem in PROBLEMS:
        if (found := problem(m, entity, item)) is not None:
            return CheckResult(m.subject_id, qid, *found)
    return CheckResult(m.subject_id, qid, "ok", sorted(item.labels)[0] if item.labels else qid)
