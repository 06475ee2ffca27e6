"""What the fast engine refuses, decided on the parsed shapes graph before any check runs.

The fast engine (:mod:`~turkestan_kg.validation.compile`) never passes data it did not check:
a shape with targets it does not compile, a constraint it does not know, a datatype whose
ill-formed literals it cannot tell, or a SPARQL constraint whose pre-binding of ``$this`` it
cannot honour is refused as :class:`UnsupportedShape`, naming the shape and the feature.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> a sh:PropertyShape ; sh:targetClass <urn:C> ; sh:path <urn:p> ; sh:minCount 1 .''')
>>> check_targets(shapes)
Traceback (most recent call last):
...
turkestan_kg.validation.support.UnsupportedShape: shape <urn:S> uses targets outside a sh:NodeShape, which the fast engine does not compile (use --engine auto or --engine pyshacl)
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Graph, Variable
from rdflib.term import Node

from ..errors import UsageError
from ..namespaces import OWL, RDF, RDFS, SH, XSD
from ..sparql.tree import children, get, walk


class UnsupportedShape(UsageError):
    """The shapes use a SHACL feature the fast engine does not compile (exit code 2); the
    ``auto`` and ``pyshacl`` engines validate them."""


def refusal(shapes: Graph, shape: Node, feature: str) -> UnsupportedShape:
    """The error naming ``shape`` (or, for a blank node, the shape it belongs to)."""
    return UnsupportedShape(
        f"shape {name(shapes, shape)} uses {feature}, which the fast engine does not compile",
        hint="use --engine auto or --engine pyshacl",
    )


def name(shapes: Graph, shape: Node) -> str:
    if not isinstance(shape, BNode):
        return shape.n3()
    for owner in shapes.subjects(None, shape):
        if not isinstance(owner, BNode):
            return f"{owner.n3()} (a blank node in it)"
    return "[] (a blank node)"


# ---------------------------------------------------------------------- targets


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def check_targets(shapes: Graph) -> None:
    """Every shape with targets must be a sh:NodeShape with explicit targets: a property
    shape on its own, an untyped shape or an implicit class target is refused."""
    targeted = {s for t in TARGETS for s in shapes.subjects(t, None)}
    for shape in sorted(targeted, key=str):
        if (shape, RDF.type, SH.NodeShape) not in shapes:
            raise refusal(shapes, shape, "targets outside a sh:NodeShape")
    classes = {c for k in (RDFS.Class, OWL.Class) for c in shapes.subjects(RDF.type, k)}
    kinds = {s for k in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, k)}
    both = sorted(classes & kinds, key=str)
    if both:
        raise refusal(shapes, both[0], "an implicit class target (a shape that is a class)")


def has_targets(shapes: Graph, shape: Node) -> bool:
    return any(shapes.value(shape, t) is not None for t in TARGETS)


# ---------------------------------------------------------------------- datatypes


CASTABLE = {
    XSD[t]
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
    )
}
"""Datatypes whose well-formed literals the engine tells by a cast (an ill-formed one fails)."""


def well_formed(shapes: Graph, shape: Node, v: str, datatype: Node) -> str:
    """A SPARQL test that ``v`` (of ``datatype``) is well-formed; refused where none is known."""
    if datatype in (XSD.string, RDF.langString):
        return "true"
    if datatype in CASTABLE:
        return f"COALESCE(isLiteral({datatype.n3()}(STR({v}))), false)"
    raise refusal(
        shapes, shape, f"sh:datatype {datatype.n3()} (whose ill-formed literals it cannot tell)"
    )


# ---------------------------------------------------------------------- SPARQL constraints


SPARQL_KEYS = {RDF.type, SH.select, SH.message, SH.prefixes, RDFS.label, RDFS.comment}
FORBIDDEN = {
    "MinusGraphPattern": "MINUS",
    "InlineData": "VALUES",
    "ServiceGraphPattern": "SERVICE",
    "SubSelect": "a subquery",
}
"""Where pre-binding ``$this`` is not defined (SHACL 5.2.1) or not done by this engine."""
PREBOUND = {Variable("currentShape"), Variable("shapesGraph"), Variable("PATH")}


def sparql_parts(shapes: Graph, shape: Node, constraint: Node) -> tuple[str, str]:
    """(the PREFIX prologue, the SELECT) of a SPARQL-based constraint the engine can run."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    unknown = set(shapes.predicates(constraint)) - SPARQL_KEYS
    select = shapes.value(constraint, SH.select)
    if unknown or select is None:
        keys = sorted(k.n3() for k in unknown) or ["no sh:select"]
        raise refusal(shapes, shape, f"a SPARQL constraint with {', '.join(keys)}")
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declarations(shapes, constraint))
    try:
        tree = parseQuery(prologue + str(select))
    except ParseException as err:
        raise refusal(shapes, shape, f"a SPARQL query that does not parse ({err.msg})") from err
    problem = undeclared(tree) or prebinding_problem(tree[1])
    if problem:
        raise refusal(shapes, shape, f"{problem} in a SPARQL constraint")
    return prologue, str(select)


