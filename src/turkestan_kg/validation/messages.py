"""What a problem says when its shape has no sh:message: a sentence per constraint component,
with the constraint's parameter and the value (SHACL leaves such messages to processors).

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> sh:path <urn:p> ; sh:minCount 2 .''')
>>> default_message(shapes, URIRef("urn:S"), SH.MinCountConstraintComponent, None)
'has fewer than 2 values'
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import RDF, SH, XSD, curie

SENTENCES: dict[str, tuple[str, str]] = {
    "MinCount": ("has fewer than {p} values", "minCount"),
    "MaxCount": ("has more than {p} values", "maxCount"),
    "Datatype": ("{v} is not a well-formed {p} literal", "datatype"),
    "Class": ("{v} is not an instance of {p}", "class"),
    "NodeKind": ("{v} is not of the node kind {p}", "nodeKind"),
    "MinInclusive": ("{v} is not at least {p}", "minInclusive"),
    "MaxInclusive": ("{v} is not at most {p}", "maxInclusive"),
    "MinExclusive": ("{v} is not more than {p}", "minExclusive"),
    "MaxExclusive": ("{v} is not less than {p}", "maxExclusive"),
    "MinLength": ("{v} is shorter than {p} characters (or a blank node)", "minLength"),
    "MaxLength": ("{v} is longer than {p} characters (or a blank node)", "maxLength"),
    "Pattern": ("{v} does not match the pattern {p}", "pattern"),
    "LanguageIn": ("{v} is not in one of the languages {p}", "languageIn"),
    "UniqueLang": ("has more than one value in one language", "uniqueLang"),
    "Equals": ("{v} is not a value of both the path and {p}", "equals"),
    "Disjoint": ("{v} is also a value of {p}", "disjoint"),
    "LessThan": ("{v} is not less than every value of {p}", "lessThan"),
    "LessThanOrEquals": ("{v} is not at most every value of {p}", "lessThanOrEquals"),
    "Not": ("{v} conforms to a shape it must not conform to", "not"),
    "And": ("{v} does not conform to every shape of the list", "and"),
    "Or": ("{v} conforms to none of the shapes of the list", "or"),
    "Xone": ("{v} does not conform to exactly one shape of the list", "xone"),
    "Node": ("{v} does not conform to the shape {p}", "node"),
    "Property": ("{v} does not conform to the property shape {p}", "property"),
    "QualifiedMinCount": ("has fewer than {p} values of the qualified shape", "qualifiedMinCount"),
    "QualifiedMaxCount": ("has more than {p} values of the qualified shape", "qualifiedMaxCount"),
    "Closed": ("has a property the closed shape does not allow (value {v})", "closed"),
    "HasValue": ("does not have the value {p}", "hasValue"),
    "In": ("{v} is not one of the values {p}", "in"),
    "SPARQL": ("fails a SPARQL constraint", "sparql"),
}
"""Each core component (by its name without ``ConstraintComponent``): the sentence and the
parameter it quotes."""


def default_message(
    shapes: Graph, shape: Node | None, component: Node | None, value: Node | None
) -> str:
    """The sentence for a result of ``component`` on ``shape`` about ``value``."""
    name = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    sentence, parameter = SENTENCES.get(
        name, (f"does not meet the constraint {curie(component)}", "")
    )
    found = shapes.value(shape, SH[parameter]) if parameter and shape is not None else None
    return sentence.format(v=_show(shapes, value), p=_show(shapes, found))


PLAIN = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}
"""Literals written as they are (2, not "2"^^xsd:integer)."""


def _show(shapes: Graph, node: Node | None) -> str:
    if node is None:
        return "the node"
    if isinstance(node, URIRef):
        return curie(node)
    if isinstance(node, Literal):
        return _literal(node)
    if (node, RDF.first, None) in shapes:
        try:
            return "(" + " ".join(_show(shapes, n) for n in shapes.items(node)) + ")"
        except ValueError:  # a list that loops
            return "a list"
    return "a blank node"


def _literal(node: Literal) -> str:
    """2 for a well-formed number, else the spelling quoted, with its datatype or language."""
    if node.datatype in PLAIN and not node.ill_typed:
        return str(node)
    if node.datatype not in (None, XSD.string):
        return f'"{node}"^^{curie(node.datatype)}'
    return f'"{node}"' + (f"@{node.language}" if node.language else "")


def message_of(report: Graph, shapes: Graph, result: Node) -> str:
    """The result's sh:resultMessage, else the sentence for its component."""
    given = report.value(result, SH.resultMessage)
    if given is not None:
        return str(given)
    shape, component = (
        report.value(result, k) for k in (SH.sourceShape, SH.sourceConstraintComponent)
    )
    return default_message(shapes, shape, component, report.value(result, SH.value))
