"""A fast SHACL engine, part 2: run the compiled checks on Oxigraph and write the W3C
validation report, the same report pySHACL writes (see :mod:`turkestan_kg.validation.compile`).
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import RDF, SH
from ..sparql.engines import from_oxigraph
from ..sparql.results import QueryResult
from .compile import Check, compile_shapes
from .literals import (
    check_literals_kept,
    check_one_term_each,
    ill_typed,
    keep_ill_typed,
    original_literals,
    stored_forms,
)
from .prebind import prebind
from .support import refusal


def run_checks(data: Graph, checks: list[Check], shapes: Graph | None = None) -> tuple[bool, Graph]:
    """Run every check on Oxigraph; (conforms, the W3C validation report graph). Where a
    check reads ``$shapesGraph``, ``shapes`` is the store's named graph SHAPES_GRAPH."""
    forms = stored_forms(data)
    ill = ill_typed(data, forms)
    check_literals_kept(data, forms, checks, ill, shapes)
    check_one_term_each(forms, ill, shapes, [lit for c in checks for lit in c.constants])
    nt = data.serialize(format="nt", encoding="utf-8")
    store = ox.Store()
    store.extend(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))  # keeps blank node labels
    if shapes is not None and needs_shapes_graph(checks):
        named = shapes.serialize(format="nt", encoding="utf-8")
        store.load(named, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(SHAPES_GRAPH))
    stand_ins = keep_ill_typed(data, store, ill, forms)
    return run_on_store(store, checks, lambda: {**original_literals(forms), **stand_ins})


SHAPES_GRAPH = "urn:x-turkestan-kg:shapes-graph"
"""The named graph that holds the shapes graph where ``$shapesGraph`` is pre-bound (only in
a store made for the validation: never in a user's store)."""


def run_on_store(
    store: ox.Store,
    checks: list[Check],
    originals_of: Callable[[], dict[Node, Literal]] = dict,
    progress: Callable[[int], None] = lambda n: None,
    workers: int = 1,
) -> tuple[bool, Graph]:
    """Run every check on a store whose default graph holds the data (ontology included).

    ``originals_of`` maps Oxigraph's canonical literals back to the data's own forms; it is
    only called once there is a result to report. By default literals stay canonical.
    ``progress`` is called with 1 after each check. With ``workers`` above 1 that many
    checks run at once (Oxigraph evaluates a query without holding Python's lock); the
    report is the same, results in the order of the checks.
    """
    originals: dict[Node, Literal] | None = None
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for check, rows in answers(store, checks, progress, workers):
        for found in rows:
            if originals is None:
                originals = originals_of()
            row = {name: originals.get(term, term) for name, term in found.items()}
            conforms = False
            add_result(report, root, check, row)
    report.add((root, SH.conforms, Literal(conforms)))
    return conforms, report


Rows = tuple[Mapping[str, Node], ...]


def answers(
    store: ox.Store, checks: list[Check], progress: Callable[[int], None], workers: int
) -> Iterator[tuple[Check, Rows]]:
    """Each check with its rows, in order, computed by ``workers`` threads."""
    if workers <= 1:
        for check in checks:
            rows = _rows(store, check)
            progress(1)
            yield check, rows
        return
    done: queue.Queue[tuple[int, Rows | BaseException]] = queue.Queue()
    todo = iter(sorted(enumerate(checks), key=lambda item: _cheap(item[1])))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            try:
                done.put((item[0], _rows(store, item[1])))
            except BaseException as err:  # handed to the caller's thread
                done.put((item[0], err))
                return

    for _ in range(min(workers, len(checks))):
        # daemons: Ctrl-C does not wait for a check under way to finish
        threading.Thread(target=work, daemon=True).start()
    results: dict[int, Rows] = {}
    while len(results) < len(checks):
        index, answer = done.get()
        if isinstance(answer, BaseException):
            raise answer
        results[index] = answer
        progress(1)
    for index, check in enumerate(checks):
        yield check, results[index]


def _cheap(check: Check) -> bool:
    """Whether a check is likely quick: the SPARQL constraints and the node-level sh:or and
    sh:xone join the most per focus node, so they start first and no core is left with
    one of them at the end while the other idles."""
    return not (check.template or check.path is None)


