"""A picture of the data model, drawn from the ontology and from how the data uses it.

One box per class the data uses: its name, what it is a kind of (``rdfs:subClassOf`` in the
ontology), and each property its instances have with the classes (or datatypes) of the values
they point to, most used first. Boxes are laid out in columns, so the picture needs no layout
engine; it is SVG with no scripts or external assets.

>>> from turkestan_kg.graph.dataset import load
>>> kg = load()
>>> svg = model_svg(kg.graph(ONTOLOGY_GRAPH), kg.data_graph())
>>> svg.startswith("<svg") and "tkg:Tenure" in svg and "org:memberDuring" in svg
True
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import ONTOLOGY_GRAPH, RDF, RDFS, XSD, curie

__all__ = ["ONTOLOGY_GRAPH", "model_svg"]

COLUMNS = 3
BOX_WIDTH = 330
LINE = 16
GAP = 24
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
WIDEST = 44  # characters of a line that fit a box (12 px text, checked in Chromium)
SKIP = {RDF.type}


def model_svg(ontology: Graph, data: Graph) -> str:
    """The data model as SVG: a box per class of the data, with its properties and ranges."""
    usage = _usage(data)
    boxes = [_box(ontology, cls, usage[cls]) for cls in sorted(usage, key=curie)]
    heights = [LINE * (len(lines) + 1) + 8 for lines in boxes]
    columns: list[list[int]] = [[] for _ in range(COLUMNS)]
    tops = [0] * COLUMNS
    for index in sorted(range(len(boxes)), key=lambda i: -heights[i]):
        column = tops.index(min(tops))
        columns[column].append(index)
        tops[column] += heights[index] + GAP
    width = COLUMNS * (BOX_WIDTH + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{max(tops) + GAP}" '
        f'viewBox="0 0 {width} {max(tops) + GAP}" role="img" {FONT}>',
        "<title>The turkestan-kg data model: classes, their properties and value types</title>",
    ]
    for column, indexes in enumerate(columns):
        y = GAP
        for index in indexes:
            parts.append(_draw(boxes[index], GAP + column * (BOX_WIDTH + GAP), y, heights[index]))
            y += heights[index] + GAP
    return "\n".join([*parts, "</svg>"]) + "\n"


def _usage(data: Graph) -> dict[Node, Counter[tuple[str, str]]]:
    """For each class of the data: (property, value type) -> how many statements."""
    types: dict[Node, list[Node]] = defaultdict(list)
    for node, cls in data.subject_objects(RDF.type):
        types[node].append(cls)
    used: dict[Node, Counter[tuple[str, str]]] = {c: Counter() for cs in types.values() for c in cs}
    for s, p, o in data:
        if p not in SKIP:
            for cls in types.get(s, []):
                used[cls][(curie(p), _value_type(o, types))] += 1
    return used


def _value_type(value: Node, types: dict[Node, list[Node]]) -> str:
    if isinstance(value, Literal):
        if value.language:
            return "text@lang"
        return curie(value.datatype or XSD.string)
    kinds = types.get(value)
    if kinds:
        return " | ".join(sorted(curie(k) for k in kinds))
    return "(node)" if isinstance(value, BNode) else "(IRI)"


def _box(ontology: Graph, cls: Node, props: Counter[tuple[str, str]]) -> list[str]:
    supers = sorted(
        {curie(o) for o in ontology.objects(cls, RDFS.subClassOf) if isinstance(o, URIRef)}
    )
    lines = [curie(cls)]
    if supers:
        lines.append("a kind of " + ", ".join(supers))
    ranges: dict[str, list[str]] = defaultdict(list)
    for (prop, kind), _ in sorted(props.items(), key=lambda item: (-item[1], item[0])):
        ranges[prop].append(kind)
    lines += [f"{prop} → {' | '.join(kinds[:3])}" for prop, kinds in sorted(ranges.items())]
    return lines


def _draw(lines: list[str], x: int, y: int, height: int) -> str:
    out = [
        f'<g><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{height}" rx="4" '
        'fill="#fbfbfb" stroke="#4e79a7"/>',
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{LINE + 6}" rx="4" fill="#4e79a7"/>',
        f'<text x="{x + 8}" y="{y + LINE}" fill="#fff" font-weight="bold">{escape(lines[0])}</text>',
    ]
    for n, line in enumerate(lines[1:], start=2):
        shown = line if len(line) <= WIDEST else line[: WIDEST - 1] + "…"
        out.append(f'<text x="{x + 8}" y="{y + n * LINE + 4}">{escape(shown)}</text>')
    return "".join(out) + "</g>"
