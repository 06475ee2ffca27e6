"""The command that reconciles a spreadsheet's names against the graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..paths import display_path

if TYPE_CHECKING:
    from ..dataset.api import Dataset

from .main import (
    count,
    emit,
    endpoint_options,
    main,
    out_option,
    pass_dataset,
    setting,
)


@main.command()
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", required=True, help="The column holding the names to match.")
@click.option(
    "--type",
    "type_iri",
    metavar="TYPE",
    help="Match only entities of this class (and its subclasses): its IRI, a prefixed "
    "name (foaf:Person) or its name (Person).",
)
@setting(
    "--min-score",
    type=click.FloatRange(0, 100),
    default=70.0,
    help="Leave a name unmatched when its best candidate scores less.",
)
@out_option("Write the table with the added columns to this file (atomically).")
@pass_dataset(
    "Match against an on-disk Oxigraph store made by `tkg load --store`.",
    endpoint_options("Match against this SPARQL 1.1 endpoint (its query URL) instead."),
)
def reconcile(
    dataset: Dataset,
    table: Path,
    column: str,
    type_iri: str | None,
    min_score: float,
    out: Path | None,
) -> None:
    """Match the names in one column of a CSV (or .tsv) file against the graph.

    Adds tkg_id, tkg_name, tkg_score (0-100) and tkg_match (true when the match is sure)
    to every row; names in any script and common romanizations are matched
    (Рыскулов, Ryskulov and Rïsqulov are one person).

    Example: tkg reconcile names.csv --column name --type http://xmlns.com/foaf/0.1/Person
    """
    from ..errors import TkgError
    from ..reconcile.table import reconcile_text

    try:
        text = table.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise TkgError(
            f"{table} is not UTF-8 text (byte {err.start})", hint="save the table as UTF-8 CSV"
        ) from None
    service = dataset.reconciler
    type_iri = service.known_type(type_iri) if type_iri is not None else None
    dialect = "excel-tab" if table.suffix.lower() == ".tsv" else "excel"
    matched = reconcile_text(
        text, column, service, type_iri=type_iri, dialect=dialect, min_score=min_score
    )
    rows = list(csv.DictReader(io.StringIO(matched), dialect=dialect))
    sure = sum(row.get("tkg_match") == "true" for row in rows)
    emit(matched, out, f"{count(len(rows), 'row')}, {sure:,} matched")
    if not rows:
        click.echo(f"{display_path(table)} has a header and no rows: nothing to match", err=True)


@main.command()
@click.argument("text")
@setting("--limit", type=click.IntRange(1, 100), default=10, help="Entities to list at most.")
@pass_dataset(
    "Search an on-disk Oxigraph store made by `tkg load --store`.",
    endpoint_options("Search this SPARQL 1.1 endpoint (its query URL) instead."),
)
def search(dataset: Dataset, text: str, limit: int) -> None:
    """Find entities by name, in any script or romanization (Ryskulov, Рыскулов, T. Ryskulov).

    The matcher reconciliation uses: people and bodies before the records about them,
    nothing that scores under 60.

    Example: tkg search "T. Ryskulov"
    """
    from ..namespaces import curie

    found = dataset.search(text, limit=limit)
    if not found:
        click.echo(f"nothing in the graph is named like {text!r}", err=True)
        return
    width = max(len(curie(m.entity)) for m in found)
    for m in found:
        kinds = ", ".join(dataset.reconciler.index.class_name(t) for t in m.types)
        click.echo(f"{m.score:5.1f}  {curie(m.entity).ljust(width)}  {m.name}  ({kinds})")
