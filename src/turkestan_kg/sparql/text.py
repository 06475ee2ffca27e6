"""SPARQL text: which form a query has, and parameters bound as a VALUES block.

>>> query_form("PREFIX x: <http://example.org/> ASK { ?s x:select ?o }")
'ASK'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib.term import Identifier

from ..errors import QueryError

Bindings = Mapping[str, Identifier]
TOKENS = re.compile(  # the tokens a query form keyword can hide in, then the keyword itself
    r"(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<long>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')"
    r"|(?P<string>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<form>\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b)",
    re.IGNORECASE,
)
WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query form keyword of the query, read
    token by token, so that IRIs, strings and comments (a ``#`` in an IRI is not one) are
    skipped whole.

    >>> query_form("PREFIX x: <http://example.org/select#> ASK { ?s ?p 'SELECT' }")
    'ASK'
    >>> query_form("# SELECT is a comment here" + chr(10) + "CONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for match in TOKENS.finditer(text):
        if match.lastgroup == "form":
            return match.group("form").upper()
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def with_values(text: str, bindings: Bindings) -> str:
    """The query with a VALUES block for ``bindings`` opening its outermost WHERE group."""
    if not bindings:
        return text
    match = WHERE_BRACE.search(text)
    if not match:
        raise QueryError("a parameterised query needs an explicit 'WHERE {' to bind into")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    values = f" VALUES ({names}) {{ ({terms}) }} "
    return text[: match.end()] + values + text[match.end() :]
