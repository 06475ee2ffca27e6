"""Whether a query reaches out to other servers (SERVICE), decided on the parsed query, not
on its text: the public /sparql endpoint never runs one, and the library's own engines
only when the caller allows it.

A query is parsed by rdflib's SPARQL 1.1 parser and refused if any ``SERVICE`` pattern
appears anywhere in its parse tree (subqueries, nested groups, ``SERVICE SILENT``, a
variable as endpoint...). Comments, strings and IRIs that merely contain the word are
never mistaken for it, and no spelling hides a real one. A query rdflib cannot parse is
refused too: what cannot be checked is not run. The workers that run queries also have no
network at all (:func:`turkestan_kg.confine.isolate`), so even a wrong decision here could not reach another host.

>>> federated("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }")
True
>>> federated('SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> {}" } # SERVICE')
False
"""

from __future__ import annotations

import functools

from .tree import parse, walk


def might_name_service(text: str) -> bool:
    """Whether ``text`` could hold the SERVICE keyword once SPARQL's codepoint escapes are
    expanded: it has ``service`` in some case, or an escape that could spell it (a cheap
    test; only such texts need parsing).

    >>> might_name_service("SELECT * { ?s ?p ?o }")
    False
    """
    return "service" in text.lower() or "\\u" in text.lower()


def calls_service(text: str) -> bool:
    """Whether the query has a SERVICE pattern (Unchecked if it could and does not parse)."""
    return might_name_service(text) and federated(text)


class Unchecked(ValueError):
    """The query could not be parsed, so it could not be checked."""


@functools.lru_cache(maxsize=4096)
def federated(query: str) -> bool:
    """Whether the query has a SERVICE pattern anywhere; Unchecked if it does not parse.
    Each text is parsed once (one parse at a time) and the decision kept."""
    from pyparsing import ParseException

    try:
        tree = parse(query)
    except (ParseException, ValueError, TypeError) as err:
        raise Unchecked(str(err).splitlines()[0]) from None
    return any(getattr(node, "name", None) == "ServiceGraphPattern" for node in walk(tree))
