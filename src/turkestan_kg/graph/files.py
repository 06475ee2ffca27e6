"""The data files: which files a folder holds, what named graph each becomes, and parsing.

>>> from turkestan_kg.paths import project_root
>>> [p.name for p in rdf_files(project_root() / "data")][:2]
['curation.ttl', 'dataset.ttl']
>>> graph_name(Path("data/infobox.ttl"))
rdflib.term.URIRef('https://w3id.org/turkestan-kg/graph/infobox')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
from rdflib import Graph, URIRef

from ..errors import ParseError, SourceNotFound
from ..formats import FORMATS, RdfFormat, rdf_by_extension
from ..namespaces import GRAPH
from ..paths import display_path
from .terms import from_oxigraph_term as term

DATA_FORMATS = ("turtle", "ntriples")
"""The RDF formats of data files, by their names in the format registry."""
SSSOM_SUFFIX = ".sssom.tsv"


def rdf_files(folder: Path) -> list[Path]:
    """The data files of a folder (Turtle and SSSOM/TSV), sorted by name; an error if none."""
    if not folder.is_dir():
        raise SourceNotFound(f"folder not found: {display_path(folder)}", hint="check the path")
    named = sorted(p for p in folder.iterdir() if is_data_file(p))
    if unreadable := [p for p in named if not p.is_file()]:
        raise SourceNotFound(
            f"{display_path(unreadable[0])} is named as data but is not a file (a folder, or a "
            "link to nothing)",
            hint="remove it from the data folder or make it the file it names",
        )
    files = named
    if not files:
        raise SourceNotFound(
            f"no .ttl files in {display_path(folder)}", hint="add data files or fix the path"
        )
    return files


def is_data_file(path: Path) -> bool:
    """Whether a file is data the loader reads (Turtle, N-Triples or an SSSOM mapping set)."""
    return data_format(path) is not None or path.name.endswith(SSSOM_SUFFIX)


def data_format(path: Path) -> RdfFormat | None:
    """The RDF format of a data file, by its extension (None for any other file).

    >>> data_format(Path("data/infobox.nt"))
    <RdfFormat ntriples application/n-triples>
    """
    try:
        fmt = rdf_by_extension(path.suffix)
    except KeyError:
        return None
    return fmt if fmt.name in DATA_FORMATS else None


def graph_name(path: Path) -> URIRef:
    """The named graph of a data file: ``graph:`` and the file name without its extension."""
    return GRAPH[path.name.removesuffix(SSSOM_SUFFIX).removesuffix(path.suffix)]


def parse_file(path: Path, *, verbatim: bool = False, base: str | None = None) -> Graph:
    """Parse one Turtle (or N-Triples) file, strictly: Oxigraph's parser reads it once, a
    syntax error names the file, line and column, and the file's prefixes are bound.
    Relative IRIs resolve against ``base`` if one is given, else the file's own IRI, as RDF
    1.1 Turtle defines a document's base (an ``@base`` in the file comes first either way).
    ``verbatim`` keeps literals as written (for shapes: only the literal true switches a
    boolean parameter on, not "1")."""
    graph = Graph()
    add = graph.add
    fmt = data_format(path) or FORMATS["turtle"]
    base = base or path.resolve().as_uri()
    parser = pyoxigraph.parse(path=str(path), format=fmt.oxigraph(), base_iri=base)
    for quad in _checked(parser, path, fmt):
        obj = term(quad.object, verbatim=verbatim)
        add((term(quad.subject), term(quad.predicate), obj))
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    return graph


def _checked(
    parser: pyoxigraph.QuadParser, path: Path, fmt: RdfFormat
) -> Iterator[pyoxigraph.Quad]:
    try:
        yield from parser
    except SyntaxError as err:
        raise ParseError(
            err.msg or str(err),
            file=display_path(path),
            line=err.lineno,
            column=err.offset,
            hint=f"fix the {fmt.title} syntax at that position",
        ) from None
