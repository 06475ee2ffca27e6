"""SHACL Core's structural components (SHACL 4.2, 4.4.4, 4.5 to 4.8): counts, pairs of
properties, shapes within shapes, closed shapes, and sh:hasValue.

Each is a :class:`~.context.PerFocus` or :class:`~.context.PerValue` written for any focus
variable; counts are spelled out with distinct variables where they are nested (the
whole-graph query groups instead, :mod:`.compile`).

>>> from rdflib import Graph
>>> print(any_of(["A", "B"]))
!((A) || (B))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from rdflib import URIRef
from rdflib.term import Node

from ..namespaces import SH
from .context import (
    Builder,
    Ctx,
    Out,
    PerFocus,
    PerValue,
    Violation,
    count,
    fails_if,
    fails_unless,
    fails_when,
    members,
)  # fmt: skip
from .paths import predicate_of
from .terms import is_true, term


def min_count(ctx: Ctx, value: Node) -> Iterator[Violation]:
    n = count(ctx, value)
    if n == 0 or (ctx.path is None and n == 1):
        return
    if ctx.path is None:  # a node shape has one value node
        yield fails_when(SH.MinCountConstraintComponent, lambda this: "true")
        return
    found = partial(ctx.distinct, n=n)
    yield fails_unless(SH.MinCountConstraintComponent, found, count=("min", n))


def max_count(ctx: Ctx, value: Node) -> Iterator[Violation]:
    n = count(ctx, value)
    if ctx.path is None and n >= 1:
        return
    found = partial(ctx.distinct, n=n + 1)
    yield fails_if(SH.MaxCountConstraintComponent, found, count=("max", n))


def unique_lang(ctx: Ctx, value: Node) -> Iterator[Violation]:
    if not is_true(value) or ctx.path is None:
        return
    a, b = ctx.names(), ctx.names()
    same = f'!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))'
    yield PerFocus(
        SH.UniqueLangConstraintComponent,
        lambda this, out: (
            f"{ctx.values(this, a)} {ctx.values(this, b)} FILTER ({same}) "
            f"BIND (LCASE(LANG({a})) AS {out['key']})"
        ),
        binds=("key",),
        count=("languages", 1),
    )


def has_value(ctx: Ctx, value: Node) -> Iterator[Violation]:
    if ctx.path is None:
        yield fails_when(SH.HasValueConstraintComponent, lambda t: f"!sameTerm({t}, {term(value)})")
        return

    def found(this: str) -> str:
        v = ctx.names()
        return f"{ctx.values(this, v)} FILTER (sameTerm({v}, {term(value)}))"

    yield fails_unless(SH.HasValueConstraintComponent, found)


def equals(ctx: Ctx, other: Node) -> Iterator[Violation]:
    p = term(other)
    yield PerValue(SH.EqualsConstraintComponent, lambda this, v: f"NOT EXISTS {{ {this} {p} {v} }}")

    def missing(this: str, out: Out) -> str:
        """Values of the other property that are not value nodes."""
        found, v = out["value"], ctx.names()
        among = f"{ctx.values(this, v)} FILTER (sameTerm({v}, {found}))"
        return f"{this} {p} {found} . FILTER NOT EXISTS {{ {among} }}"

    yield PerFocus(SH.EqualsConstraintComponent, missing, binds=("value",))


def disjoint(ctx: Ctx, other: Node) -> Iterator[Violation]:
    yield PerValue(
        SH.DisjointConstraintComponent, lambda this, v: f"EXISTS {{ {this} {term(other)} {v} }}"
    )


def less(component: URIRef, op: str) -> Builder:
    """sh:lessThan, sh:lessThanOrEquals: a result for each pair of a value node and a value
    of the other property that are not in order (or not comparable)."""

    def build(ctx: Ctx, other: Node) -> Iterator[Violation]:
        def pattern(this: str, out: Out) -> str:
            v, o = out["value"], out["key"]
            return f"{ctx.values(this, v)} {this} {term(other)} {o} . FILTER (!COALESCE({v} {op} {o}, false))"

        yield PerFocus(component, pattern, binds=("value", "key"))

    return build


# ---------------------------------------------------------------------- shape-based and logical


def shape_test(ctx: Ctx, shape: Node, *, negate: bool) -> Callable[[str, str], str]:
    def bad(this: str, v: str) -> str:
        test = ctx.conforms(shape, v)
        return f"!({test})" if negate else f"({test})"

    return bad


def node_shape(ctx: Ctx, shape: Node) -> Iterator[Violation]:
    test = shape_test(ctx, shape, negate=True)
    yield PerValue(SH.NodeConstraintComponent, test, (shape,), lambda t: f"!({t[0]})")


def not_shape(ctx: Ctx, shape: Node) -> Iterator[Violation]:
    test = shape_test(ctx, shape, negate=False)
    yield PerValue(SH.NotConstraintComponent, test, (shape,), lambda t: f"({t[0]})")


def logical(component: URIRef, combine: Callable[[list[str]], str]) -> Builder:
    def build(ctx: Ctx, lst: Node) -> Iterator[Violation]:
        shapes = members(ctx, lst)
        test = lambda this, v: combine([ctx.conforms(s, v) for s in shapes])  # noqa: E731
        yield PerValue(component, test, tuple(shapes), combine)

    return build


def all_of(tests: list[str]) -> str:
    return "!(" + (" && ".join(f"({t})" for t in tests) or "true") + ")"


def any_of(tests: list[str]) -> str:
    return "!(" + (" || ".join(f"({t})" for t in tests) or "false") + ")"


def xone(tests: list[str]) -> str:
    return "((" + (" + ".join(f"IF({t}, 1, 0)" for t in tests) or "0") + ") != 1)"


def qualified(ctx: Ctx, shape: Node) -> Iterator[Violation]:
    ok = qualified_ok(ctx, shape)
    least = ctx.shapes.value(ctx.shape, SH.qualifiedMinCount)
    most = ctx.shapes.value(ctx.shape, SH.qualifiedMaxCount)
    n = count(ctx, least) if least is not None else 0
    if n > 0:
        found = partial(ctx.distinct, n=n, ok=ok)
        yield fails_unless(
            SH.QualifiedMinCountConstraintComponent, found, count=("min", n), ok=ok("?v")
        )
    if most is not None:
        m = count(ctx, most)
        most_found = partial(ctx.distinct, n=m + 1, ok=ok)
        yield fails_if(
            SH.QualifiedMaxCountConstraintComponent, most_found, count=("max", m), ok=ok("?v")
        )


def qualified_ok(ctx: Ctx, shape: Node) -> Callable[[str], str]:
    """A value counts when it conforms to the qualified shape and, if the shapes are to be
    disjoint, to none of the sibling shapes (SHACL 4.7.3)."""
    siblings: set[Node] = set()
    if is_true(ctx.shapes.value(ctx.shape, SH.qualifiedValueShapesDisjoint)):
        for parent in ctx.shapes.subjects(SH.property, ctx.shape):
            for prop in ctx.shapes.objects(parent, SH.property):
                siblings.update(ctx.shapes.objects(prop, SH.qualifiedValueShape))
        siblings.discard(shape)

    def ok(v: str) -> str:
        tests = [f"({ctx.conforms(shape, v)})"]
        tests += [f"!({ctx.conforms(s, v)})" for s in sorted(siblings, key=str)]
        return " && ".join(tests)

    return ok


def closed(ctx: Ctx, value: Node) -> Iterator[Violation]:
    if not is_true(value):
        return
    ignored = ctx.shapes.value(ctx.shape, SH.ignoredProperties)
    allowed: set[Node] = set(members(ctx, ignored) if ignored is not None else [])
    for prop in ctx.shapes.objects(ctx.shape, SH.property):
        if (predicate := predicate_of(ctx.shapes, prop)) is not None:
            allowed.add(predicate)  # a longer path allows no one predicate
    listed = ", ".join(term(p) for p in sorted(allowed, key=str))
    s = ctx.names("s")

    def pattern(this: str, out: Out) -> str:
        # nothing allowed: no filter (Oxigraph 0.5 drops every row for ?p NOT IN ())
        only = f"FILTER ({out['path']} NOT IN ({listed}))" if listed else ""
        return f"{ctx.values(this, s)} {s} {out['path']} {out['value']} . {only}"

    yield PerFocus(SH.ClosedConstraintComponent, pattern, binds=("path", "value"))
