"""SHACL Core's constraint components (SHACL 4), each compiled to SPARQL.

A constraint becomes one of two kinds of violation, written for any focus variable so that
the same text serves a whole-graph query (:mod:`.compile`) and a nested conformance test
(:func:`conforms`, for sh:node, sh:not, sh:and, sh:or, sh:xone, sh:property inside them and
sh:qualifiedValueShape):

- :class:`PerValue`: an expression, true for each value node that fails (sh:class, sh:in...);
- :class:`PerFocus`: a group pattern with a solution when the focus node fails (sh:minCount,
  sh:equals...), binding the result's value or path where the component reports one.

Value nodes are the focus node itself for a node shape, the nodes its path reaches for a
property shape (SHACL 2.3.2).

>>> from rdflib import Graph, URIRef
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> sh:path <urn:p> ; sh:in ( 1 2 ) .''')
>>> print(conforms(shapes, URIRef("urn:S"), "?x", Names()))
NOT EXISTS { ?x <urn:p> ?v1 . FILTER (!(sameTerm(?v1, "1"^^<http://www.w3.org/2001/XMLSchema#integer>) || sameTerm(?v1, "2"^^<http://www.w3.org/2001/XMLSchema#integer>))) }
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph
from rdflib.term import Node

from ..namespaces import SH
from .context import Builder, Ctx, Names, PerValue, Violation
from .custom import used
from .paths import nullable, repeats, sparql_path
from .shape_components import (
    all_of,
    any_of,
    closed,
    disjoint,
    equals,
    has_value,
    less,
    logical,
    max_count,
    min_count,
    node_shape,
    not_shape,
    qualified,
    shape_test,
    unique_lang,
    xone,
)  # fmt: skip
from .support import refusal
from .terms import is_true
from .value_components import (
    class_of,
    compare,
    datatype,
    in_list,
    language_in,
    length,
    node_kind,
    pattern,
)  # fmt: skip


def for_shape(shapes: Graph, shape: Node, names: Names, stack: tuple[Node, ...] = ()) -> Ctx:
    """The context of ``shape``: a property shape's path compiled, cycles refused."""
    if shape in stack:
        raise refusal(shapes, shape, "a shape that refers to itself (recursion)")
    path = shapes.value(shape, SH.path)
    spelled = None if path is None else sparql_path(shapes, path, shape)
    inside = (*stack, shape)

    def judge(nested: Node, v: str) -> str:
        return conforms(shapes, nested, v, names, inside)

    flat = path is not None and not repeats(shapes, path)
    return Ctx(shapes, shape, names, inside, spelled, nullable(shapes, path), judge, flat)


def conforms(shapes: Graph, shape: Node, v: str, names: Names, stack: tuple[Node, ...] = ()) -> str:
    """An expression true when node ``v`` conforms to ``shape`` (no result of any severity)."""
    nested = nested_violations(shapes, shape, names, stack)
    if nested is None:
        return "true"
    ctx, found = nested
    return " && ".join(_holds(ctx, v, one) for one in found) or "true"


def nested_violations(
    shapes: Graph, shape: Node, names: Names, stack: tuple[Node, ...] = ()
) -> tuple[Ctx, list[Violation]] | None:
    """The context and violations of a shape used by another shape; None if deactivated (it
    always conforms). SPARQL in it is refused: it would need pre-binding inside a test."""
    if deactivated(shapes, shape):
        return None
    if shapes.value(shape, SH.sparql) is not None or any(used(shapes, shape)):
        raise refusal(shapes, shape, "SPARQL in a shape used by another shape")
    ctx = for_shape(shapes, shape, names, stack)
    return ctx, list(violations(ctx, nested=True))


def _holds(ctx: Ctx, this: str, found: Violation) -> str:
    if isinstance(found, PerValue):
        if ctx.path is None:  # the test itself: it never errs (see PerValue)
            return f"!({found.bad(this, this)})"
        v = ctx.names()
        return f"NOT EXISTS {{ {ctx.values(this, v)} FILTER ({found.bad(this, v)}) }}"
    if found.holds is not None:
        return found.holds(this)
    out = {role: ctx.names(role) for role in found.binds}
    return f"NOT EXISTS {{ {found.pattern(this, out)} }}"


def deactivated(shapes: Graph, shape: Node) -> bool:
    return is_true(shapes.value(shape, SH.deactivated))


def violations(ctx: Ctx, *, nested: bool = False) -> Iterator[Violation]:
    """Every violation the constraints of ``ctx.shape`` can give; sh:property shapes too when
    ``nested`` (at the top they are validated as shapes of their own)."""
    for parameter in sorted(set(ctx.shapes.predicates(ctx.shape)), key=str):
        build = COMPONENTS.get(parameter)
        if build is not None:
            for value in sorted(ctx.shapes.objects(ctx.shape, parameter), key=str):
                yield from build(ctx, value)
    if nested:
        for prop in sorted(ctx.shapes.objects(ctx.shape, SH.property), key=str):
            yield PerValue(SH.PropertyConstraintComponent, shape_test(ctx, prop, negate=True))


COMPONENTS: dict[Node, Builder] = {
    SH["class"]: class_of,
    SH.datatype: datatype,
    SH.nodeKind: node_kind,
    SH.minCount: min_count,
    SH.maxCount: max_count,
    SH.minExclusive: compare(SH.MinExclusiveConstraintComponent, ">"),
    SH.minInclusive: compare(SH.MinInclusiveConstraintComponent, ">="),
    SH.maxExclusive: compare(SH.MaxExclusiveConstraintComponent, "<"),
    SH.maxInclusive: compare(SH.MaxInclusiveConstraintComponent, "<="),
    SH.minLength: length(SH.MinLengthConstraintComponent, ">="),
    SH.maxLength: length(SH.MaxLengthConstraintComponent, "<="),
    SH.pattern: pattern,
    SH.languageIn: language_in,
    SH.uniqueLang: unique_lang,
    SH.equals: equals,
    SH.disjoint: disjoint,
    SH.lessThan: less(SH.LessThanConstraintComponent, "<"),
    SH.lessThanOrEquals: less(SH.LessThanOrEqualsConstraintComponent, "<="),
    SH["not"]: not_shape,
    SH["and"]: logical(SH.AndConstraintComponent, all_of),
    SH["or"]: logical(SH.OrConstraintComponent, any_of),
    SH.xone: logical(SH.XoneConstraintComponent, xone),
    SH.node: node_shape,
    SH.qualifiedValueShape: qualified,
    SH.closed: closed,
    SH.hasValue: has_value,
    SH["in"]: in_list,
}
"""Each core constraint component, by its main parameter (SHACL 4)."""
