"""The one registry of formats: RDF serializations and SPARQL results formats.

Each format is a value object with its media type, file extension, the names rdflib and
Oxigraph know it by, and its IRI in the W3C format registry (https://www.w3.org/ns/formats/).
Adding a format is one entry here; the exporter, the store, the server's content negotiation,
the dataset description and the CLI's choices all read this table.

>>> FORMATS["turtle"].media_type, FORMATS["nquads"].file_extension
('text/turtle', '.nq')
>>> rdf_by_media_type("application/ld+json").name
'jsonld'
>>> RESULTS_FORMATS["json"].w3c_iri
'http://www.w3.org/ns/formats/SPARQL_Results_JSON'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialization: its name, media type, file extension, and whether it keeps graphs."""

    name: str
    media_type: str
    file_extension: str
    rdflib_name: str
    oxigraph_name: str
    w3c_name: str
    keeps_graphs: bool = False

    def __repr__(self) -> str:
        return f"<RdfFormat {self.name} {self.media_type}>"

    @property
    def title(self) -> str:
        """The format's name for people ("RDF/XML")."""
        return self.w3c_name.replace("_", "/")

    @property
    def w3c_iri(self) -> str:
        """The format's IRI in the W3C format registry."""
        return W3C_FORMATS + self.w3c_name

    def oxigraph(self) -> Any:
        """The ``pyoxigraph.RdfFormat`` (pyoxigraph is imported only when this is asked)."""
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph_name)


@dataclass(frozen=True)
class ResultsFormat:
    """A way to write SELECT and ASK results: the W3C formats and two for people."""

    name: str
    media_type: str
    file_extension: str
    w3c_name: str | None = None
    aliases: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<ResultsFormat {self.name} {self.media_type}>"

    @property
    def w3c_iri(self) -> str | None:
        """The format's IRI in the W3C format registry (None for the formats for people)."""
        return W3C_FORMATS + self.w3c_name if self.w3c_name else None


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", "text/turtle", ".ttl", "turtle", "TURTLE", "Turtle"),
        RdfFormat("jsonld", "application/ld+json", ".jsonld", "json-ld", "JSON_LD", "JSON-LD"),
        RdfFormat("ntriples", "application/n-triples", ".nt", "nt", "N_TRIPLES", "N-Triples"),
        RdfFormat("rdfxml", "application/rdf+xml", ".rdf", "xml", "RDF_XML", "RDF_XML"),
        RdfFormat("nquads", "application/n-quads", ".nq", "nquads", "N_QUADS", "N-Quads", True),
        RdfFormat("trig", "application/trig", ".trig", "trig", "TRIG", "TriG", True),
    )
}
"""Every RDF format by name."""

GRAPH_FORMATS = tuple(f for f in FORMATS.values() if not f.keeps_graphs)
"""The formats that write one graph (what an entity page or a CONSTRUCT answer is)."""

RESULTS_FORMATS: dict[str, ResultsFormat] = {
    f.name: f
    for f in (
        ResultsFormat("table", "text/plain", ".txt"),
        ResultsFormat("csv", "text/csv", ".csv", "SPARQL_Results_CSV"),
        ResultsFormat("tsv", "text/tab-separated-values", ".tsv", "SPARQL_Results_TSV"),
        ResultsFormat(
            "json",
            "application/sparql-results+json",
            ".srj",
            "SPARQL_Results_JSON",
            ("application/json",),
        ),
        ResultsFormat("xml", "application/sparql-results+xml", ".srx", "SPARQL_Results_XML"),
        ResultsFormat("markdown", "text/markdown", ".md"),
    )
}
"""Every results format by name (the W3C four, a plain-text table and Markdown)."""

W3C_RESULTS_FORMATS = tuple(f for f in RESULTS_FORMATS.values() if f.w3c_name)
"""The results formats a SPARQL endpoint offers."""


def rdf_by_media_type(media_type: str) -> RdfFormat:
    """The RDF format of a media type (KeyError if there is none)."""
    for fmt in FORMATS.values():
        if fmt.media_type == media_type:
            return fmt
    raise KeyError(media_type)


def results_by_media_type(media_type: str) -> ResultsFormat:
    """The results format of a media type or one of its aliases (KeyError if there is none)."""
    for fmt in RESULTS_FORMATS.values():
        if media_type == fmt.media_type or media_type in fmt.aliases:
            return fmt
    raise KeyError(media_type)


__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "REPORT_FORMATS",
    "RESULTS_FORMATS",
    "W3C_RESULTS_FORMATS",
    "RdfFormat",
    "ResultsFormat",
    "rdf_by_media_type",
    "results_by_media_type",
]

REPORT_FORMATS = ("text", "turtle", "json")
"""How a validation report can be written: a line per problem, the SHACL report graph, JSON."""
