"""A fast SHACL engine, part 1: the shapes compiled to whole-graph SPARQL (part 2,
:mod:`turkestan_kg.validation.execute`, runs the queries on Oxigraph).

pySHACL checks constraints focus node by focus node, and evaluates each ``sh:sparql``
constraint once per focus node (about 12 ms each on rdflib). This engine compiles every
constraint of every shape with targets into one SPARQL query over the whole data graph,
with the focus nodes joined in, and runs them on Oxigraph. It builds the W3C validation
report (focus nodes, paths, values, source shapes, constraint components, severities and
messages) that the W3C SHACL test suite and the differential tests against pySHACL check.

It compiles SHACL Core whole: every target kind (implicit class targets included), every
path kind, every core constraint component (:mod:`.components`), shapes reached through
sh:property, sh:node, sh:qualifiedValueShape and the logical components, severities and
sh:deactivated; SPARQL-based constraints (:mod:`.sparql`), pre-binding ``$this`` by a join
where that is the same, else per focus node; and SPARQL-based constraint components
(:mod:`.custom`). What it cannot compile (SHACL-AF rules and targets, recursive shapes) is
refused before anything runs (:class:`UnsupportedShape`, :mod:`.support`), so it never
passes data it did not check.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from ..namespaces import OWL, RDF, RDFS, SH
from .components import deactivated, for_shape, violations
from .context import Ctx, Focus, Names, PerFocus, PerValue, Violation
from .custom import compile_use, used
from .literals import check_targets_kept
from .paths import path_triples
from .sets import as_sets, failing
from .sparql import Compiled, sparql_constraint
from .support import UnsupportedShape as UnsupportedShape
from .support import check_shapes, refusal
from .terms import SUBCLASSES, instance_of, term


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query and what to put in each result."""

    query: str
    source_shape: Node
    component: Node  # a core component's IRI, or a shapes graph's own component
    path: Node | None
    message: Literal | None
    template: bool = False  # SPARQL-based: substitute {?var} from the row
    prologue: str = ""  # PREFIX declarations of a SPARQL-based constraint
    severity: Node = SH.Violation
    focus: str = ""  # for a SPARQL-based constraint: its focus nodes' query (on ?this)
    mode: str = "join"  # "join": the query has the focus nodes in; "each", "ask": see .sparql
    prebound: tuple[str, ...] = ()  # in "each": the variables pre-bound (this, currentShape)
    constraint: Node | None = None  # a SPARQL constraint's node: the results' sh:sourceConstraint
    parameters: tuple[tuple[str, Node], ...] = ()  # a component's, for {$name} in messages
    path_triples: tuple[tuple[Node, Node, Node], ...] = ()  # a blank-node path, written out
    constants: tuple[Literal, ...] = ()  # the typed literals a SPARQL-based check writes

    @property
    def text(self) -> str:
        """The whole query: the prologue, then the SELECT."""
        return self.prologue + self.query


# ---------------------------------------------------------------------- targets


TARGET_CLASSES = (RDFS.Class, OWL.Class)


def targeted(shapes: Graph) -> list[Node]:
    """Every shape with targets, explicit or implicit (a shape that is also a class)."""
    found = {
        s
        for t in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s in shapes.subjects(t, None)
    }
    kinds = {s for k in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, k)}
    found |= {s for c in TARGET_CLASSES for s in shapes.subjects(RDF.type, c)} & kinds
    return sorted(found, key=lambda n: (type(n).__name__, str(n)))


