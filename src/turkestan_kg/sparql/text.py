"""SPARQL text: which form a query has, and parameters bound as a VALUES block.

Each is read from a parse of the query (and so is a query cut to a page), never by matching
words in its text. The parser is rdflib's SPARQL 1.1 grammar (pyparsing), recombined at the
top level so the outermost WHERE group, ORDER BY, LIMIT/OFFSET and trailing VALUES come with
their offsets: a keyword inside a comment, a string, an IRI or a subquery is never taken for
one of them. A stored query is parsed once (the parses of recent texts are cached); rdflib
and pyparsing are imported on the first call, so the command line starts without them.

>>> query_form("PREFIX x: <http://example.org/> ASK { ?s x:select ?o }")
'ASK'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import QueryError, QuerySyntaxError

if TYPE_CHECKING:
    from pyparsing import ParseBaseException, ParserElement, ParseResults
    from rdflib.term import Identifier

Bindings = Mapping[str, "Identifier"]
CONSTRUCT_WHERE_HINT = "write the template out: CONSTRUCT { ... } WHERE { ... }"


@dataclass(frozen=True)
class Outline:
    """The parts of a query that are rewritten, as offsets into the text as given."""

    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    where: int | None
    """The ``{`` opening the outermost WHERE group (None: a DESCRIBE without one)."""
    short: bool
    """A ``CONSTRUCT WHERE { ... }``, whose group is its template and takes no VALUES."""
    order: tuple[int, int] | None
    """Start and end of the outermost ORDER BY clause."""
    sliced: bool
    """The outermost query has a LIMIT or OFFSET of its own."""
    end: int
    """Where the solution modifiers end: at a trailing VALUES block, else the text's end."""
    projection: tuple[str, ...] = ()
    """The variables a SELECT names in its projection (none for ``SELECT *``)."""


def projection(text: str) -> tuple[str, ...]:
    """The variables a SELECT query projects, in order; () for ``SELECT *`` and other forms.

    >>> projection("SELECT ?a (1 AS ?b) WHERE { ?a ?p ?o }")
    ('a', 'b')
    """
    return outline(text).projection


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, as the parser reads the query: IRIs, strings and
    comments (a ``#`` in an IRI is not one) hide no keyword.

    >>> query_form("PREFIX x: <http://example.org/select#> ASK { ?s ?p 'SELECT' }")
    'ASK'
    >>> query_form("# SELECT is a comment here" + chr(10) + "CONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    return outline(text).form


def paged(text: str, number: int, size: int, *, keep_order: bool) -> str:
    """The SELECT query ``text`` cut to page ``number`` (from 1) of ``size`` rows. With
    ``keep_order`` its ORDER BY stays (every row is computed, then sorted, then cut);
    without, the outermost ORDER BY is dropped and the rows come in the engine's own order,
    so a first page comes at once however big the answer (a read-only store gives the same
    order each time). An ORDER BY or LIMIT in a subquery, a string or a comment stays.

    >>> paged("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 3, 10, keep_order=False)
    'SELECT ?s WHERE { ?s ?p ?o } \\nLIMIT 10 OFFSET 20\\n'
    """
    parts = outline(text)
    if parts.sliced:
        raise QueryError("the query has its own LIMIT or OFFSET; it cannot be paged")
    head, tail = text[: parts.end], text[parts.end :]
    if not keep_order and parts.order is not None:
        start, end = parts.order
        head = head[:start] + head[end:]
    return f"{head}\nLIMIT {size} OFFSET {(number - 1) * size}\n{tail}"


def with_values(text: str, bindings: Bindings) -> str:
    """The query with a VALUES block for ``bindings`` opening its outermost WHERE group, so
    that every pattern and FILTER of the group sees the bound values (an engine's own
    substitutions reach projected variables only). Terms are written by rdflib, never pasted;
    without bindings the text is returned as it is.

    >>> from rdflib import URIRef
    >>> query = "# not WHERE { here" + chr(10) + "ASK WHERE { ?s ?p ?o }"
    >>> with_values(query, {"s": URIRef("http://example.org/a")})
    '# not WHERE { here\\nASK WHERE { VALUES (?s) { (<http://example.org/a>) }  ?s ?p ?o }'
    """
    if not bindings:
        return text
    parts = outline(text)
    if parts.short:
        raise QueryError(
            "a CONSTRUCT WHERE query cannot take parameters", hint=CONSTRUCT_WHERE_HINT
        )
    if parts.where is None:
        raise QueryError("a parameterised query needs a WHERE group to bind into")
    names = " ".join(_variable(name) for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    at = parts.where + 1
    return f"{text[:at]} VALUES ({names}) {{ ({terms}) }} {text[at:]}"


def _variable(name: str) -> str:
    """``?name``, once rdflib's grammar has read it as one variable."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import Var

    try:
        return f"?{Var.parse_string(f'?{name}', parse_all=True)[0]}"
    except ParseBaseException:
        raise QueryError(f"{name!r} is not a SPARQL variable name") from None


@lru_cache(maxsize=256)
def outline(text: str) -> Outline:
    """The parse of ``text`` reduced to what :func:`paged` and :func:`with_values` rewrite.

    >>> outline("SELECT * { ?s ?p ?o } ORDER BY ?s")
    Outline(form='SELECT', where=9, short=False, order=(22, 33), sliced=False, end=33, projection=())
    """
    tree = _parse(text)
    offset = _offsets(text)

    def span(name: str) -> tuple[int, int] | None:
        if name not in tree:
            return None
        located = tree[name]
        return offset(located["locn_start"]), offset(located["locn_end"])

    where, order, values = span("where"), span("order"), span("values")
    return Outline(
        form=str(tree["form"]),
        where=where[0] if where else None,
        short="short" in tree,
        order=order,
        sliced="slice" in tree,
        end=values[0] if values else len(text),
        projection=_projected(tree),
    )


def _projected(tree: ParseResults) -> tuple[str, ...]:
    """The names of the outermost SELECT's projected variables, read off rdflib's parse."""
    from rdflib.plugins.sparql.parserutils import ParamValue

    from .tree import get

    found = [p.tokenList for p in tree if isinstance(p, ParamValue) and p.name == "projection"]
    return tuple(str(get(v, "var") or get(v, "evar")) for v in found if isinstance(v, dict))


def _parse(text: str) -> ParseResults:
    """The top-level parse of ``text`` after rdflib's ``\\u`` escape expansion, as
    ``rdflib.plugins.sparql.parser.parseQuery`` reads it."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        return _grammar().parse_string(expandUnicodeEscapes(text), parse_all=True)
    except ParseBaseException as err:
        raise _syntax_error(text, err) from None
    except ValueError as err:  # a \u escape that names no code point
        raise QuerySyntaxError(f"SPARQL syntax error: {err}") from None


def _syntax_error(text: str, err: ParseBaseException) -> QuerySyntaxError:
    """A one-line QueryError at the line and column of ``text`` where the parse stopped."""
    at = _offsets(text)(err.loc)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    expected = " ".join(err.msg.split())  # one line, and not the whole grammar
    expected = expected if len(expected) <= 80 else expected[:79] + "…"
    found = f", found {err.found}" if err.found else ""
    return QuerySyntaxError(f"SPARQL syntax error: {expected}{found}", line=line, column=column)


def _offsets(text: str) -> Callable[[int], int]:
    """Maps offsets into the escape-expanded text back into ``text``."""
    return _Offsets(text) if "\\" in text else _same


def _same(offset: int) -> int:
    return offset


class _Offsets:
    """rdflib expands each ``\\uXXXX``/``\\UXXXXXXXX`` escape to one character before parsing;
    an offset past an escape moves by the characters the escape lost."""

    def __init__(self, text: str) -> None:
        from rdflib.plugins.sparql.parser import expandUnicodeEscapes_re

        self.escapes: list[tuple[int, int]] = []  # (expanded offset, shift after it)
        shift = 0
        for match in expandUnicodeEscapes_re.finditer(text):
            position = match.start() - shift
            shift += len(match.group()) - 1
            self.escapes.append((position, shift))

    def __call__(self, offset: int) -> int:
        shift = 0
        for position, after in self.escapes:
            if position >= offset:
                break
            shift = after
        return offset + shift


@lru_cache(maxsize=1)
def _grammar() -> ParserElement:
    """Query ::= Prologue (Select | Construct | Describe | Ask) SolutionModifier ValuesClause,
    as rdflib's grammar has it, with the outermost WHERE group, ORDER BY, LIMIT/OFFSET and
    VALUES located. Built from rdflib's elements without changing them."""
    from rdflib.plugins.sparql import parser as sparql

    query = sparql.Prologue + _forms() + _modifiers()
    return _ignore_comments(query).parse_with_tabs()  # offsets into the text, tabs and all


def _forms() -> ParserElement:
    """The four query forms up to their solution modifiers, each tagged with its name."""
    from pyparsing import CaselessKeyword as Keyword
    from pyparsing import Literal, OneOrMore, Optional, Tag, ZeroOrMore
    from rdflib.plugins.sparql import parser as sparql

    datasets = ZeroOrMore(sparql.DatasetClause)
    where = Optional(Keyword("WHERE")) + _located(sparql.GroupGraphPattern, "where")
    triples = Literal("{") + Optional(sparql.TriplesTemplate) + Literal("}")
    short = datasets + Keyword("WHERE") + Tag("short") + triples  # CONSTRUCT WHERE { ... }
    select = sparql.SelectClause + Tag("form", "SELECT") + datasets + where
    construct = Keyword("CONSTRUCT") + Tag("form", "CONSTRUCT")
    construct += (sparql.ConstructTemplate + datasets + where) | short
    describe = Keyword("DESCRIBE") + Tag("form", "DESCRIBE")
    describe += (OneOrMore(sparql.VarOrIri) | Literal("*")) + datasets + Optional(where)
    ask = Keyword("ASK") + Tag("form", "ASK") + datasets + where
    return (select | construct | describe | ask).set_name("SELECT, CONSTRUCT, DESCRIBE or ASK")


def _modifiers() -> ParserElement:
    """SolutionModifier ValuesClause, with ORDER BY, LIMIT/OFFSET and VALUES located."""
    from pyparsing import CaselessKeyword as Keyword
    from pyparsing import Optional
    from rdflib.plugins.sparql import parser as sparql

    return (
        Optional(sparql.GroupClause)
        + Optional(sparql.HavingClause)
        + Optional(_located(sparql.OrderClause, "order"))
        + Optional(_located(sparql.LimitOffsetClauses, "slice"))
        + Optional(_located(Keyword("VALUES") + sparql.DataBlock, "values"))
    )


def _located(element: ParserElement, name: str) -> ParserElement:
    from pyparsing import Located

    return Located(element).set_results_name(name)


def _ignore_comments(query: ParserElement) -> ParserElement:
    """``query`` skipping ``#`` comments, with the very ignore expression rdflib's QueryUnit
    was given: ``ignore`` walks down into the elements but stops at those that already hold
    that object, so rdflib's own grammar is left as it was."""
    from rdflib.plugins.sparql import parser as sparql

    [comment] = sparql.QueryUnit.ignoreExprs
    return query.ignore(comment)
