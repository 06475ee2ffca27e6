"""Pre-binding (SHACL 5.2.1): a SPARQL query with ``$this`` replaced by a focus node.

SHACL defines pre-binding as SPARQL's ``substitute``: every occurrence of the variable in the
query's pattern is replaced by the term, nested groups and expressions included. A join
with the focus nodes (or Oxigraph's own substitution, which leaves ``BIND ($this AS ?x)``
unbound) differs inside nested groups, so the queries that need it are rewritten token by
token: the query is read with rdflib's SPARQL tokens (comments, strings, IRIs and prefixed
names are passed over whole), and each ``$this``/``?this`` token is replaced by the term, or,
where a bare term is not allowed, by ``(term AS ?preboundN)`` in a projection, ``(term)`` in
GROUP BY or ORDER BY, and ``BOUND ($this)`` by true.

>>> from rdflib import URIRef
>>> print(prebind("SELECT $this WHERE { FILTER ($this = <urn:a>) } GROUP BY ?this",
...               {"this": URIRef("urn:a")}))
SELECT (<urn:a> AS ?prebound0) WHERE { FILTER (<urn:a> = <urn:a>) } GROUP BY (<urn:a>)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from rdflib import Literal, URIRef, Variable
from rdflib.term import Node

CLAUSES = {"SELECT": "select", "GROUP": "group", "ORDER": "group"}
ENDS = {"WHERE", "HAVING", "LIMIT", "OFFSET", "VALUES", "{", "}"}


@functools.cache
def _tokens() -> object:
    import pyparsing as pp
    from rdflib.plugins.sparql import parser

    keyword = pp.MatchFirst(
        [pp.CaselessKeyword(k) for k in (*CLAUSES, *ENDS, "BOUND") if k.isalpha()]
    ).set_parse_action(lambda t: t[0].upper())
    punctuation = pp.one_of("{ } ( )")
    comment = pp.Regex(r"#[^\n]*").set_parse_action(lambda t: "#")
    skipped = (parser.String | parser.IRIREF | parser.PNAME_LN).set_parse_action(lambda t: "")
    return (comment | skipped | parser.Var | keyword | punctuation).parse_with_tabs()


def prebind(query: str, values: Mapping[str, Node | str]) -> str:
    """``query`` with each variable named in ``values`` replaced by its IRI or literal, or
    by the SPARQL text given (a property path, for ``$PATH``)."""
    for node in values.values():
        if not (isinstance(node, URIRef | Literal) or type(node) is str):
            raise ValueError(f"only an IRI or a literal can be pre-bound in text, not {node!r}")
    rewriter = _Rewriter(query, values)
    for found, start, end in _tokens().scan_string(query):  # type: ignore[attr-defined]
        rewriter.feed(found[0], start, end)
    return rewriter.text()


class _Rewriter:
    """The query read token by token: where each token is (a clause, a bracket depth) and
    the text so far with the pre-bound variables replaced."""

    def __init__(self, query: str, values: Mapping[str, Node | str]) -> None:
        self.query, self.values = query, values
        self.out: list[str] = []
        self.last, self.clause, self.depth = 0, "", 0
        self.recent: list[tuple[object, int]] = []  # the last two tokens, where they start

    def feed(self, token: object, start: int, end: int) -> None:
        if isinstance(token, Variable) and str(token) in self.values:
            self._replace(str(token), start, end)
        elif isinstance(token, str):
            self._follow(token)
        self.recent = [*self.recent[-1:], (token, start)]

    def _replace(self, name: str, start: int, end: int) -> None:
        if [t for t, _ in self.recent] == ["BOUND", "("]:  # a pre-bound variable is bound
            self.out += [self.query[self.last : self.recent[0][1]], "COALESCE(true"]
        else:
            spelled = _spelled(self.values[name], len(self.out), self.clause, self.depth)
            self.out += [self.query[self.last : start], spelled]
        self.last = end

    def _follow(self, token: str) -> None:
        if token in CLAUSES:
            self.clause, self.depth = CLAUSES[token], 0
        elif token in ENDS:
            self.clause = ""
        elif token in "()":
            self.depth += 1 if token == "(" else -1

    def text(self) -> str:
        return "".join([*self.out, self.query[self.last :]])


def _spelled(node: Node | str, n: int, clause: str, depth: int) -> str:
    """The term; in a projection, under a name of its own (``?this`` may be in scope from a
    subquery already), in GROUP BY or ORDER BY, in brackets."""
    if not isinstance(node, URIRef | Literal):
        return str(node)  # SPARQL text: prebind let nothing else through
    spelled = node.n3()
    if depth > 0 or not clause:
        return spelled
    return f"({spelled} AS ?prebound{n})" if clause == "select" else f"({spelled})"
