"""Validate a graph held by a remote SPARQL store: the compiled checks run there, and only
their results cross the network.

Each check of :mod:`~turkestan_kg.validation.compile` is sent as it runs on Oxigraph, wrapped
so that a blank focus node comes back with the IRI above it (one or two statements up: a
tenure above its period, above the period's beginning), because a blank node's label means
nothing in the next request. The report is the one :func:`validate_store` writes for an
on-disk store: the entity, its label, the path, the shape's message, the shape, the value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..graph.hierarchy import transitive
from ..namespaces import RDF, SH, SKOS
from ..sparql.engines import Engine
from .compile import Check, compile_shapes
from .execute import add_result, check_rows, refuse_shapes_graph
from .report import ValidationReport, label, problem
from .shapes_file import read_shapes

RDFS_SUBCLASS_IRI = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

OWNED = (
    "SELECT * WHERE {{ {{ {check} }}"
    " OPTIONAL {{ ?tkgOwner ?tkgP ?this FILTER (isBlank(?this) && isIRI(?tkgOwner)) }}"
    " OPTIONAL {{ ?tkgOwner2 ?tkgP2 ?tkgMid . ?tkgMid ?tkgP3 ?this"
    " FILTER (isBlank(?this) && isBlank(?tkgMid) && isIRI(?tkgOwner2)) }} }}"
)


def validate_engine(
    engine: Engine,
    shapes: Path,
    *,
    name: str,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> ValidationReport:
    """Validate what ``engine`` answers for (its default graph holds data and ontology)."""
    shapes_graph = read_shapes(shapes)
    checks = compile_shapes(shapes_graph, subclasses=subclasses(engine))
    refuse_shapes_graph(checks, "an endpoint")
    tick = progress(len(checks)) if progress else (lambda n: None)
    report, root = Graph(), BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    located: list[tuple[Node, Node]] = []  # (result node, entity)
    for check in checks:
        for row, entity in _results(engine, check):
            located.append((add_result(report, root, check, row), entity))
        tick(1)
    conforms = not located
    report.add((root, SH.conforms, Literal(conforms)))
    labels = _labels(engine, {e for _, e in located if isinstance(e, URIRef)})
    problems = [
        problem(report, shapes_graph, r, entity=e, label=labels.get(e, ""), file=name)
        for r, e in located
    ]
    return ValidationReport(conforms, tuple(sorted(problems)), report)


def _results(engine: Engine, check: Check) -> list[tuple[dict[str, Node], Node]]:
    """The check's rows (each once) and the entity each is about."""
    if check.mode != "join":  # SPARQL-based: pre-bound in the text, about the focus node
        rows = check_rows(lambda text: engine.run(text, {}), check)
        return [(dict(row), row["this"]) for row in rows]
    answer = engine.run(check.prologue + OWNED.format(check=check.query), {})
    seen: set[tuple[tuple[str, Node], ...]] = set()
    found: list[tuple[dict[str, Node], Node]] = []
    for row in answer.rows:
        own: dict[str, Node] = {k: v for k, v in row.items() if not k.startswith("tkg")}
        key = tuple(sorted(own.items()))
        if key in seen:
            continue
        seen.add(key)
        focus = own["this"]
        entity: Node = row.get("tkgOwner") or row.get("tkgOwner2") or focus
        found.append((own, entity))
    return found


def _labels(engine: Engine, entities: set[URIRef]) -> dict[Node, str]:
    """The English (else any) preferred label of each entity, in one query."""
    if not entities:
        return {}
    values = " ".join(e.n3() for e in sorted(entities))
    query = f"SELECT ?e ?label WHERE {{ VALUES ?e {{ {values} }} ?e <{SKOS.prefLabel}> ?label }}"
    by_entity: dict[Node, list[Node]] = {}
    for row in engine.run(query, {}).rows:
        by_entity.setdefault(row["e"], []).append(row["label"])
    return {e: label(ls) for e, ls in by_entity.items()}


def subclasses(engine: Engine) -> dict[str, set[str]] | None:
    """Each class's subclasses at every level, as the store's data has them: the direct
    rdfs:subClassOf statements asked once, followed down here (Virtuoso 7 will not run a
    transitive path with neither end given), so the checks need no path. None where a
    blank node is a subclass or a superclass: no query can list it, so the checks follow
    rdfs:subClassOf in the query instead (SHACL 3.2's instances through any class)."""
    query = f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub <{RDFS_SUBCLASS_IRI}> ?super }}"
    below: dict[str, set[str]] = {}
    for row in engine.run(query, {}).rows:
        sub, sup = row["sub"], row["super"]
        if isinstance(sub, BNode) or isinstance(sup, BNode):
            return None
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            below.setdefault(str(sup), set()).add(str(sub))
    return transitive(below)
