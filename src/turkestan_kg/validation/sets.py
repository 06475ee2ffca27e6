"""Whole-graph forms that read sets instead of testing each node: sh:class as an anti-join
with the class's instances, and node-level sh:node, sh:not, sh:and, sh:or and sh:xone from
the sets of nodes that conform to, or fail, each member shape (see :mod:`.compile`).
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib.term import Node

from .components import nested_violations
from .context import MAX_SPELLED, Ctx, Focus, PerFocus, PerValue, Violation

Query = Callable[[Ctx, Violation, Focus], str]
"""The whole-graph query of one violation on some focus nodes (``compile._query``)."""


def failing(found: PerValue, v: str, few: bool) -> str:
    """What keeps only the failing values ``v``: an anti-join with the conforming values
    over many focus nodes where the component gives them, else a test of each."""
    if found.good is not None and not few:
        return f"MINUS {{ {found.good(v)} }}"
    return f"FILTER ({found.bad('?this', v)})"


def as_sets(ctx: Ctx, found: PerValue, at: Focus, query: Query) -> str:
    """A node-level sh:node, sh:not, sh:and, sh:or or sh:xone read from sets: for each member
    shape, the nodes that conform to it, or those that fail it, found once by a whole-graph
    query and joined with the focus nodes by hash (three times quicker over a large class
    than testing each focus node with EXISTS)."""
    assert found.combine is not None
    joins, tests = [], []
    for shape in found.members:
        known = _member_set(ctx, shape, at, query)
        if known is None:  # it cannot fail
            tests.append("true")
            continue
        pattern, conforming = known
        flag = ctx.names("f")
        joins.append(f"OPTIONAL {{ SELECT ?this (true AS {flag}) WHERE {{ {pattern} }} }}")
        tests.append(f"BOUND({flag})" if conforming else f"!BOUND({flag})")
    where = f"{at.pattern('?this')} {' '.join(joins)} FILTER ({found.combine(tests)})"
    return f"SELECT DISTINCT {at.keys} (?this AS ?value) WHERE {{ {where} }}"


def _member_set(ctx: Ctx, shape: Node, at: Focus, query: Query) -> tuple[str, bool] | None:
    """A group pattern binding ?this to nodes, each once, and whether they are the nodes
    that conform to ``shape`` (else those of the focus nodes that fail it); None when no node
    can fail it (deactivated, or without constraints).

    A property shape whose path has no repetition and whose constraints each need values
    (sh:minCount, sh:hasValue...) or forbid some is read over the whole graph: the nodes
    with the needed values, less those with a forbidden one; with nothing needed, the nodes
    with a forbidden value. Any other is validated on the focus nodes."""
    nested = nested_violations(ctx.shapes, shape, ctx.names, ctx.stack)
    if nested is None or not nested[1]:
        return None
    inner, found = nested
    if inner.flat and all(_alone(one) for one in found):
        return _over_graph(inner, found)
    each = " UNION ".join(f"{{ {query(inner, one, at)} }}" for one in found)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {each} }} }}", False


def _over_graph(ctx: Ctx, found: list[Violation]) -> tuple[str, bool]:
    """:func:`_member_set` of a shape whose violations are each ``_alone``."""
    needs = [f"{{ {_pattern(one)} }}" for one in found if _needs(one)]
    forbids = [_forbidden(ctx, one) for one in found if not _needs(one)]
    if needs:
        less = "".join(f" MINUS {{ {f} }}" for f in forbids)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' '.join(needs)}{less} }} }}", True
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(forbids)} }} }}", False


def _needs(found: Violation) -> bool:
    return isinstance(found, PerFocus) and found.needed


def _pattern(found: Violation) -> str:
    """The pattern of fails_unless or fails_if, on ?this."""
    assert isinstance(found, PerFocus) and found.found is not None
    return found.found("?this")


def _alone(found: Violation) -> bool:
    """Whether the nodes failing ``found`` can be told without the focus nodes: a test of
    each value, or a pattern of the focus node's values that must or must not match."""
    if isinstance(found, PerValue):
        return True
    spelled = found.count is None or found.count[1] < MAX_SPELLED  # see Ctx.distinct
    return found.found is not None and spelled


def _forbidden(ctx: Ctx, found: Violation) -> str:
    """The nodes with a value failing ``found`` (``_alone``, not needed), over the graph."""
    if isinstance(found, PerValue):
        values = ctx.joined("?this", "?value")
        return f"{{ SELECT ?this WHERE {{ {values} {failing(found, '?value', False)} }} }}"
    return f"{{ SELECT ?this WHERE {{ {_pattern(found)} }} }}"
