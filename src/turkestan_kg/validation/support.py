"""What the fast engine refuses, decided on the parsed shapes graph before any check runs.

The fast engine (:mod:`~turkestan_kg.validation.compile`) never passes data it did not check:
a shape with targets it does not compile, a constraint it does not know, a datatype whose
ill-formed literals it cannot tell, or a SPARQL constraint whose pre-binding of ``$this`` it
cannot honour is refused as :class:`UnsupportedShape`, naming the shape and the feature.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> a sh:NodeShape ; sh:target [ a <urn:SPARQLTarget> ] .''')
>>> check_shapes(shapes)
Traceback (most recent call last):
...
turkestan_kg.validation.support.UnsupportedShape: shape <urn:S> uses <http://www.w3.org/ns/shacl#target>, which the fast engine does not compile (use --engine auto or --engine pyshacl)
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from ..errors import UsageError
from ..namespaces import RDF, SH, XSD


class UnsupportedShape(UsageError):
    """The shapes use a SHACL feature the fast engine does not compile (exit code 2); the
    ``auto`` and ``pyshacl`` engines validate them."""


def refusal(shapes: Graph, shape: Node, feature: str) -> UnsupportedShape:
    """The error naming ``shape`` (or, for a blank node, the shape it belongs to)."""
    return UnsupportedShape(
        f"shape {name(shapes, shape)} uses {feature}, which the fast engine does not compile",
        hint="use --engine auto or --engine pyshacl",
    )


def name(shapes: Graph, shape: Node) -> str:
    if not isinstance(shape, BNode):
        return shape.n3()
    for owner in shapes.subjects(None, shape):
        if not isinstance(owner, BNode):
            return f"{owner.n3()} (a blank node in it)"
    return "[] (a blank node)"


# ---------------------------------------------------------------------- the shapes graph


SHAPE_LINKS = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
KNOWN = {
    *SHAPE_LINKS,
    *SHAPE_LISTS,
    *TARGETS,
    *(SH[k] for k in ("class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive")),
    *(SH[k] for k in ("minInclusive", "maxExclusive", "maxInclusive", "minLength", "maxLength")),
    *(SH[k] for k in ("pattern", "flags", "languageIn", "uniqueLang", "equals", "disjoint")),
    *(SH[k] for k in ("lessThan", "lessThanOrEquals", "qualifiedMinCount", "qualifiedMaxCount")),
    *(SH[k] for k in ("qualifiedValueShapesDisjoint", "closed", "ignoredProperties", "hasValue")),
    *(SH[k] for k in ("in", "path", "severity", "message", "deactivated", "sparql", "name")),
    *(SH[k] for k in ("description", "order", "group", "defaultValue", "declare", "prefixes")),
}
"""What a shape may say that the engine knows (SHACL Core and sh:sparql, with the
non-validating properties); any other term of the SHACL namespace is refused."""


def shapes_in(shapes: Graph) -> set[Node]:
    """Every shape of the shapes graph: typed, targeted or reached from one (SHACL 2.1)."""
    kinds = (SH.NodeShape, SH.PropertyShape)
    todo = [s for k in kinds for s in shapes.subjects(RDF.type, k)]
    todo += [s for t in (*TARGETS, SH.target) for s in shapes.subjects(t, None)]
    found: set[Node] = set()
    while todo:
        shape = todo.pop()
        if shape not in found:
            found.add(shape)
            todo += _linked(shapes, shape)
    return found


def _linked(shapes: Graph, shape: Node) -> list[Node]:
    """The shapes ``shape`` refers to: by sh:property, sh:node... and in sh:and/or/xone lists."""
    linked = [o for link in SHAPE_LINKS for o in shapes.objects(shape, link)]
    for link in SHAPE_LISTS:
        for lst in shapes.objects(shape, link):
            linked += list_items(shapes, shape, lst)
    return linked


SINGLE = {
    SH[k]
    for k in (
        "severity", "deactivated", "closed", "ignoredProperties", "datatype", "in", "languageIn",
        "maxCount", "maxExclusive", "maxInclusive", "maxLength", "minCount", "minExclusive",
        "minInclusive", "minLength", "nodeKind", "pattern", "flags", "qualifiedMaxCount",
        "qualifiedMinCount", "qualifiedValueShape", "qualifiedValueShapesDisjoint", "uniqueLang",
        "path",
    )
}  # fmt: skip
"""Parameters a shape may have one value of (SHACL's syntax rules, as SHACL for SHACL has them)."""
PROPERTY_ONLY = {
    SH[k]
    for k in (
        "lessThan",
        "lessThanOrEquals",
        "maxCount",
        "minCount",
        "qualifiedValueShape",
        "uniqueLang",
    )
}
"""Parameters only a property shape may have."""


def check_shapes(shapes: Graph) -> None:
    """Refuse what the engine does not compile (SHACL-AF targets and any other SHACL term it
    does not know) and shapes SHACL's syntax rules call ill-formed."""
    for shape in sorted(shapes_in(shapes), key=str):
        for used in sorted(set(shapes.predicates(shape)), key=str):
            if (
                str(used).startswith(str(SH))
                and used not in KNOWN
                and not _constraint(shapes, shape, used)
            ):
                raise refusal(shapes, shape, used.n3())
            if used in SINGLE and len(set(shapes.objects(shape, used))) > 1:
                raise ill_formed(shapes, shape, f"more than one value of {used.n3()}")
            if used in PROPERTY_ONLY and (shape, SH.path, None) not in shapes:
                raise ill_formed(shapes, shape, f"{used.n3()} but no sh:path (a node shape)")


def _constraint(shapes: Graph, shape: Node, used: Node) -> bool:
    """Whether ``used`` is the query of a shape that is also a SPARQL constraint (the W3C
    suite's sparql/node/sparql-002 has one: a shape whose sh:sparql is itself)."""
    return used == SH.select and (None, SH.sparql, shape) in shapes


def list_items(shapes: Graph, shape: Node, lst: Node) -> list[Node]:
    """The members of a well-formed RDF list (SHACL 1.4: each node has one rdf:first and one
    rdf:rest, the last rdf:rest is rdf:nil, no node comes twice); else the shape is refused."""
    found: list[Node] = []
    seen: set[Node] = set()
    node = lst
    while node != RDF.nil:
        firsts, rests = list(shapes.objects(node, RDF.first)), list(shapes.objects(node, RDF.rest))
        if node in seen or len(firsts) != 1 or len(rests) != 1:
            named = "a list" if isinstance(lst, BNode) else f"the list {lst.n3()}"
            raise ill_formed(
                shapes,
                shape,
                f"{named} that is not well-formed (one rdf:first and one "
                "rdf:rest per node, ending in rdf:nil)",
            )
        seen.add(node)
        found.append(firsts[0])
        node = rests[0]
    return found


def ill_formed(shapes: Graph, shape: Node, problem: str) -> UnsupportedShape:
    """The error for a shape that breaks SHACL's syntax rules (SHACL 2.1, 4)."""
    return UnsupportedShape(
        f"shape {name(shapes, shape)} is ill-formed: it has {problem}",
        hint="fix the shapes file; SHACL's syntax rules say what a shape may hold",
    )


# ---------------------------------------------------------------------- datatypes


CASTABLE = {
    XSD[t]
    for t in (
        "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time",
        "gYear", "gYearMonth", "gMonth", "gDay", "duration",
        "dayTimeDuration", "yearMonthDuration",
    )
}  # fmt: skip
"""Datatypes whose well-formed literals the engine tells by a cast (an ill-formed one fails)."""
INTEGERS = {
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1),
    "short": (-32768, 32767), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 65535), "unsignedByte": (0, 255),
}  # fmt: skip
"""XSD's integer types with their bounds: a cast to xsd:integer, then the range."""
PATTERNS: dict[Node, str] = {
    XSD.language: "^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
    XSD.normalizedString: "^[^\\r\\n\\t]*$",
    XSD.token: "^([^\\s]+( [^\\s]+)*)?$",
    XSD.hexBinary: "^([0-9a-fA-F]{2})*$",
    # XSD 1.1 3.3.12: --02-29 is a gMonthDay (Oxigraph's cast refuses it), --02-30 is not
    XSD.gMonthDay: (
        "^--(02-(0[1-9]|[12][0-9])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        "|(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01]))(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$"
    ),
}
"""String types whose lexical space is a pattern."""
ANY_STRING = {XSD.string, RDF.langString, XSD.anyURI, RDF.HTML}
"""Datatypes whose every lexical form is well-formed (HTML parsing never fails)."""


