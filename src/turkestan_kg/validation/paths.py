"""SHACL property paths (SHACL 2.3.1) written as SPARQL property paths.

Every SHACL path has a SPARQL form: a predicate, a sequence (``a/b``), an alternative
(``a|b``), an inverse (``^a``) and the three repetitions (``a*``, ``a+``, ``a?``). A node that
is none of these (or a list of fewer than two, a cycle of blank nodes) is refused with the
shape it belongs to, so no path is ever read as something else.

>>> from rdflib import Graph, URIRef
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> sh:path ( <urn:p> [ sh:inversePath <urn:q> ] [ sh:zeroOrMorePath <urn:r> ] ) .''')
>>> sparql_path(shapes, shapes.value(URIRef("urn:S"), SH.path), URIRef("urn:S"))
'(<urn:p>/(^<urn:q>)/(<urn:r>)*)'
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..namespaces import RDF, SH
from .support import list_items, refusal

WRAPS = {
    SH.inversePath: ("^", ""),
    SH.zeroOrMorePath: ("", "*"),
    SH.oneOrMorePath: ("", "+"),
    SH.zeroOrOnePath: ("", "?"),
}
"""The one-path kinds: what goes before and after the path they hold."""


def sparql_path(shapes: Graph, path: Node | None, owner: Node) -> str:
    """The SPARQL form of the SHACL path ``path`` (the sh:path of ``owner``)."""
    return _path(shapes, path, owner, frozenset())


def _path(shapes: Graph, path: Node | None, owner: Node, seen: frozenset[Node]) -> str:
    if isinstance(path, URIRef):
        return path.n3()
    if not isinstance(path, BNode) or path in seen:
        raise refusal(shapes, owner, "an ill-formed sh:path")
    seen = seen | {path}

    def inner(node: Node | None) -> str:
        return _path(shapes, node, owner, seen)

    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(inner(s) for s in _members(shapes, path, owner)) + ")"
    if (options := shapes.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(inner(o) for o in _members(shapes, options, owner)) + ")"
    for kind, (before, after) in WRAPS.items():
        if (wrapped := shapes.value(path, kind)) is not None:
            return f"({before}{inner(wrapped)}){after}"
    raise refusal(shapes, owner, "an ill-formed sh:path")


def _members(shapes: Graph, lst: Node, owner: Node) -> list[Node]:
    """The members of a path list: two or more (SHACL 2.3.1.1, 2.3.1.3)."""
    members = list_items(shapes, owner, lst)
    if len(members) < 2:
        raise refusal(shapes, owner, "a sh:path list of fewer than two members")
    return members


def nullable(shapes: Graph, path: Node | None) -> bool:
    """Whether ``path`` relates every node to itself (a zero-length match is possible).

    Oxigraph matches a zero-length path only between nodes of the graph, so a focus node the
    data never mentions (an sh:targetNode) would have no value nodes; the compiled checks
    add each node itself for such paths (:meth:`.context.Ctx.values`).
    """
    if isinstance(path, URIRef) or path is None:
        return False
    if (path, RDF.first, None) in shapes:
        return all(nullable(shapes, step) for step in shapes.items(path))
    if (inner := shapes.value(path, SH.inversePath)) is not None:
        return nullable(shapes, inner)
    if (options := shapes.value(path, SH.alternativePath)) is not None:
        return any(nullable(shapes, option) for option in shapes.items(options))
    if (inner := shapes.value(path, SH.oneOrMorePath)) is not None:
        return nullable(shapes, inner)
    return True  # zero or more, zero or one


def repeats(shapes: Graph, path: Node | None) -> bool:
    """Whether ``path`` holds a repetition (``*``, ``+`` or ``?``) anywhere: without one, the
    pairs it relates are a join of a few scans, cheap to compute for the whole graph."""
    todo, seen = [path], set()
    while todo:
        node = todo.pop()
        if not isinstance(node, BNode) or node in seen:
            continue
        seen.add(node)
        if any((node, kind, None) in shapes for kind in REPEATS):
            return True
        todo.extend(o for _, o in shapes.predicate_objects(node))
    return False


REPEATS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def path_triples(shapes: Graph, path: Node | None) -> tuple[tuple[Node, Node, Node], ...]:
    """The statements of a blank-node path (lists, inverse and repeated paths): a report
    that names the path holds them too, so the path is whole there (SHACL 3.6.2.3)."""
    found: list[tuple[Node, Node, Node]] = []
    todo = [path] if isinstance(path, BNode) else []
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            found.append((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return tuple(found)


def predicate_of(shapes: Graph, shape: Node) -> URIRef | None:
    """The IRI of ``shape``'s path when it is a single predicate (for sh:closed)."""
    path = shapes.value(shape, SH.path)
    return path if isinstance(path, URIRef) else None
