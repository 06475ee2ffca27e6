"""Validate the graph against the SHACL shapes and report each problem with its source file.

>>> report = validate(load())
>>> report.conforms, len(report.problems)
(True, 0)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyshacl
from pyoxigraph import DefaultGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .engine import from_oxigraph_term, to_oxigraph
from .fastshacl import compile_shapes, run_on_store, validate_graph
from .load import SHAPES_FILE, KnowledgeGraph, display_path, existing, parse_file, project_root
from .namespaces import SH, SKOS, curie

REPORT_FORMATS = ("text", "turtle", "json")


@dataclass(frozen=True, order=True)
class Problem:
    """One validation result, located: which entity, which property, which file, which shape."""

    file: str
    entity: str
    label: str
    path: str
    message: str
    shape: str
    severity: str
    value: str

    def __str__(self) -> str:
        who = f"{self.label} <{self.entity}>" if self.label else f"<{self.entity}>"
        prop = f" {self.path}:" if self.path else ":"
        return f"{self.file}: {who}{prop} {self.message} [{self.shape}]"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms``, the located ``problems``, the SHACL report."""

    conforms: bool
    problems: tuple[Problem, ...]
    graph: Graph

    def to_text(self) -> str:
        """One line per problem and a closing summary line."""
        lines = [str(p) for p in self.problems]
        n = len(self.problems)
        lines.append("conforms" if self.conforms else f"{n} problem{'s' * (n != 1)} found")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """``{"conforms": ..., "problems": [...]}`` with one object per problem."""
        body = {"conforms": self.conforms, "problems": [asdict(p) for p in self.problems]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The W3C SHACL validation report graph, in Turtle."""
        return self.graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        """The report in one of :data:`REPORT_FORMATS`."""
        renderers = {"text": self.to_text, "turtle": self.to_turtle, "json": self.to_json}
        return renderers[fmt]()


def default_shapes() -> Path:
    """The project's shapes file."""
    return project_root() / "ontology" / SHAPES_FILE


ENGINES = ("fast", "pyshacl")


def validate(
    kg: KnowledgeGraph, *, shapes: Path | str | None = None, engine: str = "fast"
) -> ValidationReport:
    """Validate ``kg`` (ontology and data together) against the shapes.

    ``engine="fast"`` compiles the shapes to whole-graph SPARQL on Oxigraph
    (:mod:`turkestan_kg.fastshacl`); ``engine="pyshacl"`` is the reference implementation.
    Both give the same report.
    """
    shapes_graph = parse_file(existing(Path(shapes) if shapes else default_shapes()))
    if engine == "pyshacl":
        conforms, report, _ = pyshacl.validate(
            kg.merged(), shacl_graph=shapes_graph, inference="none", advanced=True
        )
    elif engine == "fast":
        conforms, report = validate_graph(kg.merged(), shapes_graph)
    else:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    problems = tuple(
        sorted(_problem(kg, shapes_graph, report, r) for r in report.subjects(SH.focusNode, None))
    )
    return ValidationReport(bool(conforms), problems, report)


def _problem(kg: KnowledgeGraph, shapes: Graph, report: Graph, result: Node) -> Problem:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    entity = owner(focus, lambda n: kg.subjects(None, n))
    return Problem(
        file=", ".join(display_path(f) for f in _files(kg, focus, path, value)) or "?",
        entity=str(entity),
        label=label(kg.objects(entity, SKOS.prefLabel) if entity is not None else ()),
        path=_curie(kg, path) if isinstance(path, URIRef) else "",
        message=str(report.value(result, SH.resultMessage) or "violates the shape"),
        shape=_curie(kg, node_shape(shapes, report.value(result, SH.sourceShape))),
        severity=_curie(kg, report.value(result, SH.resultSeverity)),
        value=_show(kg, value),
    )


def _files(
    kg: KnowledgeGraph, focus: Node | None, path: Node | None, value: Node | None
) -> list[Path]:
    """The files stating the offending triple, else any triple about the focus node."""
    if isinstance(path, URIRef):
        for obj in (value, None):
            if found := kg.files_stating((focus, path, obj)):
                return found
    return kg.files_stating((focus, None, None))


def owner(node: Node | None, referrers: Callable[[BNode], Iterable[Node]]) -> Node | None:
    """The nearest IRI that points (through blank nodes) at ``node``; ``node`` if it is one.
    ``referrers(n)`` gives the subjects of the statements whose object is ``n``."""
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(iter(referrers(node)), node)
    return node


def node_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The node shape a property shape belongs to (a node shape is its own)."""
    parent = shapes.value(None, SH.property, shape)
    return parent if parent is not None else shape


def label(preferred: Iterable[Node]) -> str:
    """Of a node's preferred labels, the English one, else any, else ''."""
    labels = list(preferred)
    english = [lbl for lbl in labels if isinstance(lbl, Literal) and lbl.language == "en"]
    return str((english or labels or [""])[0])


def _curie(kg: KnowledgeGraph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return kg.namespace_manager.curie(node, generate=False)
        except (KeyError, ValueError):
            return str(node)
    return node.n3()


def _show(kg: KnowledgeGraph, node: Node | None) -> str:
    if node is None:
        return ""
    return _curie(kg, node) if isinstance(node, URIRef) else node.n3()


def validate_store(
    store: Any, *, shapes: Path | str | None = None, name: str = "store"
) -> ValidationReport:
    """Validate an on-disk Oxigraph store (its default graph) with the fast engine.

    For graphs too big for rdflib: problems name the store instead of a data file, the
    entity is the nearest IRI above a blank node (as for files), and literals appear in
    Oxigraph's canonical form.
    """
    shapes_graph = parse_file(existing(Path(shapes) if shapes else default_shapes()))
    conforms, report = run_on_store(store, compile_shapes(shapes_graph))
    problems = []
    for result in report.subjects(SH.focusNode, None):
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        entity = owner(report.value(result, SH.focusNode), lambda n: _subjects(store, n))
        problems.append(
            Problem(
                file=name,
                entity=str(entity),
                label=label(_objects(store, entity, SKOS.prefLabel)),
                path=curie(path) if isinstance(path, URIRef) else "",
                message=str(report.value(result, SH.resultMessage) or "violates the shape"),
                shape=curie(node_shape(shapes_graph, report.value(result, SH.sourceShape))),
                severity=curie(report.value(result, SH.resultSeverity)),
                value=(curie(value) if isinstance(value, URIRef) else value.n3())
                if value is not None
                else "",
            )
        )
    return ValidationReport(conforms, tuple(sorted(problems)), report)


def _subjects(store: Any, node: BNode) -> Iterator[Node]:
    """The store's ``kg.subjects(None, node)``: an index lookup in the default graph."""
    for quad in store.quads_for_pattern(None, None, to_oxigraph(node), DefaultGraph()):
        yield from_oxigraph_term(quad.subject)


def _objects(store: Any, node: Node | None, predicate: URIRef) -> Iterator[Node]:
    """The store's ``kg.objects(node, predicate)`` (nothing unless ``node`` is an IRI or blank node)."""
    if not isinstance(node, URIRef | BNode):
        return
    pattern = (to_oxigraph(node), to_oxigraph(predicate), None, DefaultGraph())
    for quad in store.quads_for_pattern(*pattern):
        yield from_oxigraph_term(quad.object)
