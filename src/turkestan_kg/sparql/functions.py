"""The project's own SPARQL functions, as extension functions (SPARQL 1.1, section 17.6) of
the embedded engines: the name matcher of :mod:`turkestan_kg.matcher` (the one `tkg search`
and reconciliation use), callable from a query, so that the stored query ``find-by-name``
finds a name in another romanization or in Cyrillic (Ryskulov and Рыскулов find Rïsqulov).
It scores the text as the start of a name or of one of its words, as autocomplete does, so
its scores are not those of a search for the whole name.

A SPARQL server knows nothing of them (Oxigraph's refuses the query), as it knows nothing of
another store's text-search functions; :func:`called` says, from the parsed query, which of
them a query calls, so the library can say so before sending it.

>>> name_score("Turar Rïsqulov", "Рыскулов"), name_score("Turar Rïsqulov", "T. Ryskulov") > 95
(100.0, True)
>>> sorted(called("PREFIX f: <" + NAMESPACE + "> SELECT (f:nameScore('a', 'b') AS ?x) {}"))
['https://w3id.org/turkestan-kg/function#nameScore']
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.term import Literal

    OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

NAMESPACE = "https://w3id.org/turkestan-kg/function#"
NAME_SCORE = NAMESPACE + "nameScore"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


LONGEST = 200
"""Characters of a text the matcher takes, and of a name it scores: longer is no name, and
would cost time in proportion to every name it is compared with."""


def name_score(name: str, text: str) -> float | None:
    """How well ``text`` names ``name``, 0-100: 100 when it begins the name or one of its
    words (folded, or as a spelling skeleton), else the matcher's similarity; None (an error,
    so unbound in SPARQL) for a text or name over :data:`LONGEST` characters."""
    from ..matcher import begins

    if len(text) > LONGEST or len(name) > LONGEST:
        return None
    return begins(text, name)[0]


FUNCTIONS: dict[str, Callable[[str, str], float | None]] = {NAME_SCORE: name_score}
"""IRI -> the function, on the lexical forms of two literal arguments."""


def lexical(score: float) -> str:
    """A score, to one decimal place, in xsd:decimal's canonical form (Oxigraph writes every
    decimal so; rdflib keeps the form it is given).

    >>> lexical(100.0), lexical(88.54), lexical(0.0)
    ('100', '88.5', '0')
    """
    from decimal import Decimal

    return format(Decimal(f"{score:.1f}").normalize(), "f")


@functools.cache
def oxigraph_functions() -> dict[ox.NamedNode, Callable[..., OxTerm | None]]:
    """The functions as pyoxigraph's ``custom_functions``; a non-literal argument is an error
    (unbound), as SPARQL's own string functions treat one."""
    import pyoxigraph as ox

    def wrap(function: Callable[[str, str], float | None]) -> Callable[..., OxTerm | None]:
        def call(*args: object) -> OxTerm | None:
            if len(args) != 2 or not all(isinstance(a, ox.Literal) for a in args):
                return None
            score = function(*(a.value for a in args))  # type: ignore[attr-defined]
            return (
                None
                if score is None
                else ox.Literal(lexical(score), datatype=ox.NamedNode(DECIMAL))
            )

        return call

    return {ox.NamedNode(iri): wrap(function) for iri, function in FUNCTIONS.items()}


@functools.cache
def register_rdflib() -> None:
    """Register the functions with rdflib's SPARQL engine (once per process)."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.operators import register_custom_function

    for iri, function in FUNCTIONS.items():
        register_custom_function(URIRef(iri), _rdflib(function), override=True)


def _rdflib(function: Callable[[str, str], float | None]) -> Callable[..., Literal]:
    from rdflib import Literal, URIRef
    from rdflib.plugins.sparql.sparql import SPARQLError

    def call(*args: object) -> Literal:
        if len(args) != 2 or not all(isinstance(a, Literal) for a in args):
            raise SPARQLError("expects two literals")
        score = function(*(str(a) for a in args))
        if score is None:
            raise SPARQLError(f"a text or name over {LONGEST} characters")
        return Literal(lexical(score), datatype=URIRef(DECIMAL))

    return call


@functools.lru_cache(maxsize=256)
def called(text: str) -> frozenset[str]:
    """The project's functions the query calls, read from rdflib's algebra of it (prefixed
    names resolved); none if rdflib cannot parse it (the engine then says what is wrong).
    Only a text that holds a function's local name, or an escape that could spell one, is
    parsed: no other can call it."""
    if "\\u" not in text.lower() and not any(_local(iri) in text for iri in FUNCTIONS):
        return frozenset()
    from rdflib.plugins.sparql.algebra import translateQuery

    from .tree import get, parse, walk

    try:
        algebra = translateQuery(parse(text)).algebra
    except Exception:  # pyparsing, or rdflib's own errors on what it cannot translate
        return frozenset()
    names = {
        str(get(node, "iri")) for node in walk(algebra) if getattr(node, "name", None) == "Function"
    }
    return frozenset(names & FUNCTIONS.keys())


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]
