r"""Query results, engine-independent, and their serializations.

SELECT and ASK results can be written as the W3C SPARQL 1.1 results formats (JSON, XML, CSV,
TSV) or as a readable table or Markdown; CONSTRUCT and DESCRIBE results are RDF graphs. Each
format's writer is named by its entry in :data:`turkestan_kg.formats.RESULTS_FORMATS`.

The W3C writers are this module's own, each on a standard library writer (json, csv, XML
escaping). Measured against the alternatives: rdflib has no TSV writer, its CSV writer refuses
ASK and its XML writer loses a carriage return; pyoxigraph writes all four, but has no way to
build its results from ours and lower-cases language tags. A test reads every format back
with pyoxigraph's parser, term for term.

>>> from rdflib import Literal
>>> r = QueryResult.select(("n",), [{"n": Literal(18945)}])
>>> render(r, "csv")
'n\r\n18945\r\n'
>>> r.python_rows()
[{'n': 18945}]
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeAlias, cast
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier, Node

from ..formats import RESULTS_FORMATS
from ..namespaces import PREFIXES, XSD
from ..registry import resolve

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
XML_SPACE = " \t\n\r"
XML_CONTROLS = (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))
XML_REFERENCES = {"\r": "&#13;"} | {chr(c): f"&#{c};" for c in XML_CONTROLS}
NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
Row = Mapping[str, Identifier]


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: ``kind`` is "select", "ask" or "graph".

    >>> QueryResult.ask(True)
    QueryResult(kind='ask', variables=(), rows=(), boolean=True, graph=None)
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, compare=False)

    @classmethod
    def select(cls, variables: Iterable[str], rows: Iterable[Row]) -> QueryResult:
        """A SELECT answer: its variables, and rows binding some of them to RDF terms.

        >>> QueryResult.select(["n", "x"], [{"n": Literal(1)}]).rows
        ({'n': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))},)
        """
        return cls("select", tuple(variables), tuple(dict(r) for r in rows))

    @classmethod
    def ask(cls, answer: bool) -> QueryResult:
        """An ASK answer.

        >>> QueryResult.ask(False).python()
        False
        """
        return cls("ask", boolean=answer)

    @classmethod
    def of_graph(cls, graph: Graph) -> QueryResult:
        """A CONSTRUCT or DESCRIBE answer.

        >>> QueryResult.of_graph(Graph()).kind
        'graph'
        """
        return cls("graph", graph=graph)

    def python_rows(self) -> list[dict[str, Value]]:
        """Rows as dicts of Python values (int, Decimal, bool, date...; IRIs and others as str).

        >>> QueryResult.select(["s", "n"], [{"s": URIRef("http://e/a"), "n": Literal(2)}]).python_rows()
        [{'s': 'http://e/a', 'n': 2}]
        """
        return [{k: to_python(v) for k, v in row.items()} for row in self.rows]

    def python(self) -> list[dict[str, Value]] | bool | Graph:
        """The answer in Python: rows for SELECT, a bool for ASK, a Graph for CONSTRUCT and
        DESCRIBE.

        >>> QueryResult.ask(True).python(), QueryResult.select(["n"], [{}]).python()
        (True, [{}])
        """
        if self.kind == "ask":
            return bool(self.boolean)
        if self.kind == "graph":
            return self.graph if self.graph is not None else Graph()
        return self.python_rows()

    def multiset(self) -> Counter[frozenset[tuple[str, Identifier]]]:
        """The rows as a multiset, for order-insensitive comparison (blank nodes kept as is).

        >>> a, b = {"n": Literal(1)}, {"n": Literal(2)}
        >>> QueryResult.select(["n"], [a, b]).multiset() == QueryResult.select(["n"], [b, a]).multiset()
        True
        """
        return Counter(frozenset(row.items()) for row in self.rows)


class YearMonth(NamedTuple):
    """An ``xsd:gYearMonth`` value: a month of a year, with no day.

    >>> to_python(Literal("1918-06", datatype=XSD.gYearMonth))
    YearMonth(year=1918, month=6)
    """

    year: int
    month: int

    def __str__(self) -> str:
        sign = "-" if self.year < 0 else ""
        return f"{sign}{abs(self.year):04d}-{self.month:02d}"


Value: TypeAlias = (
    bool
    | int
    | float
    | Decimal
    | str
    | datetime.date
    | datetime.time
    | datetime.timedelta
    | YearMonth
)
"""A term's value in Python (see :func:`to_python`)."""


def to_python(node: Node) -> Value:
    """A Python value for an RDF term: int, float, Decimal, bool, date, datetime, time or
    timedelta as rdflib gives them, an ``xsd:gYear`` as an int and an ``xsd:gYearMonth`` as a
    :class:`YearMonth`; IRIs and literals of any other type as strings.

    >>> to_python(Literal("1921", datatype=XSD.gYear))
    1921
    >>> to_python(Literal("P1Y2M", datatype=XSD.duration))
    'P1Y2M'
    """
    if not isinstance(node, Literal):
        return str(node)
    if node.datatype in GREGORIAN:
        try:
            return GREGORIAN[node.datatype](str(node))
        except ValueError:
            return str(node)
    value: object = node.toPython()
    if isinstance(value, bool | int | float | Decimal | str):
        return value if not isinstance(value, Node) else str(value)
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value
    return str(node)


GYEAR = re.compile(r"(-?\d{4,})(?:Z|[+-]\d{2}:\d{2})?")
GYEARMONTH = re.compile(r"(-?\d{4,})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")


