"""Validate a graph, a store or any source against the SHACL shapes.

Two engines give the same report: ``fast`` compiles the shapes to whole-graph SPARQL on
Oxigraph (:mod:`~turkestan_kg.validation.compile`) and refuses what it cannot compile,
``pyshacl`` is the reference implementation; ``auto`` is the first where it can, else the second.

>>> from turkestan_kg.graph.dataset import load
>>> report = validate(load())
>>> report.conforms, len(report.problems)
(True, 0)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import DefaultGraph
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..errors import UsageError
from ..graph.dataset import KnowledgeGraph
from ..graph.terms import from_oxigraph_term, to_oxigraph
from ..namespaces import SH, SKOS
from ..paths import SHAPES_FILE, project_root
from ..registry import entry, resolve
from ..sparql.engines import OxigraphEngine
from . import ENGINES
from .compile import compile_shapes
from .execute import refuse_shapes_graph, run_on_store, validate_graph
from .remote import subclasses
from .report import ValidationReport, label, located_problem, owner, problem
from .shapes_file import read_shapes
from .support import UnsupportedShape

Progress = Callable[[int], Callable[[int], None]]
"""Given how many steps there are, a callback to tell of steps done."""


def pyshacl_engine(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """pySHACL, the reference implementation, with no inference and SHACL-AF."""
    import pyshacl  # loaded only when asked for: it takes longer to import than to run here
    from pyshacl import errors

    refused = (errors.ShapeLoadError, errors.ConstraintLoadError, errors.RuleLoadError)
    try:
        conforms, report, text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True
        )
    except (*refused, errors.ReportableRuntimeError, RecursionError) as err:
        reason = " ".join(str(getattr(err, "message", err) or type(err).__name__).split())
        raise UsageError(f"pySHACL cannot validate with these shapes: {reason}") from None
    except Exception as err:  # pySHACL's own faults (NotImplementedError, re.error...)
        reason = " ".join(f"{type(err).__name__}: {err}".split())
        raise UsageError(f"pySHACL failed on these shapes and data: {reason}") from None
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure: shapes it cannot run
        raise UsageError(f"pySHACL cannot validate with these shapes: {text}")
    return bool(conforms), report


def auto_engine(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """The fast engine when it compiles the shapes, else pySHACL, saying so on the log."""
    try:
        return validate_graph(data, shapes)
    except UnsupportedShape as err:  # refused before any check ran
        logging.getLogger("turkestan_kg").warning("validating with pySHACL: %s", err)
        return pyshacl_engine(data, shapes)


Validator = Callable[[Graph, Graph], tuple[bool, Graph]]
"""A validation engine: (data graph, shapes graph) -> (conforms, report graph)."""


def validator(name: str) -> Validator:
    """The validation engine ``name`` (an entry of :data:`turkestan_kg.validation.ENGINES`).

    >>> validator("pyshacl").__name__
    'pyshacl_engine'
    """
    found = resolve(entry(ENGINES, name, "validation engine"))
    assert callable(found)
    return cast(Validator, found)


def default_shapes() -> Path:
    """The project's shapes file."""
    return project_root() / "ontology" / SHAPES_FILE


def validate(
    kg: KnowledgeGraph, *, shapes: Path | str | None = None, engine: str = "fast"
) -> ValidationReport:
    """Validate ``kg`` (ontology and data together) against the shapes.

    ``engine="fast"`` compiles the shapes to whole-graph SPARQL on Oxigraph
    (:mod:`turkestan_kg.validation.compile`) and refuses shapes it cannot compile
    (:class:`~turkestan_kg.errors.UsageError`); ``engine="pyshacl"`` is the reference
    implementation; ``engine="auto"`` is the fast engine, else pySHACL. All give the same report.
    """
    check = validator(engine)
    shapes_graph = read_shapes(shapes)
    conforms, report = check(kg.merged(), shapes_graph)
    problems = tuple(
        sorted(
            located_problem(kg, shapes_graph, report, r)
            for r in report.subjects(SH.focusNode, None)
        )
    )
    return ValidationReport(bool(conforms), problems, report)


def validate_store(
    store: ox.Store,
    *,
    shapes: Path | str | None = None,
    name: str = "store",
    progress: Progress | None = None,
    workers: int | None = None,
) -> ValidationReport:
    """Validate an on-disk Oxigraph store (its default graph) with the fast engine, running
    ``workers`` checks at once (default: one per core).

    For graphs too big for rdflib: problems name the store instead of a data file, the
    entity is the nearest IRI above a blank node (as for files), and literals appear in
    Oxigraph's canonical form.
    """
    shapes_graph = read_shapes(shapes)
    checks = compile_shapes(shapes_graph, subclasses=subclasses(OxigraphEngine(store=store)))
    refuse_shapes_graph(checks, "a store")
    tick = progress(len(checks)) if progress else (lambda n: None)
    workers = workers or os.cpu_count() or 1
    conforms, report = run_on_store(store, checks, progress=tick, workers=workers)
    problems = []
    for result in report.subjects(SH.focusNode, None):
        entity = owner(report.value(result, SH.focusNode), lambda n: _subjects(store, n))
        named = label(_objects(store, entity, SKOS.prefLabel))
        problems.append(
            problem(report, shapes_graph, result, entity=entity, label=named, file=name)
        )
    return ValidationReport(conforms, tuple(sorted(problems)), report)


def _subjects(store: ox.Store, node: BNode) -> Iterator[Node]:
    """The store's ``kg.subjects(None, node)``: an index lookup in the default graph."""
    for quad in store.quads_for_pattern(None, None, to_oxigraph(node), DefaultGraph()):
        yield from_oxigraph_term(quad.subject)


def _objects(store: ox.Store, node: Node | None, predicate: URIRef) -> Iterator[Node]:
    """The store's ``kg.objects(node, predicate)`` (nothing unless ``node`` is an IRI or blank node)."""
    if not isinstance(node, URIRef | BNode):
        return
    subject = to_oxigraph(node)
    assert isinstance(subject, ox.NamedNode | ox.BlankNode)  # an IRI or a blank node, above
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, DefaultGraph()):
        yield from_oxigraph_term(quad.object)
