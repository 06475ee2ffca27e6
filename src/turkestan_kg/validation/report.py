"""A validation report: each SHACL result located at its entity, property and source file.

The engines (:mod:`turkestan_kg.validation.engines`) give a W3C SHACL report graph; this module
turns each result into a :class:`Problem` a person can act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import printable
from ..graph.dataset import KnowledgeGraph
from ..namespaces import SH, SKOS, curie
from ..paths import display_path
from .messages import message_of
from .paths import sparql_path
from .support import UnsupportedShape


@dataclass(frozen=True, order=True)
class Problem:
    """One validation result, located: which entity, which property, which file, which shape.

    >>> print(Problem("data/infobox.ttl", "https://w3id.org/turkestan-kg/person/x", "X",
    ...               "org:member", "needs a member", "tkgsh:S05", "sh:Violation", ""))
    data/infobox.ttl: X <https://w3id.org/turkestan-kg/person/x> org:member: needs a member [tkgsh:S05]
    """

    file: str
    entity: str
    label: str
    path: str
    message: str
    shape: str
    severity: str
    value: str

    def __str__(self) -> str:
        who = f"{self.label} <{self.entity}>" if self.label else f"<{self.entity}>"
        prop = f" {self.path}:" if self.path else ":"
        line = f"{self.file}: {who}{prop} {self.message} [{self.shape}]"
        return printable(line).replace("\n", "\\n")  # one line, whatever a value holds


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: ``conforms``, the located ``problems``, the SHACL report.

    >>> report = ValidationReport(True, (), Graph())
    >>> report.conforms, report.problems
    (True, ())
    """

    conforms: bool
    problems: tuple[Problem, ...]
    graph: Graph

    def to_text(self) -> str:
        """One line per problem and a closing summary line.

        >>> ValidationReport(True, (), Graph()).to_text()
        'conforms\\n'
        """
        lines = [str(p) for p in self.problems]
        n = len(self.problems)
        lines.append("conforms" if self.conforms else f"{n} problem{'s' * (n != 1)} found")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """``{"conforms": ..., "problems": [...]}`` with one object per problem.

        >>> print(ValidationReport(True, (), Graph()).to_json())
        {
          "conforms": true,
          "problems": []
        }
        <BLANKLINE>
        """
        body = {"conforms": self.conforms, "problems": [asdict(p) for p in self.problems]}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The W3C SHACL validation report graph, in Turtle.

        >>> "sh:conforms true" in open().validate().to_turtle()
        True
        """
        return self.graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        """The report in one of :data:`~turkestan_kg.formats.REPORT_FORMATS`.

        >>> ValidationReport(True, (), Graph()).render("text")
        'conforms\\n'
        """
        renderers = {"text": self.to_text, "turtle": self.to_turtle, "json": self.to_json}
        return renderers[fmt]()


def located_problem(kg: KnowledgeGraph, shapes: Graph, report: Graph, result: Node) -> Problem:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    entity = owner(focus, lambda n: kg.subjects(None, n))
    return Problem(
        file=", ".join(display_path(f) for f in _files(kg, focus, path, value)) or "?",
        entity=str(entity),
        label=label(kg.objects(entity, SKOS.prefLabel) if entity is not None else ()),
        path=_curie(kg, path) if isinstance(path, URIRef) else path_text(report, path),
        message=message_of(report, shapes, result),
        shape=_curie(kg, node_shape(shapes, report.value(result, SH.sourceShape))),
        severity=_curie(kg, report.value(result, SH.resultSeverity)),
        value=_show(kg, value),
    )


def _files(
    kg: KnowledgeGraph, focus: Node | None, path: Node | None, value: Node | None
) -> list[Path]:
    """The files stating the offending triple, else any triple about the focus node."""
    if isinstance(path, URIRef):
        for obj in (value, None):
            if found := kg.files_stating((focus, path, obj)):
                return found
    return kg.files_stating((focus, None, None))


def owner(node: Node | None, referrers: Callable[[BNode], Iterable[Node]]) -> Node | None:
    """The nearest IRI that points (through blank nodes) at ``node``; ``node`` if it is one.
    ``referrers(n)`` gives the subjects of the statements whose object is ``n``."""
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(iter(referrers(node)), node)
    return node


def problem(
    report: Graph, shapes: Graph, result: Node, *, entity: Node | None, label: str, file: str
) -> Problem:
    """The located problem of one result of a report, about ``entity`` (the IRI the focus
    node is, or hangs from), read from an on-disk or a remote store."""
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    return Problem(
        file=file,
        entity=str(entity),
        label=label,
        path=curie(path) if isinstance(path, URIRef) else path_text(report, path),
        message=message_of(report, shapes, result),
        shape=curie(node_shape(shapes, report.value(result, SH.sourceShape))),
        severity=curie(report.value(result, SH.resultSeverity)),
        value=(curie(value) if isinstance(value, URIRef) else value.n3())
        if value is not None
        else "",
    )


def path_text(report: Graph, path: Node | None) -> str:
    """A blank-node path as SPARQL writes it, read from the report ('' if it is not there)."""
    if path is None:
        return ""
    try:
        return sparql_path(report, path, path)
    except UnsupportedShape:  # the report does not hold the path's statements
        return ""


def node_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The node shape a property shape belongs to (a node shape is its own)."""
    parent = shapes.value(None, SH.property, shape)
    return parent if parent is not None else shape


def label(preferred: Iterable[Node]) -> str:
    """Of a node's preferred labels, the English one, else any, else ''."""
    labels = list(preferred)
    english = [lbl for lbl in labels if isinstance(lbl, Literal) and lbl.language == "en"]
    return str((english or labels or [""])[0])


def _curie(kg: KnowledgeGraph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return kg.namespace_manager.curie(node, generate=False)
        except (KeyError, ValueError):
            return str(node)
    return node.n3()


def _show(kg: KnowledgeGraph, node: Node | None) -> str:
    if node is None:
        return ""
    return _curie(kg, node) if isinstance(node, URIRef) else node.n3()
