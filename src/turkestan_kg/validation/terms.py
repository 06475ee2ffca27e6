"""SPARQL fragments the compiled checks share: terms, class membership, datatypes, languages.

>>> print(datatype_ok("?v", XSD.string))
isLiteral(?v) && DATATYPE(?v) = <http://www.w3.org/2001/XMLSchema#string> && LANG(?v) = ""
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from contextvars import ContextVar

from rdflib import Literal
from rdflib.term import Node

from ..namespaces import RDF, XSD

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def term(node: Node) -> str:
    """A term as SPARQL writes it."""
    return node.n3()


def is_true(node: Node | None) -> bool:
    """Whether a boolean parameter is ``true``: the literal true, not "1" (the W3C suite's
    uniqueLang-002 holds this)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


SUBCLASSES: ContextVar[Mapping[str, Iterable[str]] | None] = ContextVar("SUBCLASSES", default=None)
"""While a compilation runs with ``subclasses``: each class's subclasses, all levels."""


def instance_of(node: str, cls: str) -> str:
    """A group pattern: ``node`` is an instance of ``cls`` or of a subclass of it.

    Written as a type, or a type with one or more subclass steps, rather than
    ``rdf:type/rdfs:subClassOf*`` (the same answers; Virtuoso 7 gets the zero-or-more path
    wrong inside EXISTS). When the compilation was given the class hierarchy, the classes
    are listed instead, and the query needs no path at all (Virtuoso 7 also gets transitive
    paths wrong inside NOT EXISTS on a variable bound outside).

    >>> instance_of("?x", "<urn:C>").count("UNION")
    1
    """
    known = SUBCLASSES.get()
    if known is None:
        return f"{{ {node} {TYPE} {cls} }} UNION {{ {node} {TYPE}/{RDFS_SUBCLASS}+ {cls} }}"
    iri = cls.strip("<>")
    classes = sorted({iri, *known.get(iri, ())})
    if len(classes) == 1:
        return f"{{ {node} {TYPE} {cls} }}"
    listed = " ".join(f"<{c}>" for c in classes)
    var = "?cls_" + hashlib.sha256(f"{node} {cls}".encode()).hexdigest()[:8]
    return f"{{ VALUES {var} {{ {listed} }} {node} {TYPE} {var} }}"


def datatype_ok(v: str, datatype: Node, formed: str = "true") -> str:
    """``v`` is a literal of ``datatype``, and ``formed`` (its well-formedness test) holds."""
    if datatype == RDF.langString:
        return f'isLiteral({v}) && LANG({v}) != ""'
    test = f'isLiteral({v}) && DATATYPE({v}) = {term(datatype)} && LANG({v}) = ""'
    return test if formed == "true" else f"{test} && {formed}"


def language_ok(v: str, ranges: Iterable[Node]) -> str:
    """``v`` is a literal whose language tag matches one of ``ranges`` (sh:languageIn)."""
    tests = " || ".join(f"LANGMATCHES(LANG({v}), {Literal(str(r)).n3()})" for r in ranges)
    return f"isLiteral({v}) && ({tests or 'false'})"
