"""The pieces every compiled constraint is made of (see :mod:`.components`): fresh variable
names, the two kinds of violation and the shape being compiled.

>>> names = Names()
>>> names(), names("o")
('?v1', '?o2')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .support import list_items, refusal

Out = dict[str, str]
"""The variables a :class:`PerFocus` pattern binds, by role: "value", "path" or "key"."""


class Names:
    """Fresh variable names for one compilation (nested tests must not share a variable)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, stem: str = "v") -> str:
        self.count += 1
        return f"?{stem}{self.count}"


@dataclass(frozen=True)
class PerValue:
    """A value node fails when ``bad(this, value)`` is true. The expression never errs
    (comparisons are guarded by COALESCE, type tests come first), so its negation is the
    value's conformance, with no EXISTS around it."""

    component: URIRef
    bad: Callable[[str, str], str]
    members: tuple[Node, ...] = ()
    """For sh:node, sh:not and the logical components: the shapes whose conformance ``bad``
    combines with ``combine``, which a whole-graph query may read from sets of nodes."""
    combine: Callable[[list[str]], str] | None = None
    good: Callable[[str], str] | None = None
    """A SELECT of the conforming values (binding the variable given, nothing else outside
    it), for a whole-graph query to take away in one anti-join (sh:class): over a large
    class, a third of the time of a test of each value."""


Counted = tuple[str, int] | None


@dataclass(frozen=True)
class PerFocus:
    """The focus node fails when ``pattern(this, out)`` has a solution; it binds ``binds``."""

    component: URIRef
    pattern: Callable[[str, Out], str]
    binds: tuple[str, ...] = ()
    count: Counted = None  # ("min" | "max" | "languages", n) of the values meeting ``ok``
    ok: str = ""  # for ``count``: a test on ?v (empty: every value)
    holds: Callable[[str], str] | None = None  # the focus node's conformance, as one test
    found: Callable[[str], str] | None = None  # the pattern of fails_unless and fails_if
    needed: bool = False  # whether the focus node fails unless ``found`` has a solution


def fails_unless(
    component: URIRef, found: Callable[[str], str], count: Counted = None, ok: str = ""
) -> PerFocus:
    """The focus node fails unless the pattern ``found(this)`` has a solution. Its
    conformance is ``EXISTS``, not a double negation (which Virtuoso 7 gets wrong)."""
    return replace(_existence(component, found, "NOT EXISTS", "EXISTS", count, ok), needed=True)


def fails_if(
    component: URIRef, found: Callable[[str], str], count: Counted = None, ok: str = ""
) -> PerFocus:
    """The focus node fails if the pattern ``found(this)`` has a solution."""
    return _existence(component, found, "EXISTS", "NOT EXISTS", count, ok)


def _existence(
    component: URIRef, found: Callable[[str], str], fails: str, holds: str, count: Counted, ok: str
) -> PerFocus:
    return PerFocus(
        component,
        lambda this, out: f"FILTER {fails} {{ {found(this)} }}",
        count=count,
        ok=ok,
        holds=lambda this: f"{holds} {{ {found(this)} }}",
        found=found,
    )


def fails_when(component: URIRef, test: Callable[[str], str]) -> PerFocus:
    """The focus node fails when the expression ``test(this)`` (which never errs) holds."""
    return PerFocus(
        component, lambda this, out: f"FILTER ({test(this)})", holds=lambda this: f"!({test(this)})"
    )


Violation = PerValue | PerFocus


@dataclass(frozen=True)
class Ctx:
    """The shape whose constraints are being compiled."""

    shapes: Graph
    shape: Node
    names: Names
    stack: tuple[Node, ...] = ()
    path: str | None = field(default=None)  # SPARQL path of a property shape
    nullable: bool = False  # whether the path matches each node itself (paths.nullable)
    judge: Callable[[Node, str], str] | None = None  # components.conforms, for nested shapes
    flat: bool = False  # whether the path has no repetition (paths.repeats): never nullable

    def values(self, this: str, v: str) -> str:
        """A pattern binding ``v`` to each value node of ``this``: for a path that may be of
        length zero, ``this`` itself too, whether the graph mentions it or not (one group,
        no UNION, so that ``this`` is bound where it is joined)."""
        if not self.path:
            return f"BIND ({this} AS {v})"
        if not self.nullable:
            return f"{this} {self.path} {v} ."
        zero, found = self.names("zero"), self.names("p")
        return (
            f"VALUES {zero} {{ true false }} OPTIONAL {{ {this} {self.path} {found} FILTER (!{zero}) }} "
            f"BIND (IF({zero}, {this}, {found}) AS {v}) FILTER (BOUND({v}))"
        )

    def joined(self, this: str, v: str) -> str:
        """:meth:`values` for a whole-graph query. A path without repetition is computed once
        for the whole graph and joined with the focus nodes by hash: Oxigraph would look it
        up once per focus node, three to four times slower over a large class."""
        if self.flat:
            return f"{{ SELECT {this} {v} WHERE {{ {this} {self.path} {v} }} }}"
        return self.values(this, v)

    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when ``v`` conforms to ``shape`` (:func:`.components.conforms`,
        handed in by whoever made this context)."""
        assert self.judge is not None, "a context for nested shapes is made by for_shape"
        return self.judge(shape, v)

    def distinct(self, this: str, n: int, ok: Callable[[str], str] | None = None) -> str:
        """A pattern with a solution when ``this`` has ``n`` distinct value nodes (meeting
        ``ok``); written with n variables, so only for small n."""
        if n > MAX_SPELLED:
            raise refusal(self.shapes, self.shape, f"a count above {MAX_SPELLED} in a nested shape")
        vs = [self.names() for _ in range(n)]
        steps = " ".join(self.values(this, v) for v in vs)
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1 :]]
        tests += [ok(v) for v in vs] if ok else []
        return steps + (f" FILTER ({' && '.join(tests)})" if tests else "")


MAX_SPELLED = 6


def count(ctx: Ctx, value: Node | None) -> int:
    """A count parameter's value: a non-negative integer, else the shape is refused."""
    number = value.toPython() if isinstance(value, Literal) else None
    if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
        return number
    raise refusal(ctx.shapes, ctx.shape, f"a count that is not a non-negative integer ({value})")


def members(ctx: Ctx, node: Node) -> list[Node]:
    """The members of a list parameter (sh:in, sh:and...), refused if it is not a list."""
    return list_items(ctx.shapes, ctx.shape, node)


Builder = Callable[[Ctx, Node], Iterator[Violation]]
"""A constraint component: given the shape and one value of its parameter, its violations."""


@dataclass(frozen=True)
class Focus:
    """A shape's focus nodes: given a variable, a group pattern binding it to each focus
    node (once for each of the shape's target classes it is in: each check's query gives
    distinct rows, so no DISTINCT over millions of focus nodes). Below a property shape, a
    focus node is there once per focus node above it (the ``outers``, kept in the rows:
    SHACL reports a result once per way it was reached)."""

    pattern: Callable[[str], str]
    outers: tuple[str, ...] = ()
    few: bool = False
    """Only nodes the shapes name (sh:targetNode): a lookup per focus node beats computing a
    path, or an anti-join, over the whole graph."""
    named: bool = False
    """Some are sh:targetNode nodes (or reached from them), which may be absent from the
    data."""

    @property
    def keys(self) -> str:
        """What identifies a focus node in a row: ?this and the focus nodes above it."""
        return " ".join(("?this", *self.outers))