def targets(shapes: Graph, shape: Node, names: Names) -> Focus:
    """The focus nodes of ``shape`` (SHACL 2.1.3)."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if any((shape, RDF.type, c) in shapes for c in TARGET_CLASSES):
        classes.append(shape)
    nodes = list(shapes.objects(shape, SH.targetNode))
    if any(isinstance(n, BNode) for n in nodes):
        raise refusal(shapes, shape, "a blank node as sh:targetNode, which no query can name")
    subjects_of = list(shapes.objects(shape, SH.targetSubjectsOf))
    objects_of = list(shapes.objects(shape, SH.targetObjectsOf))

    def focus(var: str) -> str:
        parts = [instance_of(var, term(c)) for c in classes]
        parts += [f"{{ VALUES {var} {{ {term(n)} }} }}" for n in nodes]
        parts += [f"{{ {var} {term(p)} {names('o')} }}" for p in subjects_of]
        parts += [f"{{ {names('s')} {term(p)} {var} }}" for p in objects_of]
        if len(parts) == len(classes) == 1 and _no_subclass(classes[0]):
            return parts[0]  # one class, no subclass: each node once without DISTINCT
        if not (subjects_of or objects_of):  # a node once per class it is in, at most
            return "{ " + " UNION ".join(parts) + " }"  # (the checks' rows are distinct)
        return f"{{ SELECT DISTINCT {var} WHERE {{ " + " UNION ".join(parts) + " } }"

    few = bool(nodes) and not (classes or subjects_of or objects_of)
    return Focus(focus, few=few, named=bool(nodes))


def _no_subclass(cls: Node) -> bool:
    known = SUBCLASSES.get()
    return known is not None and not known.get(str(cls))


# ---------------------------------------------------------------------- compiling


def compile_shapes(
    shapes: Graph, *, subclasses: Mapping[str, Iterable[str]] | None = None
) -> list[Check]:
    """Every constraint of every shape with targets, as a whole-graph query. With
    ``subclasses`` (each class IRI's subclasses, all levels, as the data's ontology has them)
    class tests list the classes instead of following rdfs:subClassOf in the query."""
    token = SUBCLASSES.set(subclasses)
    try:
        check_shapes(shapes)
        names = Names()
        checks = [
            check
            for shape in targeted(shapes)
            for check in shape_checks(shapes, shape, targets(shapes, shape, names), names)
        ]
        check_targets_kept(shapes, checks)
        return checks
    finally:
        SUBCLASSES.reset(token)


def shape_checks(
    shapes: Graph, shape: Node, focus: Focus, names: Names, stack: tuple[Node, ...] = ()
) -> Iterator[Check]:
    """The checks of ``shape`` on the focus nodes ``focus`` gives, and of its property shapes
    on its value nodes."""
    if deactivated(shapes, shape):
        return
    ctx = for_shape(shapes, shape, names, stack)
    about = _About(shapes, shape)
    for found in violations(ctx):
        yield about.check(_query(ctx, found, focus), found.component)
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        if deactivated(shapes, constraint):
            continue
        compiled = sparql_constraint(
            shapes, shape, constraint, focus.pattern("?this"), ctx.path, named=focus.named
        )
        message = _message(shapes, constraint)
        yield about.sparql(compiled, SH.SPARQLConstraintComponent, message, constraint=constraint)
    for use in used(shapes, shape):
        values = ctx.values("?this", "?value")
        compiled, message = compile_use(
            shapes, shape, use, focus.pattern("?this"), ctx.path, values, named=focus.named
        )
        parameters = tuple(sorted(use.values.items()))
        yield about.sparql(compiled, use.component, message, parameters=parameters)
    inner = focus if ctx.path is None else _value_nodes(ctx, focus)
    for prop in sorted(shapes.objects(shape, SH.property), key=str):
        yield from shape_checks(shapes, prop, inner, names, ctx.stack)


class _About:
    """What every check of one shape reports: the shape, its path (written out whole when it
    is a blank node), its message and its severity."""

    def __init__(self, shapes: Graph, shape: Node) -> None:
        self.shape = shape
        self.path = shapes.value(shape, SH.path)
        self.message = _message(shapes, shape)
        self.severity = shapes.value(shape, SH.severity) or SH.Violation
        self.path_triples = path_triples(shapes, self.path)

    def check(self, query: str, component: Node) -> Check:
        return Check(
            query,
            self.shape,
            component,
            self.path,
            self.message,
            severity=self.severity,
            path_triples=self.path_triples,
        )

    def sparql(
        self,
        compiled: Compiled,
        component: Node,
        message: Literal | None,
        *,
        constraint: Node | None = None,
        parameters: tuple[tuple[str, Node], ...] = (),
    ) -> Check:
        """The check of a SPARQL-based constraint, or of a component's validator."""
        return replace(
            self.check(compiled.query, component),
            message=message or self.message,
            template=True,
            prologue=compiled.prologue,
            focus=compiled.focus,
            mode=compiled.mode,
            prebound=compiled.prebound,
            constraint=constraint,
            parameters=parameters,
            constants=compiled.constants,
        )


