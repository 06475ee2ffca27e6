"""The one registry of formats: RDF serializations and SPARQL results formats.

Each format is a value object with its media type, file extension, the names rdflib and
Oxigraph know it by, its IRI in the W3C format registry (https://www.w3.org/ns/formats/) and
the function that writes it, named ``package.module:function`` and imported on first use
(:mod:`turkestan_kg.registry`). Adding a format is one entry here: the exporter,
the store, the results renderer, the server's content negotiation and download links, the
dataset description and the CLI's choices all read this table.

Lookups by media type and by extension ask pyoxigraph's ``RdfFormat`` and
``QueryResultsFormat``, which know the aliases, parameters and letter cases clients send;
an entry's own media type and extension come first, so ``text/plain`` stays the readable
table rather than pyoxigraph's guess of CSV. pyoxigraph is imported only when asked.

>>> FORMATS["turtle"].media_type, FORMATS["nquads"].file_extension
('text/turtle', '.nq')
>>> rdf_by_media_type("Text/Turtle; charset=utf-8").name, rdf_by_extension(".nt").name
('turtle', 'ntriples')
>>> results_by_media_type("application/json").name
'json'
>>> RESULTS_FORMATS["json"].w3c_iri
'http://www.w3.org/ns/formats/SPARQL_Results_JSON'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pyoxigraph

W3C_FORMATS = "http://www.w3.org/ns/formats/"
RDFLIB_WRITER = "turkestan_kg.web.views:write_with_rdflib"
"""How a graph is written unless its format names another writer: rdflib's serializer."""


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialization: its name, media type, file extension, and whether it keeps graphs.

    ``writer`` names the function that writes a graph answer or an entity's view in it
    (``graph, format, JSON-LD context -> bytes``).

    >>> FORMATS["trig"]
    <RdfFormat trig application/trig>
    """

    name: str
    media_type: str
    file_extension: str
    rdflib_name: str
    oxigraph_name: str | None
    w3c_name: str
    keeps_graphs: bool = False
    writer: str = RDFLIB_WRITER

    def __repr__(self) -> str:
        return f"<RdfFormat {self.name} {self.media_type}>"

    @property
    def title(self) -> str:
        """The format's name for people ("RDF/XML").

        >>> FORMATS["rdfxml"].title
        'RDF/XML'
        """
        return self.w3c_name.replace("_", "/")

    @property
    def w3c_iri(self) -> str:
        """The format's IRI in the W3C format registry.

        >>> FORMATS["turtle"].w3c_iri
        'http://www.w3.org/ns/formats/Turtle'
        """
        return W3C_FORMATS + self.w3c_name

    def oxigraph(self) -> pyoxigraph.RdfFormat:
        """The ``pyoxigraph.RdfFormat`` (pyoxigraph is imported only when this is asked).

        >>> FORMATS["nquads"].oxigraph()
        <RdfFormat N-Quads>
        """
        import pyoxigraph

        if self.oxigraph_name is None:
            raise ValueError(f"Oxigraph does not read or write {self.title}")
        found: pyoxigraph.RdfFormat = getattr(pyoxigraph.RdfFormat, self.oxigraph_name)
        return found


@dataclass(frozen=True)
class ResultsFormat:
    """A way to write SELECT and ASK results: the W3C formats and two for people.

    ``writer`` names the function that writes them (``QueryResult -> str``); a format with a
    ``w3c_name`` is one the SPARQL endpoint offers and the query pages link to.

    >>> RESULTS_FORMATS["tsv"]
    <ResultsFormat tsv text/tab-separated-values>
    """

    name: str
    media_type: str
    file_extension: str
    writer: str
    w3c_name: str | None = None
    oxigraph_name: str | None = None
    aliases: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<ResultsFormat {self.name} {self.media_type}>"

    @property
    def w3c_iri(self) -> str | None:
        """The format's IRI in the W3C format registry (None for the formats for people).

        >>> RESULTS_FORMATS["csv"].w3c_iri, RESULTS_FORMATS["markdown"].w3c_iri
        ('http://www.w3.org/ns/formats/SPARQL_Results_CSV', None)
        """
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None

    def oxigraph(self) -> pyoxigraph.QueryResultsFormat:
        """The ``pyoxigraph.QueryResultsFormat`` (imported only when this is asked).

        >>> RESULTS_FORMATS["xml"].oxigraph()
        <QueryResultsFormat SPARQL Results in XML>
        """
        import pyoxigraph

        if self.oxigraph_name is None:
            raise ValueError(f"Oxigraph does not read or write {self.name} results")
        found: pyoxigraph.QueryResultsFormat = getattr(
            pyoxigraph.QueryResultsFormat, self.oxigraph_name
        )
        return found


RESULTS_WRITERS = "turkestan_kg.sparql.results:"

FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "text/turtle", ".ttl", "turtle", "TURTLE", "Turtle"),
        RdfFormat(
            "jsonld",
            "application/ld+json",
            ".jsonld",
            "json-ld",
            "JSON_LD",
            "JSON-LD",
            writer="turkestan_kg.web.views:write_jsonld",
        ),
        RdfFormat("ntriples", "application/n-triples", ".nt", "nt", "N_TRIPLES", "N-Triples"),
        RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml", "RDF_XML", "RDF_XML"),
        RdfFormat("nquads", "application/n-quads", ".nq", "nquads", "N_QUADS", "N-Quads", True),
        RdfFormat("trig", "application/trig", ".trig", "trig", "TRIG", "TriG", True),
    )
}
"""Every RDF format by name."""

RESULTS_FORMATS: dict[str, ResultsFormat] = {
    f.name: f
    for f in (  # the endpoint's order of preference: the first is what */* gets
        ResultsFormat(
            "json",
            "application/sparql-results+json",
            ".srj",
            RESULTS_WRITERS + "to_json",
            "SPARQL_Results_JSON",
            "JSON",
            ("application/json",),
        ),
        ResultsFormat(
            "xml",
            "application/sparql-results+xml",
            ".srx",
            RESULTS_WRITERS + "to_xml",
            "SPARQL_Results_XML",
            "XML",
        ),
        ResultsFormat(
            "csv", "text/csv", ".csv", RESULTS_WRITERS + "to_csv", "SPARQL_Results_CSV", "CSV"
        ),
        ResultsFormat(
            "tsv",
            "text/tab-separated-values",
            ".tsv",
            RESULTS_WRITERS + "to_tsv",
            "SPARQL_Results_TSV",
            "TSV",
        ),
        ResultsFormat("table", "text/plain", ".txt", RESULTS_WRITERS + "to_table"),
        ResultsFormat("markdown", "text/markdown", ".md", RESULTS_WRITERS + "to_markdown"),
    )
}
"""Every results format by name (the W3C four, a plain-text table and Markdown)."""


def graph_formats() -> tuple[RdfFormat, ...]:
    """The formats that write one graph (what an entity page or a CONSTRUCT answer is)."""
    return tuple(f for f in FORMATS.values() if not f.keeps_graphs)


def w3c_results_formats() -> tuple[ResultsFormat, ...]:
    """The results formats a SPARQL endpoint offers, in its order of preference."""
    return tuple(f for f in RESULTS_FORMATS.values() if f.w3c_name)


def rdf_by_media_type(media_type: str) -> RdfFormat:
    """The RDF format of a media type, with parameters and in any letter case, or of an alias
    pyoxigraph knows (``application/x-turtle``); KeyError if there is none."""
    import pyoxigraph

    wanted = essence(media_type)
    theirs = pyoxigraph.RdfFormat.from_media_type(media_type)
    return _find(FORMATS, lambda f: f.media_type == wanted, theirs, media_type)


def rdf_by_extension(extension: str) -> RdfFormat:
    """The RDF format of a file extension (``.ttl`` or ``ttl``, any letter case); KeyError if
    there is none.

    >>> rdf_by_extension("TTL").name
    'turtle'
    """
    import pyoxigraph

    bare = extension.removeprefix(".").lower()
    theirs = pyoxigraph.RdfFormat.from_extension(bare)
    return _find(FORMATS, lambda f: f.file_extension == "." + bare, theirs, extension)


def results_by_media_type(media_type: str) -> ResultsFormat:
    """The results format of a media type (parameters and letter case as for
    :func:`rdf_by_media_type`) or one of its aliases; KeyError if there is none."""
    import pyoxigraph

    wanted = essence(media_type)
    theirs = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
    return _find(
        RESULTS_FORMATS, lambda f: wanted in (f.media_type, *f.aliases), theirs, media_type
    )


def results_by_extension(extension: str) -> ResultsFormat:
    """The results format of a file extension (``.srj`` or ``srj``); KeyError if none."""
    import pyoxigraph

    bare = extension.removeprefix(".").lower()
    theirs = pyoxigraph.QueryResultsFormat.from_extension(bare)
    return _find(RESULTS_FORMATS, lambda f: f.file_extension == "." + bare, theirs, extension)


F = TypeVar("F", RdfFormat, ResultsFormat)


def _find(registry: Mapping[str, F], own: Callable[[F], bool], theirs: object, key: str) -> F:
    """The entry ``own`` accepts, else the one that is pyoxigraph's format ``theirs``."""
    for fmt in registry.values():
        if own(fmt):
            return fmt
    for fmt in registry.values():
        if theirs is not None and fmt.oxigraph_name and fmt.oxigraph() == theirs:
            return fmt
    raise KeyError(key)


