"""Reconcile a spreadsheet: one column of names matched against the graph, four columns
added (the entity's IRI and name, the score, whether it is a sure match).

Reads and writes CSV, or TSV when the file ends in .tsv; the other columns and the rows'
order are kept. Names that repeat are matched once; a best candidate scoring under 70 is not written (the
name is then most likely not in the graph).

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.sparql.engines import OxigraphEngine
>>> service = Service(OxigraphEngine(load()))
>>> text = "name,note\\nРыскулов,sheet 1\\nTurar Rïsqulov,sheet 2\\n"
>>> print(reconcile_text(text, "name", service, type_iri="http://xmlns.com/foaf/0.1/Person"), end="")
name,note,tkg_id,tkg_name,tkg_score,tkg_match
Рыскулов,sheet 1,https://w3id.org/turkestan-kg/person/turar-risqulov,Turar Rïsqulov,88.5,true
Turar Rïsqulov,sheet 2,https://w3id.org/turkestan-kg/person/turar-risqulov,Turar Rïsqulov,100.0,true
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ..errors import UsageError
from .query import Candidate, ReconcileError
from .service import Service


class ReconcileUsageError(UsageError, ReconcileError):
    """A column asked for that the table does not have (exit code 2, a usage mistake)."""


ADDED = ("tkg_id", "tkg_name", "tkg_score", "tkg_match")
BATCH = 100
MIN_SCORE = 70.0


def reconcile_text(
    text: str,
    column: str,
    service: Service,
    *,
    type_iri: str | None = None,
    dialect: str = "excel",
    min_score: float = MIN_SCORE,
) -> str:
    """The table ``text`` (CSV, or TSV with ``dialect="excel-tab"``) with the four columns
    added, matched on ``column``; a best candidate under ``min_score`` is left out."""
    reader = csv.DictReader(io.StringIO(text), dialect=dialect, strict=True)
    try:
        header = _header(reader.fieldnames, column)
        rows = list(reader)
    except csv.Error as err:
        raise ReconcileError(
            f"the table is not well-formed: line {reader.line_num}: {err}"
        ) from None
    if ragged := next((n for n, row in enumerate(rows, 2) if None in row), None):
        raise ReconcileError(f"line {ragged} of the table has more cells than its header")
    best = _best(sorted({row[column] or "" for row in rows} - {""}), service, type_iri)
    out = io.StringIO()
    writer = csv.DictWriter(out, [*header, *ADDED], dialect=dialect, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        found = _kept(best.get(row[column] or ""), min_score)
        writer.writerow({**row, **dict(zip(ADDED, _cells(found), strict=True))})
    return out.getvalue()


def _header(fieldnames: Sequence[str] | None, column: str) -> Sequence[str]:
    """The table's columns, which must include ``column``."""
    if fieldnames is None or column not in fieldnames:
        columns = ", ".join(fieldnames or []) or "no header"
        raise ReconcileUsageError(f"no column {column!r} in the table (it has: {columns})")
    if len(set(fieldnames)) < len(fieldnames):
        twice = sorted({name for name in fieldnames if fieldnames.count(name) > 1})
        raise ReconcileError(f"the table's header names {', '.join(twice)} more than once")
    return fieldnames


def _best(names: list[str], service: Service, type_iri: str | None) -> dict[str, Candidate | None]:
    """The top candidate of each name, asked in batches."""
    best: dict[str, Candidate | None] = {}
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        queries = {
            f"q{i}": {"query": name, "limit": 1, **({"type": type_iri} if type_iri else {})}
            for i, name in enumerate(chunk)
        }
        answers = service.reconcile(queries)
        for i, name in enumerate(chunk):
            results = answers[f"q{i}"]["result"]
            best[name] = results[0] if results else None
    return best


def _kept(found: Candidate | None, min_score: float) -> Candidate | None:
    return None if found is None or found["score"] < min_score else found


def _cells(found: Candidate | None) -> tuple[str, str, str, str]:
    if found is None:
        return "", "", "", "false"
    return found["id"], found["name"], f"{found['score']:.1f}", str(found["match"]).lower()
