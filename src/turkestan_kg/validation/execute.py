"""A fast SHACL engine, part 2: run the compiled checks on Oxigraph and write the W3C
validation report, the same report pySHACL writes (see :mod:`turkestan_kg.validation.compile`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from ..graph.terms import from_oxigraph_term, to_oxigraph
from ..namespaces import RDF, SH
from .compile import Check, compile_shapes


def run_checks(data: Graph, checks: list[Check]) -> tuple[bool, Graph]:
    """Run every check on Oxigraph; (conforms, the W3C validation report graph)."""
    nt = data.serialize(format="nt", encoding="utf-8")
    store = ox.Store()
    store.extend(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))  # keeps blank node labels
    return run_on_store(store, checks, lambda: original_literals(data))


def run_on_store(
    store: ox.Store,
    checks: list[Check],
    originals_of: Callable[[], dict[Node, Literal]] = dict,
    progress: Callable[[int], None] = lambda n: None,
) -> tuple[bool, Graph]:
    """Run every check on a store whose default graph holds the data (ontology included).

    ``originals_of`` maps Oxigraph's canonical literals back to the data's own forms; it is
    only called once there is a result to report. By default literals stay canonical.
    ``progress`` is called with 1 after each check.
    """
    originals: dict[Node, Literal] | None = None
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for check in checks:
        answer = store.query(check.text)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        for solution in answer:
            if originals is None:
                originals = originals_of()
            row: dict[str, Node] = {
                str(n): originals.get(t, t)
                for n in names
                if solution[n] is not None and (t := from_oxigraph_term(solution[n])) is not None
            }
            conforms = False
            add_result(report, root, check, row)
        progress(1)
    report.add((root, SH.conforms, Literal(conforms)))
    return conforms, report


def original_literals(data: Graph) -> dict[Node, Literal]:
    """Oxigraph stores literals in canonical form ("3.0" -> "3", "uz-Latn" -> "uz-latn");
    map each canonical form back to how the data wrote it, so reports quote the data."""
    literals = sorted(
        {o for o in data.objects() if isinstance(o, Literal)},
        key=lambda x: (str(x), str(x.datatype), x.language or ""),
    )
    store = ox.Store()
    predicate = ox.NamedNode("urn:tkg:literal")
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:tkg:{i}"), predicate, to_oxigraph(lit))
        for i, lit in enumerate(literals)
    )
    mapping: dict[Node, Literal] = {}
    for quad in store:
        original = literals[int(quad.subject.value.rsplit(":", 1)[1])]
        mapping.setdefault(from_oxigraph_term(quad.object), original)
    return mapping


def validate_graph(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """(conforms, report graph), like ``pyshacl.validate`` with inference off."""
    return run_checks(data, compile_shapes(shapes))


def add_result(report: Graph, root: Node, check: Check, row: dict[str, Node]) -> Node:
    """Write one validation result for a check's row; the result's node."""
    result = BNode()
    report.add((root, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    focus = row["this"]
    report.add((result, SH.focusNode, focus))
    path = row.get("path", check.path) if check.template else check.path
    if path is not None:
        report.add((result, SH.resultPath, path))
    value = row.get("value", focus if check.template else None)
    if value is not None:
        report.add((result, SH.value, value))
    report.add((result, SH.sourceShape, check.source_shape))
    report.add((result, SH.sourceConstraintComponent, check.component))
    report.add((result, SH.resultSeverity, SH.Violation))
    if check.message is not None:
        if check.template:  # like pySHACL: substituted messages lose their language tag
            text = re.sub(
                r"\{[?$](\w+)\}", lambda m: _show(row.get(m.group(1))), str(check.message)
            )
            report.add((result, SH.resultMessage, Literal(text)))
        else:
            report.add((result, SH.resultMessage, check.message))
    return result


def _show(node: Node | None) -> str:
    return "" if node is None else str(node)