@lru_cache(maxsize=256)  # (a SPARQL worker asks for each query's media type)
def essence(media_type: str) -> str:
    """A media type without its parameters, lower-cased (RFC 9110, 8.3.1).

    >>> essence("Text/CSV; charset=utf-8")
    'text/csv'
    """
    from werkzeug.http import parse_options_header

    return parse_options_header(media_type)[0].lower()


def accept_header(*media_types: str) -> str:
    """An ``Accept`` header asking for these media types, the first preferred.

    >>> accept_header("text/turtle", "application/n-triples")
    'text/turtle,application/n-triples;q=0.9'
    """
    from werkzeug.datastructures import MIMEAccept

    return MIMEAccept([(m, 1 - i / 10) for i, m in enumerate(media_types)]).to_header()


__all__ = [
    "FORMATS",
    "REPORT_FORMATS",
    "RESULTS_FORMATS",
    "RdfFormat",
    "ResultsFormat",
    "accept_header",
    "essence",
    "graph_formats",
    "rdf_by_extension",
    "rdf_by_media_type",
    "results_by_extension",
    "results_by_media_type",
    "w3c_results_formats",
]

REPORT_FORMATS = ("text", "turtle", "json")
"""How a validation report can be written: a line per problem, the SHACL report graph, JSON."""
