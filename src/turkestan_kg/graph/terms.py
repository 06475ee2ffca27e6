"""RDF terms across libraries: rdflib <-> pyoxigraph, and language tags in their BCP 47 case.

>>> from rdflib import Literal
>>> from_oxigraph_term(to_oxigraph(Literal("Туркестан", lang="ru")))
rdflib.term.Literal('Туркестан', lang='ru')
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from ..errors import QueryError
from ..namespaces import XSD


def canonical_language(tag: str) -> str:
    """BCP 47 case conventions (RFC 5646, 2.1.1): ``uz-latn`` -> ``uz-Latn``, ``en-gb`` -> ``en-GB``.

    Stores may lower-case language tags (tags compare case-insensitively); this restores the
    conventional form so results from every engine look alike.

    >>> canonical_language("tg-cyrl"), canonical_language("EN-gb"), canonical_language("ru")
    ('tg-Cyrl', 'en-GB', 'ru')
    """
    parts = tag.lower().split("-")
    out = parts[:1]
    for part in parts[1:]:
        if out[-1] == "x" or "x" in out:
            out.append(part)
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part)
    return "-".join(out)


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def from_oxigraph_term(term: object, *, verbatim: bool = False) -> Identifier:
    """The rdflib term for a pyoxigraph term (xsd:string literals become plain literals);
    ``verbatim`` keeps a literal's lexical form as written (rdflib would read
    ``"1"^^xsd:boolean`` as ``"true"``, and an ill-typed ``"none"`` as ``"false"``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=canonical_language(term.language))
        datatype = term.datatype.value
        kind = None if datatype == str(XSD.string) else URIRef(datatype)
        try:
            return Literal(term.value, datatype=kind, normalize=False if verbatim else None)
        except ValueError:  # rdflib cannot write some values back ("-P1Y1D"): keep the text
            return Literal(term.value, datatype=kind, normalize=False)
    raise QueryError(f"unsupported RDF term in a result: {term!r}")