def _message(shapes: Graph, shape: Node) -> Literal | None:
    m = shapes.value(shape, SH.message)
    return m if isinstance(m, Literal) else None


def _value_nodes(ctx: Ctx, focus: Focus) -> Focus:
    """The focus nodes of a property shape's own property shapes: its value nodes."""

    outer = f"?outer{len(focus.outers)}"

    def inner(var: str) -> str:
        return f"{{ {focus.pattern(outer)} {ctx.values(outer, var)} }}"

    return Focus(inner, (*focus.outers, outer), focus.few, focus.named)


def _query(ctx: Ctx, found: Violation, at: Focus) -> str:
    """The whole-graph query of one violation: a row per result."""
    focus, keys = at.pattern("?this"), at.keys
    if isinstance(found, PerValue):
        return _per_value(ctx, found, at)
    if found.count is not None and ctx.path is not None and not ctx.nullable:
        return _counted(ctx, found, focus, keys, at.few)
    out = {role: f"?{role}" for role in found.binds}
    where = f"{{ {focus} {found.pattern('?this', out)} }}"
    return f"SELECT DISTINCT {keys} {' '.join(out.values())} WHERE {where}"


def _per_value(ctx: Ctx, found: PerValue, at: Focus) -> str:
    focus, keys = at.pattern("?this"), at.keys
    if ctx.path is None and found.members and not at.few:
        return as_sets(ctx, found, at, _query)
    if ctx.path is None:
        bad = failing(found, "?this", at.few)
        return f"SELECT DISTINCT {keys} (?this AS ?value) WHERE {{ {focus} {bad} }}"
    values = ctx.values if at.few else ctx.joined
    where = f"{{ {focus} {values('?this', '?value')} {failing(found, '?value', at.few)} }}"
    return f"SELECT DISTINCT {keys} ?value WHERE {where}"


def _counted(ctx: Ctx, found: PerFocus, focus: str, keys: str, few: bool) -> str:
    """Counts over a property shape's values, grouped: quicker than spelled-out values at
    the top, and for any count. A minimum of one is an anti-join (a third of the time), or,
    for ``few`` focus nodes, a lookup each."""
    assert found.count is not None
    kind, n = found.count
    ok = f" FILTER ({found.ok})" if found.ok else ""
    values = f"{ctx.values('?this', '?v')}{ok}"
    if kind == "languages":  # sh:uniqueLang: a result per language tag used twice or more
        values += ' BIND (LCASE(LANG(?v)) AS ?key) FILTER (?key != "")'
        return _over(ctx.flat and not few, values, f"{keys} ?key", "?key", f"> {n}", focus)
    if kind == "min" and n == 1:
        absent = f"FILTER NOT EXISTS {{ {values} }}" if few else f"MINUS {{ {values} }}"
        return f"SELECT DISTINCT {keys} WHERE {{ {focus} {absent} }}"
    if kind == "min":
        where = f"{{ {focus} OPTIONAL {{ {values} }} }}"
        return f"SELECT {keys} WHERE {where} GROUP BY {keys} HAVING (COUNT(DISTINCT ?v) < {n})"
    return _over(ctx.flat and not few, values, keys, "", f"> {n}", focus)


def _over(first: bool, values: str, keys: str, key: str, test: str, focus: str) -> str:
    """The focus nodes (with ``key``) whose values number ``test``. With ``first`` the values
    are counted for the whole graph, then the few nodes past the test joined with the focus
    nodes (a quarter of the time over a large class): a count depends on the node alone,
    not on what made it a focus node, for a path without repetition."""
    having = f"HAVING (COUNT(DISTINCT ?v) {test})"
    if first:
        over = f"SELECT ?this {key} WHERE {{ {values} }} GROUP BY ?this {key} {having}"
        return f"SELECT DISTINCT {keys} WHERE {{ {{ {over} }} {focus} }}"
    return f"SELECT {keys} WHERE {{ {focus} {values} }} GROUP BY {keys} {having}"