def _rows(store: ox.Store, check: Check) -> Rows:
    """The check's rows on the store; a query Oxigraph cannot run is named with its shape."""
    try:
        graphs: list[ox.NamedNode | ox.BlankNode] = (
            [ox.NamedNode(SHAPES_GRAPH)] if "shapesGraph" in check.prebound else []
        )

        def run(text: str) -> QueryResult:  # the data graph alone: no named graph but ours
            return from_oxigraph(store.query(text, named_graphs=graphs))

        return check_rows(run, check)
    except (SyntaxError, RuntimeError, OSError, ValueError) as err:
        raise CheckFailed(
            f"the check of shape {check.source_shape.n3()} could not run on Oxigraph: {err}",
            hint="validate with --engine pyshacl, or report the shape and this message",
        ) from None


class CheckFailed(QueryError):
    """A compiled check that the store could not run (exit code 1), named by its shape."""


Runner = Callable[[str], QueryResult]
"""Runs one query's whole text (on Oxigraph, or any engine) and gives its answer."""


def check_rows(run: Runner, check: Check) -> Rows:
    """A check's rows, one per result; for a SPARQL-based constraint, of its focus nodes
    only, ``$this`` pre-bound as :mod:`.sparql` decided."""
    if check.mode == "join":
        return run(check.text).rows
    if check.mode == "ask":
        return tuple(row for row in run(check.focus).rows if not _asked(run, check, row))
    focus = [row["this"] for row in run(check.focus).rows]
    rows: list[Mapping[str, Node]] = []
    for node in focus:
        _named(check, node)
        values = {
            "this": node,
            "currentShape": check.source_shape,
            "shapesGraph": URIRef(SHAPES_GRAPH),
        }
        text = prebind(check.query, {v: values[v] for v in check.prebound})
        rows += [{**r, "this": node} for r in run(check.prologue + text).rows]
    return tuple(rows)


def _asked(run: Runner, check: Check, row: Mapping[str, Node]) -> bool:
    """An ASK validator's answer for one focus node and value node, both pre-bound."""
    for node in row.values():
        _named(check, node)
    return bool(run(check.prologue + prebind(check.query, row)).boolean)


def _named(check: Check, node: Node) -> None:
    """Only an IRI or a literal can be written into a query's text."""
    if isinstance(node, BNode):
        raise refusal(Graph(), check.source_shape, BLANK_FOCUS)


BLANK_FOCUS = (
    "a SPARQL check that runs per focus node (its $this written into the query), on a blank "
    "focus node, which no query text can name"
)


def validate_graph(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """(conforms, report graph), like ``pyshacl.validate`` with inference off."""
    return run_checks(data, compile_shapes(shapes), shapes)


def needs_shapes_graph(checks: list[Check]) -> bool:
    """Whether a SPARQL constraint reads ``$shapesGraph``."""
    return any("shapesGraph" in check.prebound for check in checks)


def refuse_shapes_graph(checks: list[Check], where: str) -> None:
    """``$shapesGraph`` is only given where the validation builds its own store; a store or an
    endpoint holds the data alone."""
    for check in checks:
        if "shapesGraph" in check.prebound:
            raise refusal(
                Graph(),
                check.source_shape,
                f"$shapesGraph, which validation on {where} cannot give",
            )


def add_result(report: Graph, root: Node, check: Check, row: dict[str, Node]) -> Node:
    """Write one validation result for a check's row; the result's node."""
    result = BNode()
    report.add((root, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    focus = row["this"]
    report.add((result, SH.focusNode, focus))
    path = row.get("path", check.path)
    if path is not None:
        report.add((result, SH.resultPath, path))
        if path == check.path:
            for triple in check.path_triples:
                report.add(triple)
    value = row.get("value", focus if check.template else None)
    if value is not None:
        report.add((result, SH.value, value))
    report.add((result, SH.sourceShape, check.source_shape))
    report.add((result, SH.sourceConstraintComponent, check.component))
    if check.constraint is not None:
        report.add((result, SH.sourceConstraint, check.constraint))
    report.add((result, SH.resultSeverity, check.severity))
    if check.message is not None:
        if check.template:  # like pySHACL: substituted messages lose their language tag
            known = {**dict(check.parameters), **row}
            text = re.sub(
                r"\{[?$](\w+)\}", lambda m: _show(known.get(m.group(1))), str(check.message)
            )
            report.add((result, SH.resultMessage, Literal(text)))
        else:
            report.add((result, SH.resultMessage, check.message))
    return result


def _show(node: Node | None) -> str:
    return "" if node is None else str(node)
