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
SKIPPED = (  # the tokens a keyword or a brace can hide in: IRIs, strings, comments
    r"(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<long>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')"
    r"|(?P<string>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>#[^\n]*)"
)
TOKENS = re.compile(  # those tokens, then the query form keyword
    SKIPPED + r"|(?P<form>\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b)", re.IGNORECASE
)
WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
CLAUSES = re.compile(  # those tokens, then braces and the solution modifiers
    SKIPPED
    + r"|(?P<open>\{)|(?P<close>\})|(?P<order>\bORDER\s+BY\b)|(?P<slice>\b(?:LIMIT|OFFSET)\b)",
    re.IGNORECASE,
)


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


def paged(text: str, number: int, size: int, *, keep_order: bool) -> str:
    """The SELECT query ``text`` cut to page ``number`` (from 1) of ``size`` rows. With
    ``keep_order`` its ORDER BY stays (every row is computed, then sorted, then cut);
    without, the outermost ORDER BY is dropped and the rows come in the engine's own order,
    so a first page comes at once however big the answer (a read-only store gives the same
    order each time). Read token by token, like :func:`query_form`.

    >>> paged("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 3, 10, keep_order=False)
    'SELECT ?s WHERE { ?s ?p ?o } \\nLIMIT 10 OFFSET 20\\n'
    """
    depth, order = 0, None
    for match in CLAUSES.finditer(text):
        kind = match.lastgroup
        depth += {"open": 1, "close": -1}.get(kind or "", 0)
        if depth == 0 and kind == "slice":
            raise QueryError("the query has its own LIMIT or OFFSET; it cannot be paged")
        if depth == 0 and kind == "order":
            order = match.start()
    if not keep_order and order is not None:
        text = text[:order]
    return f"{text}\nLIMIT {size} OFFSET {(number - 1) * size}\n"


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
