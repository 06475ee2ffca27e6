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
from rdflib.collection import Collection
from rdflib.term import Node

from ..namespaces import RDF, SH
from .support import refusal

REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def sparql_path(shapes: Graph, path: Node | None, owner: Node) -> str:
    """The SPARQL form of the SHACL path ``path`` (the sh:path of ``owner``)."""
    return _path(shapes, path, owner, frozenset())


def _path(shapes: Graph, path: Node | None, owner: Node, seen: frozenset[Node]) -> str:
    if isinstance(path, URIRef):
        return path.n3()
    if not isinstance(path, BNode) or path in seen:
        raise refusal(shapes, owner, "an ill-formed sh:path")
    seen = seen | {path}
    if (path, RDF.first, None) in shapes:
        steps = _members(shapes, path, owner)
        return "(" + "/".join(_path(shapes, s, owner, seen) for s in steps) + ")"
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"(^{_path(shapes, inverse, owner, seen)})"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        options = _members(shapes, alternatives, owner)
        return "(" + "|".join(_path(shapes, o, owner, seen) for o in options) + ")"
    for kind, mark in REPEATS.items():
        inner = shapes.value(path, kind)
        if inner is not None:
            return f"({_path(shapes, inner, owner, seen)}){mark}"
    raise refusal(shapes, owner, "an ill-formed sh:path")


def _members(shapes: Graph, lst: Node, owner: Node) -> list[Node]:
    """The members of a path list: two or more (SHACL 2.3.1.1, 2.3.1.3)."""
    try:
        members = list(Collection(shapes, lst))
    except Exception as err:  # rdflib on a malformed list
        raise refusal(shapes, owner, "an ill-formed list in sh:path") from err
    if len(members) < 2:
        raise refusal(shapes, owner, "a sh:path list of fewer than two members")
    return members


def predicate_of(shapes: Graph, shape: Node) -> URIRef | None:
    """The IRI of ``shape``'s path when it is a single predicate (for sh:closed)."""
    path = shapes.value(shape, SH.path)
    return path if isinstance(path, URIRef) else None