def declarations(shapes: Graph, constraint: Node) -> Iterator[tuple[str, str]]:
    """The (prefix, namespace) pairs sh:prefixes declares, following owl:imports."""
    todo, seen = list(shapes.objects(constraint, SH.prefixes)), set()
    while todo:
        owner = todo.pop()
        if owner in seen:
            continue
        seen.add(owner)
        todo += shapes.objects(owner, OWL.imports)
        for decl in shapes.objects(owner, SH.declare):
            yield str(shapes.value(decl, SH.prefix)), str(shapes.value(decl, SH.namespace))


def undeclared(tree: object) -> str:
    """The prefixes a parsed query uses but neither it nor sh:prefixes declares ("" if none)."""
    used: set[str] = set()
    declared: set[str] = set()
    for node in walk(tree):
        label = getattr(node, "name", None)
        if label in ("pname", "PrefixDecl"):
            (used if label == "pname" else declared).add(str(get(node, "prefix") or ""))
    missing = sorted(used - declared)
    return f"the undeclared prefixes {', '.join(p + ':' for p in missing)}" if missing else ""


def prebinding_problem(query: object) -> str:
    """What keeps the engine from pre-binding ``$this`` by joining the targets into the
    query's top group ("" if nothing): a forbidden form, a pre-bound variable it does not
    bind, or ``$this`` in an expression of a nested group (where it would be unbound)."""
    for node in walk(query):
        label = getattr(node, "name", None)
        if isinstance(label, str) and label in FORBIDDEN:
            return FORBIDDEN[label]
        if isinstance(node, Variable) and node in PREBOUND:
            return f"the pre-bound variable ${node}"
    if get(query, "valuesClause") is not None:
        return "VALUES"
    parts = children(get(query, "where"))
    if _assigns_this(query) or any(_nested_this(p, nested=False) for p in parts):
        return "$this bound by the query or tested in a nested group"
    return ""


def _assigns_this(query: object) -> bool:
    """``BIND (... AS $this)`` or ``(... AS $this)`` anywhere (a plain ``SELECT $this`` is
    a projection item without an expression: ``var``, not ``evar``, and no ``expr``)."""
    this = Variable("this")
    return any(
        get(n, "evar") == this or (getattr(n, "name", None) == "Bind" and get(n, "var") == this)
        for n in walk(query)
    )


def _nested_this(node: object, *, nested: bool) -> bool:
    label = getattr(node, "name", None)
    if label in ("Filter", "Bind"):
        return nested and any(n == Variable("this") for n in walk(node))
    inner = nested or label == "GroupGraphPatternSub"
    return any(_nested_this(child, nested=inner) for child in children(node))
