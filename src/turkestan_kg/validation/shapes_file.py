"""Reading a shapes file: the project's own by default, or any a user gives, refused when it
holds no shape at all (a data file given by mistake would check nothing and say
"conforms").

>>> len(read_shapes(None)) > 100
True
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ..errors import ParseError
from ..graph.files import parse_file
from ..namespaces import RDF, SH
from ..paths import SHAPES_FILE, display_path, existing, project_root

SHAPE_MARKS = (SH.NodeShape, SH.PropertyShape)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def read_shapes(path: Path | str | None) -> Graph:
    """The shapes file ``path`` (the project's by default), parsed; a ParseError if it holds
    no shape at all, which would check nothing and say "conforms"."""
    file = existing(Path(path) if path else _default_shapes())
    graph = parse_file(file, verbatim=True)
    typed = any((None, RDF.type, mark) in graph for mark in SHAPE_MARKS)
    if not typed and not any((None, target, None) in graph for target in TARGETS):
        raise ParseError(
            "holds no SHACL shapes (nothing typed sh:NodeShape or sh:PropertyShape, and no "
            "targets): nothing would be checked",
            file=display_path(file),
            hint="give the shapes file, not a data file",
        )
    return graph


def _default_shapes() -> Path:
    return project_root() / "ontology" / SHAPES_FILE
