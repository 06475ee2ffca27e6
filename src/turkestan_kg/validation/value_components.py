"""SHACL Core's value components (SHACL 4.1 to 4.4, 4.8.3): a test on each value node.

>>> from rdflib import Graph
>>> print(NODE_KINDS[SH.IRI].format(v="?x"))
isIRI(?x)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import SH
from .context import Builder, Ctx, PerValue, Violation, count, members
from .support import ill_formed, refusal, well_formed
from .terms import datatype_ok, instance_of, language_ok, term


def per_value(component: URIRef, test: Callable[[str, Node], str]) -> Builder:
    """A component whose value nodes fail when ``test(value, parameter)`` holds."""

    def build(ctx: Ctx, value: Node) -> Iterator[Violation]:
        yield PerValue(component, lambda this, v: test(v, value))

    return build


def class_test(v: str, cls: Node) -> str:
    return f"NOT EXISTS {{ {instance_of(v, term(cls))} }}"


def class_of(ctx: Ctx, cls: Node) -> Iterator[Violation]:
    """sh:class: a test of each value, and the instances of the class to take away."""

    def good(v: str) -> str:
        return f"SELECT {v} WHERE {{ {instance_of(v, term(cls))} }}"

    yield PerValue(SH.ClassConstraintComponent, lambda this, v: class_test(v, cls), good=good)


NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


def datatype(ctx: Ctx, kind: Node) -> Iterator[Violation]:
    formed = well_formed(ctx.shapes, ctx.shape, "{v}", kind)
    yield PerValue(
        SH.DatatypeConstraintComponent,
        lambda this, v: f"!({datatype_ok(v, kind, formed.replace('{v}', v))})",
    )


def node_kind(ctx: Ctx, kind: Node) -> Iterator[Violation]:
    test = NODE_KINDS.get(kind)  # type: ignore[call-overload]
    if test is None:
        raise refusal(ctx.shapes, ctx.shape, f"sh:nodeKind {term(kind)}")
    yield PerValue(SH.NodeKindConstraintComponent, lambda this, v: f"!{test.format(v=v)}")


def compare(component: URIRef, op: str) -> Builder:
    return per_value(component, lambda v, x: f"!COALESCE({v} {op} {term(x)}, false)")


def length(component: URIRef, op: str) -> Builder:
    def build(ctx: Ctx, value: Node) -> Iterator[Violation]:
        n = count(ctx, value)
        yield PerValue(
            component,
            lambda this, v: f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {n}, false)",
        )

    return build


def pattern(ctx: Ctx, regex: Node) -> Iterator[Violation]:
    flags = ctx.shapes.value(ctx.shape, SH.flags)
    extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
    text = Literal(str(regex)).n3()
    if not regex_compiles(text + extra):
        raise ill_formed(
            ctx.shapes,
            ctx.shape,
            f"a sh:pattern (and sh:flags) SPARQL's REGEX refuses: {text}{extra}",
        )
    yield PerValue(
        SH.PatternConstraintComponent,
        lambda this, v: f"isBlank({v}) || !COALESCE(REGEX(STR({v}), {text}{extra}), false)",
    )


@functools.cache
def regex_compiles(arguments: str) -> bool:
    """Whether Oxigraph's REGEX takes the pattern (and flags): an empty query answers the
    call with a value, or leaves it unbound when the regular expression is refused."""
    import pyoxigraph as ox

    query = f'SELECT (REGEX("", {arguments}) AS ?ok) WHERE {{}}'
    [row] = list(ox.Store().query(query))  # type: ignore[arg-type]
    return row["ok"] is not None


def language_in(ctx: Ctx, ranges: Node) -> Iterator[Violation]:
    listed = members(ctx, ranges)
    yield PerValue(SH.LanguageInConstraintComponent, lambda t, v: f"!({language_ok(v, listed)})")


def in_list(ctx: Ctx, options: Node) -> Iterator[Violation]:
    listed = members(ctx, options)
    yield PerValue(
        SH.InConstraintComponent,
        lambda this, v: (
            "!(" + (" || ".join(f"sameTerm({v}, {term(o)})" for o in listed) or "false") + ")"
        ),
    )