def _year(text: str) -> int:
    match = GYEAR.fullmatch(text)
    if not match:
        raise ValueError(text)
    return int(match.group(1))


def _year_month(text: str) -> YearMonth:
    match = GYEARMONTH.fullmatch(text)
    if not match:
        raise ValueError(text)
    return YearMonth(int(match.group(1)), int(match.group(2)))


GREGORIAN: dict[URIRef, Callable[[str], int | YearMonth]] = {
    XSD.gYear: _year,
    XSD.gYearMonth: _year_month,
}


# ----------------------------------------------------------------------- W3C formats


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON Format."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
    bindings = [{k: _json_term(v) for k, v in row.items()} for row in result.rows]
    body = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML Format (Second Edition), one result a line."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<sparql xmlns={quoteattr(SPARQL_RESULTS_NS)}>",
    ]
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        out += ["<head>", *(f"<variable name={quoteattr(v)}/>" for v in result.variables)]
        out += ["</head>", "<results>", *map(_xml_result, result.rows), "</results>"]
    return "\n".join([*out, "</sparql>"]) + "\n"


def _xml_result(row: Row) -> str:
    bindings = (f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>" for k, v in row.items())
    return f"<result>{''.join(bindings)}</result>"


def _xml_term(term: Identifier) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_text(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{xml_text(str(term))}</literal>"
    if term.datatype and term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(term.datatype)}>{xml_text(str(term))}</literal>"
    return f"<literal>{xml_text(str(term))}</literal>"


def xml_text(text: str) -> str:
    """Character data an XML parser reads back as ``text``. A carriage return is written as a
    reference (XML parsers turn a bare one into a line feed), and so is white space at either
    end (Oxigraph's parser trims it, and its writer does the same); control characters XML 1.0
    cannot hold are references too, as XML 1.1 and Oxigraph read them.

    >>> xml_text(" a\\r<b\\t")
    '&#32;a&#13;&lt;b&#9;'
    """
    lead = len(text) - len(text.lstrip(XML_SPACE))
    trail = max(lead, len(text.rstrip(XML_SPACE)))
    middle = escape(text[lead:trail], XML_REFERENCES)
    return _references(text[:lead]) + middle + _references(text[trail:])


def _references(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV Format: plain values, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if (
        result.kind == "ask"
    ):  # the CSV/TSV spec covers SELECT only; a bare value, as Oxigraph writes
        return ("true" if result.boolean else "false") + "\r\n"
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_term(row.get(v)) for v in result.variables])
    return out.getvalue()


def _csv_term(term: Identifier | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV Format: terms in Turtle/N-Triples syntax."""
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row.get(v)) for v in result.variables))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Identifier | None) -> str:
    """N-Triples syntax, so tabs and line breaks inside literals are escaped."""
    if term is None:
        return ""
    if not isinstance(term, Literal):
        return term.n3()
    text = str(term).translate(NT_ESCAPES)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype and term.datatype != XSD.string:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


# ----------------------------------------------------------------------- for people


def to_table(result: QueryResult, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """An aligned plain-text table with IRIs shortened by the project's prefixes."""
    header, body = _cells(result, prefixes)
    widths = [max(len(c) for c in col) for col in zip(header, *body, strict=True)]
    lines = [_pad(header, widths), _pad(["-" * w for w in widths], widths)]
    lines += [_pad(row, widths) for row in body]
    lines.append(f"({len(body)} row{'s' * (len(body) != 1)})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def to_markdown(result: QueryResult, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A GitHub-flavoured Markdown table."""
    header, body = _cells(result, prefixes)
    lines = [_md_row(header), "|" + "|".join(" --- " for _ in header) + "|"]
    lines += [_md_row(row) for row in body]
    return "\n".join(lines) + "\n"


def _cells(result: QueryResult, prefixes: Mapping[str, str]) -> tuple[list[str], list[list[str]]]:
    if result.kind == "ask":
        return ["boolean"], [["true" if result.boolean else "false"]]
    manager = _manager(prefixes)
    body = [
        [_one_line(_short(row.get(v), manager)) for v in result.variables] for row in result.rows
    ]
    return list(result.variables), body


def _one_line(text: str) -> str:
    """A cell's text on one line (a row is a line), whichever line breaks it holds."""
    return " ".join(text.splitlines())


def _manager(prefixes: Mapping[str, str]) -> NamespaceManager:
    manager = NamespaceManager(Graph(bind_namespaces="none"))
    for prefix, namespace in prefixes.items():
        manager.bind(prefix, namespace, override=True)
    return manager


def _short(term: Identifier | None, manager: NamespaceManager) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return manager.curie(term, generate=False)
        except (KeyError, ValueError):
            return f"<{term}>"
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _pad(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


Writer = Callable[[QueryResult], str]


def writer(fmt: str) -> Writer:
    """The function that writes results in ``fmt``, a name of
    :data:`turkestan_kg.formats.RESULTS_FORMATS` (its entry names it; imported now)."""
    found = resolve(RESULTS_FORMATS[fmt].writer)
    assert callable(found)
    return cast(Writer, found)


def render(result: QueryResult, fmt: str) -> str:
    """SELECT/ASK results in one of :data:`turkestan_kg.formats.RESULTS_FORMATS`."""
    if result.kind == "graph":
        raise ValueError("graph results are RDF; serialize result.graph instead")
    return writer(fmt)(result)
