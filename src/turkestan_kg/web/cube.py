"""A statistical data set's page shows its numbers: one row per observation, one column per
component of its Data Cube structure (dimensions in their qb:order, then measures, then
attributes), and each count's share of the total, worked out from the counts.

The structure is read from the data, where it is published; the total is the observation
the data marks as the total (``tkg:isTotal``), else the sum of the counts. A share is
arithmetic on the source's figures, shown beside any percentage the source prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import QB, RDF, TKG, XSD
from .pages import Labeller, Value, value

COUNTS = {XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long}


@dataclass(frozen=True)
class CubeTable:
    """What the page shows: the components' headings, and one row of values per observation
    with the computed share last (blank where there is nothing to divide); the page adds the
    share's heading in its own language."""

    headings: list[str]
    rows: list[list[Value | None]]


def cube_table(data: Graph, dataset: URIRef, labeller: Labeller) -> CubeTable | None:
    """The table of ``dataset``'s observations, or None if it is not a data set with a
    structure."""
    structure = data.value(dataset, QB.structure)
    if structure is None:
        return None
    columns = components(data, structure)
    observations = sorted(
        data.subjects(QB.dataSet, dataset),
        key=lambda o: (data.value(o, TKG.isTotal) == Literal(True), _descending(data, o, columns)),
    )
    counted = next((c for c in columns if _is_count(data, observations, c)), None)
    total = _total(data, observations, counted)
    rows = []
    for obs in observations:
        row: list[Value | None] = [_cell(data.value(obs, c), labeller) for c in columns]
        row.append(_share(data.value(obs, counted), total) if counted is not None else None)
        rows.append(row)
    return CubeTable([labeller.label(c) for c in columns], rows)


def components(data: Graph, structure: Node) -> list[URIRef]:
    """The structure's component properties: dimensions by qb:order, measures, attributes."""
    found: list[tuple[int, int, str, URIRef]] = []
    for spec in data.objects(structure, QB.component):
        for rank, kind in enumerate((QB.dimension, QB.measure, QB.attribute)):
            prop = data.value(spec, kind)
            if isinstance(prop, URIRef):
                order = data.value(spec, QB.order)
                found.append(
                    (rank, int(order) if isinstance(order, Literal) else 99, str(prop), prop)
                )
    return [prop for *_, prop in sorted(found)]


def _is_count(data: Graph, observations: list[Node], prop: URIRef) -> bool:
    values = [data.value(o, prop) for o in observations]
    measured = (prop, RDF.type, QB.MeasureProperty) in data
    return measured and all(
        isinstance(v, Literal) and v.datatype in COUNTS for v in values if v is not None
    )


def _total(data: Graph, observations: list[Node], prop: URIRef | None) -> int:
    if prop is None:
        return 0
    marked = [o for o in observations if data.value(o, TKG.isTotal) == Literal(True)]
    if marked:
        return int(str(data.value(marked[0], prop)))
    return sum(
        int(str(data.value(o, prop))) for o in observations if data.value(o, prop) is not None
    )


def _share(count: Node | None, total: int) -> Value | None:
    """The count as a percentage of the total, to one decimal (half up, as printed tables
    round)."""
    if not isinstance(count, Literal) or total <= 0:
        return None
    share = (Decimal(int(str(count))) * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Value("text", f"{share} %")


def _cell(node: Node | None, labeller: Labeller) -> Value | None:
    return None if node is None else value(node, labeller)


def _descending(data: Graph, obs: Node, columns: list[URIRef]) -> int:
    """Biggest count first (0 where the first measure is not a number)."""
    for prop in columns:
        figure = data.value(obs, prop)
        if isinstance(figure, Literal) and figure.datatype in COUNTS:
            return -int(str(figure))
    return 0
