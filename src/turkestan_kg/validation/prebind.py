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
        if not isinstance(node, URIRef | Literal | str):
            raise ValueError(f"only an IRI or a literal can be pre-bound in text, not {node!r}")
    out, last, clause, depth = [], 0, "", 0
    recent: list[tuple[object, int]] = []  # the last two tokens, with where they start
    for found, start, end in _tokens().scan_string(query):  # type: ignore[attr-defined]
        token = found[0]
        if isinstance(token, Variable) and str(token) in values:
            if [t for t, _ in recent] == ["BOUND", "("]:  # a pre-bound variable is bound
                out += [query[last : recent[0][1]], "COALESCE(true"]
            else:
                spelled = _spelled(values[str(token)], len(out), clause, depth)
                out += [query[last:start], spelled]
            last = end
        elif token in CLAUSES:
            clause, depth = CLAUSES[token], 0
        elif token in ENDS:
            clause = ""
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        recent = [*recent[-1:], (token, start)]
    return "".join([*out, query[last:]])


def _spelled(node: Node | str, n: int, clause: str, depth: int) -> str:
    """The term; in a projection, under a name of its own (``?this`` may be in scope from a
    subquery already), in GROUP BY or ORDER BY, in brackets."""
    if isinstance(node, str) and not isinstance(node, Literal | URIRef):
        return node  # SPARQL text
    spelled = node.n3()
    if depth > 0 or not clause:
        return spelled
    return f"({spelled} AS ?prebound{n})" if clause == "select" else f"({spelled})"