def well_formed(shapes: Graph, shape: Node, v: str, datatype: Node) -> str:
    """A SPARQL test that ``v`` (of ``datatype``) is well-formed (:func:`lexical_test`);
    refused where a standard type's lexical space is beyond SPARQL."""
    test = lexical_test(v, datatype)
    if test is None:
        raise refusal(
            shapes, shape, f"sh:datatype {datatype.n3()} (whose ill-formed literals it cannot tell)"
        )
    return test


def lexical_test(v: str, datatype: Node) -> str | None:
    """A SPARQL test that the spelling of ``v`` is in ``datatype``'s lexical space: a cast
    (Oxigraph's, which follows XSD 1.1), a range or a pattern for XSD's types; always for a
    datatype no standard defines (RDF 1.1 3.3: such literals are never ill-typed); None for
    a standard type whose lexical space is beyond SPARQL.

    >>> lexical_test("?v", XSD.hexBinary)
    'REGEX(STR(?v), "^([0-9a-fA-F]{2})*$")'
    """
    local = str(datatype).removeprefix(str(XSD))
    if datatype in ANY_STRING or not (str(datatype).startswith((str(XSD), str(RDF)))):
        return "true"
    if datatype in CASTABLE:
        return f"COALESCE(isLiteral({datatype.n3()}(STR({v}))), false)"
    if local in INTEGERS:
        low, high = INTEGERS[local]
        cast = f"{XSD.integer.n3()}(STR({v}))"
        bounds = [f"{cast} >= {low}"] * (low is not None) + [f"{cast} <= {high}"] * (
            high is not None
        )
        return f"COALESCE({' && '.join(bounds)}, false)"
    if datatype in PATTERNS:
        return f"REGEX(STR({v}), {Literal(PATTERNS[datatype]).n3()})"
    return None
