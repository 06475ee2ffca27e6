"""A fast SHACL engine for this project's shapes, part 1: the shapes compiled to whole-graph
SPARQL (part 2, :mod:`turkestan_kg.validation.execute`, runs the queries on Oxigraph).

pySHACL checks constraints focus node by focus node, and evaluates each ``sh:sparql``
constraint once per focus node (about 12 ms each on rdflib). This engine compiles every
constraint of the shapes graph into one SPARQL query over the whole data graph, with the
targets joined in, and runs them on Oxigraph. It builds the same W3C validation report
pySHACL builds (same focus nodes, paths, values, source shapes, constraint components,
severities and messages), which the differential tests check against pySHACL on every
shape fixture, the shipped data and defect-injected synthetic rolls.

It supports the SHACL features the project's shapes use: ``sh:targetClass`` (with
``rdfs:subClassOf*``), ``sh:targetNode``, ``sh:targetSubjectsOf``; predicate and sequence
paths; ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:nodeKind``,
``sh:pattern``, ``sh:languageIn``, ``sh:uniqueLang``, ``sh:minInclusive``,
``sh:maxInclusive``, ``sh:hasValue``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape`` with
``sh:qualifiedMinCount``, and SPARQL-based constraints (``sh:select``). Anything else raises
:class:`UnsupportedShape` (:mod:`.support` decides), so it never passes data it did not check.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..namespaces import RDF, RDFS, SH
from .support import UnsupportedShape as UnsupportedShape
from .support import check_targets, has_targets, refusal, sparql_parts, well_formed

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUPPORTED_NODE = {
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.property,
    SH.sparql,
    SH["or"],
    SH.xone,
    SH.message,
    RDF.type,
    SH.declare,
    SH.prefixes,
    RDFS.label,
    RDFS.comment,
}


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query and what to put in each result."""

    query: str
    source_shape: Node
    component: URIRef
    path: Node | None
    message: Literal | None
    template: bool = False  # SPARQL-based: substitute {?var} from the row
    prologue: str = ""  # PREFIX declarations of a SPARQL-based constraint

    @property
    def text(self) -> str:
        """The whole query: the prologue, then the SELECT."""
        return self.prologue + self.query


def term(node: Node) -> str:
    return node.n3()


def _int(node: Node | None) -> int:
    return int(str(node)) if node is not None else 0


# ---------------------------------------------------------------------- targets and paths


SUBCLASSES: ContextVar[Mapping[str, Iterable[str]] | None] = ContextVar("SUBCLASSES", default=None)
"""While :func:`compile_shapes` runs with ``subclasses``: each class's subclasses, all levels."""


def instance_of(node: str, cls: str) -> str:
    """A group pattern: ``node`` is an instance of ``cls`` or of a subclass of it.

    Written as a type, or a type with one or more subclass steps, rather than
    ``rdf:type/rdfs:subClassOf*`` (the same answers; Virtuoso 7 gets the zero-or-more path
    wrong inside EXISTS). When the compilation was given the class hierarchy, the classes
    are listed instead, and the query needs no path at all (Virtuoso 7 also gets transitive
    paths wrong inside NOT EXISTS on a variable bound outside).

    >>> instance_of("?x", "<urn:C>").count("UNION")
    1
    """
    known = SUBCLASSES.get()
    if known is None:
        return f"{{ {node} {TYPE} {cls} }} UNION {{ {node} {TYPE}/{RDFS_SUBCLASS}+ {cls} }}"
    iri = cls.strip("<>")
    classes = sorted({iri, *known.get(iri, ())})
    if len(classes) == 1:
        return f"{{ {node} {TYPE} {cls} }}"
    listed = " ".join(f"<{c}>" for c in classes)
    var = "?cls_" + hashlib.sha256(f"{node} {cls}".encode()).hexdigest()[:8]
    return f"{{ VALUES {var} {{ {listed} }} {node} {TYPE} {var} }}"


def targets(shapes: Graph, shape: Node) -> str:
    """A group pattern binding ?this to every focus node of ``shape``."""
    classes = list(shapes.objects(shape, SH.targetClass))
    parts = [instance_of("?this", term(c)) for c in classes]
    parts += [f"{{ VALUES ?this {{ {term(n)} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    parts += [
        f"{{ ?this {term(p)} ?target_o }}" for p in shapes.objects(shape, SH.targetSubjectsOf)
    ]
    if not parts:
        raise refusal(shapes, shape, "no target this engine understands")
    known = SUBCLASSES.get()
    if len(parts) == len(classes) == 1 and known is not None and not known.get(str(classes[0])):
        return parts[0]  # one class, no subclass: each node once without DISTINCT
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def path_expr(shapes: Graph, path: Node, owner: Node) -> str:
    """The SPARQL path of ``owner``'s sh:path: a predicate or a sequence of them."""
    if isinstance(path, URIRef):
        return term(path)
    if isinstance(path, BNode) and (path, RDF.first, None) in shapes:
        return "/".join(path_expr(shapes, p, owner) for p in Collection(shapes, path))
    raise refusal(shapes, owner, "a sh:path other than a predicate or a sequence")


# ---------------------------------------------------------------------- value conditions


def value_ok(shapes: Graph, shape: Node, v: str) -> str:
    """A SPARQL expression true when value ``v`` conforms to the value-type constraints of
    ``shape`` (used for qualified value shapes and for sh:or of value shapes)."""
    conditions = []
    for kind, value in shapes.predicate_objects(shape):
        if kind == SH.datatype:
            conditions.append(datatype_ok(v, value, well_formed(shapes, shape, v, value)))
        elif kind == SH.languageIn:
            conditions.append(language_ok(shapes, v, value))
        elif kind == SH["class"]:
            conditions.append(f"EXISTS {{ {instance_of(v, term(value))} }}")
        elif kind not in (RDF.type, SH.message):
            raise refusal(shapes, shape, f"{kind.n3()} inside a value shape")
    return " && ".join(f"({c})" for c in conditions) or "true"


def datatype_ok(v: str, datatype: Node, formed: str = "true") -> str:
    """``v`` is a literal of ``datatype``, and ``formed`` (its well-formedness test) holds."""
    if datatype == RDF.langString:
        return f'isLiteral({v}) && LANG({v}) != ""'
    test = f'isLiteral({v}) && DATATYPE({v}) = {term(datatype)} && LANG({v}) = ""'
    return test if formed == "true" else f"{test} && {formed}"


def language_ok(shapes: Graph, v: str, lst: Node) -> str:
    ranges = [str(x) for x in Collection(shapes, lst)]
    tests = " || ".join(f"LANGMATCHES(LANG({v}), {Literal(r).n3()})" for r in ranges)
    return f"isLiteral({v}) && ({tests})"


def alternative_ok(shapes: Graph, alt: Node, focus: str) -> str:
    """True when ``focus`` conforms to one alternative of a node-level sh:or / sh:xone: a
    property shape with minCount / hasValue / class / qualified constraints."""
    path = shapes.value(alt, SH.path)
    if path is None:
        return value_ok(shapes, alt, focus)
    step = f"{focus} {path_expr(shapes, path, alt)}"
    tests = [_alternative_test(shapes, alt, step, k, v) for k, v in shapes.predicate_objects(alt)]
    return " && ".join(f"({t})" for t in tests if t) or "true"


NOT_IN_ALTERNATIVE: dict[Node, str] = {
    SH.minCount: "minCount {value} inside sh:or / sh:xone",
    SH.qualifiedValueShape: "qualifiedMinCount other than 1 inside sh:or",
}


def _alternative_test(shapes: Graph, alt: Node, step: str, kind: Node, value: Node) -> str:
    """The test one constraint of an alternative adds on ``step`` (focus, path); "" if none."""
    if kind == SH.minCount and _int(value) == 1:
        return f"EXISTS {{ {step} ?alt_v }}"
    if kind == SH.hasValue:
        return f"EXISTS {{ {step} {term(value)} }}"
    if kind == SH["class"]:
        cls = instance_of("?alt_c", term(value))
        return f"NOT EXISTS {{ {step} ?alt_c . FILTER NOT EXISTS {{ {cls} }} }}"
    if kind == SH.qualifiedValueShape and _int(shapes.value(alt, SH.qualifiedMinCount)) == 1:
        return f"EXISTS {{ {step} ?alt_q . FILTER ({value_ok(shapes, value, '?alt_q')}) }}"
    if kind in (SH.path, SH.qualifiedMinCount, RDF.type, SH.message):
        return ""
    problem = NOT_IN_ALTERNATIVE.get(kind, "{kind} inside an sh:or / sh:xone alternative")
    raise refusal(shapes, alt, problem.format(kind=kind.n3(), value=value))


# ---------------------------------------------------------------------- compiling


def compile_shapes(
    shapes: Graph, *, subclasses: Mapping[str, Iterable[str]] | None = None
) -> list[Check]:
    """Every constraint of every node shape, as a whole-graph query. With ``subclasses``
    (each class IRI's subclasses, all levels, as the data's ontology has them) class tests
    list the classes instead of following rdfs:subClassOf in the query."""
    token = SUBCLASSES.set(subclasses)
    try:
        return _compile(shapes)
    finally:
        SUBCLASSES.reset(token)


def _compile(shapes: Graph) -> list[Check]:
    checks: list[Check] = []
    check_targets(shapes)
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=lambda n: str(n)):
        unknown = set(shapes.predicates(shape)) - SUPPORTED_NODE
        if unknown:
            raise refusal(shapes, shape, ", ".join(sorted(u.n3() for u in unknown)))
        if not has_targets(shapes, shape):
            continue  # no focus nodes of its own; where others use it, they are refused
        focus = targets(shapes, shape)
        checks.extend(_node_checks(shapes, shape, focus))
        for prop in shapes.objects(shape, SH.property):
            checks.extend(_property_checks(shapes, prop, focus))
    return checks


def _message(shapes: Graph, shape: Node) -> Literal | None:
    m = shapes.value(shape, SH.message)
    return m if isinstance(m, Literal) else None


def _node_checks(shapes: Graph, shape: Node, focus: str) -> Iterator[Check]:
    message = _message(shapes, shape)
    for kind, component, count in (
        (SH["or"], SH.OrConstraintComponent, "or"),
        (SH.xone, SH.XoneConstraintComponent, "xone"),
    ):
        for lst in shapes.objects(shape, kind):
            tests = [alternative_ok(shapes, alt, "?this") for alt in Collection(shapes, lst)]
            if count == "or":
                fails = " || ".join(f"({t})" for t in tests)
                where = f"FILTER (!({fails}))"
            else:
                total = " + ".join(f"IF({t}, 1, 0)" for t in tests)
                where = f"FILTER (({total}) != 1)"
            query = f"SELECT ?this (?this AS ?value) WHERE {{ {focus} {where} }}"
            yield Check(query, shape, component, None, message)
    for constraint in shapes.objects(shape, SH.sparql):
        yield _sparql_check(shapes, shape, constraint, focus)


def _sparql_check(shapes: Graph, shape: Node, constraint: Node, focus: str) -> Check:
    prefixes, select = sparql_parts(shapes, shape, constraint)
    body = select.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    if not match:
        raise refusal(shapes, shape, "a SPARQL constraint without WHERE")
    query = body[: match.end()] + f" {focus} " + body[match.end() :]
    message, component = _message(shapes, constraint), SH.SPARQLConstraintComponent
    return Check(query, shape, component, None, message, template=True, prologue=prefixes)


def _property_checks(shapes: Graph, prop: Node, focus: str) -> Iterator[Check]:
    unknown = set(shapes.predicates(prop)) - SUPPORTED_PROPERTY
    if unknown:
        raise refusal(shapes, prop, ", ".join(sorted(u.n3() for u in unknown)))
    path = shapes.value(prop, SH.path)
    assert path is not None
    shape = _Property(
        shapes, prop, focus, path, path_expr(shapes, path, prop), _message(shapes, prop)
    )
    for kind, value in shapes.predicate_objects(prop):
        rule = PROPERTY_RULES.get(kind)
        if rule is not None and (check := rule(shape, value)) is not None:
            yield check


@dataclass(frozen=True)
class _Property:
    """A property shape being compiled: the query shapes its constraints are checked by."""

    shapes: Graph
    node: Node
    focus: str
    path: Node
    p: str
    message: Literal | None

    def check(self, component: URIRef, query: str) -> Check:
        return Check(query, self.node, component, self.path, self.message)

    def per_value(self, component: URIRef, bad: str) -> Check:
        """The values that meet ``bad`` (a filter on ?value), with their focus nodes."""
        pattern = f"{self.focus} ?this {self.p} ?value . FILTER ({bad})"
        return self.check(component, f"SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}")

    def per_focus(self, component: URIRef, having: str) -> Check:
        """Focus nodes whose values, grouped, meet ``having``."""
        where = f"{{ {self.focus} OPTIONAL {{ ?this {self.p} ?v }} }}"
        return self.check(component, f"SELECT ?this WHERE {where} GROUP BY ?this HAVING ({having})")

    def without(self, component: URIRef, values: str) -> Check:
        """Focus nodes with no value that matches ``values`` (a pattern on ?v): one
        anti-join, instead of a group per focus node (a third of the time at scale)."""
        where = f"{{ {self.focus} MINUS {{ ?this {self.p} ?v . {values} }} }}"
        return self.check(component, f"SELECT ?this WHERE {where}")

    def too_many(self, component: URIRef, most: int) -> Check:
        """Focus nodes with more than ``most`` values: only nodes with values are grouped."""
        where = f"{{ {self.focus} ?this {self.p} ?v }}"
        having = f"COUNT(DISTINCT ?v) > {most}"
        return self.check(component, f"SELECT ?this WHERE {where} GROUP BY ?this HAVING ({having})")


def _min_count(shape: _Property, value: Node) -> Check:
    if _int(value) == 1:
        return shape.without(SH.MinCountConstraintComponent, "")
    return shape.per_focus(SH.MinCountConstraintComponent, f"COUNT(DISTINCT ?v) < {_int(value)}")


NODE_KINDS = {
    str(SH.IRI): "isIRI(?value)",
    str(SH.Literal): "isLiteral(?value)",
    str(SH.BlankNode): "isBlank(?value)",
}


def _node_kind(shape: _Property, value: Node) -> Check:
    test = NODE_KINDS.get(str(value))
    if test is None:
        raise refusal(shape.shapes, shape.node, f"sh:nodeKind {term(value)}")
    return shape.per_value(SH.NodeKindConstraintComponent, f"!({test})")


def _unique_lang(shape: _Property, value: Node) -> Check | None:
    if not (isinstance(value, Literal) and value.toPython() is True):
        return None
    same = '?a != ?b && LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b))'
    where = f"{{ {shape.focus} ?this {shape.p} ?a , ?b . FILTER ({same}) }}"
    return shape.check(SH.UniqueLangConstraintComponent, f"SELECT DISTINCT ?this WHERE {where}")


def _qualified(shape: _Property, value: Node) -> Check:
    minimum = _int(shape.shapes.value(shape.node, SH.qualifiedMinCount))
    ok, component = value_ok(shape.shapes, value, "?v"), SH.QualifiedMinCountConstraintComponent
    if minimum == 1:
        return shape.without(component, f"FILTER ({ok})")
    return shape.per_focus(component, f"SUM(IF(BOUND(?v) && ({ok}), 1, 0)) < {minimum}")


def _any_of(shape: _Property, value: Node) -> Check:
    tests = [value_ok(shape.shapes, alt, "?value") for alt in Collection(shape.shapes, value)]
    alternatives = " || ".join(f"({t})" for t in tests)
    return shape.per_value(SH.OrConstraintComponent, f"!({alternatives})")


PROPERTY_RULES: dict[Node, Callable[[_Property, Node], Check | None]] = {
    SH.minCount: _min_count,
    SH.maxCount: lambda s, v: s.too_many(SH.MaxCountConstraintComponent, _int(v)),
    SH.datatype: lambda s, v: s.per_value(
        SH.DatatypeConstraintComponent,
        f"!({datatype_ok('?value', v, well_formed(s.shapes, s.node, '?value', v))})",
    ),
    SH["class"]: lambda s, v: s.per_value(
        SH.ClassConstraintComponent, f"NOT EXISTS {{ {instance_of('?value', term(v))} }}"
    ),
    SH.nodeKind: _node_kind,
    SH.pattern: lambda s, v: s.per_value(
        SH.PatternConstraintComponent,
        f"isBlank(?value) || !REGEX(STR(?value), {Literal(str(v)).n3()})",
    ),
    SH.languageIn: lambda s, v: s.per_value(
        SH.LanguageInConstraintComponent, f"!({language_ok(s.shapes, '?value', v)})"
    ),
    SH.minInclusive: lambda s, v: s.per_value(
        SH.MinInclusiveConstraintComponent, f"!COALESCE(?value >= {term(v)}, false)"
    ),
    SH.maxInclusive: lambda s, v: s.per_value(
        SH.MaxInclusiveConstraintComponent, f"!COALESCE(?value <= {term(v)}, false)"
    ),
    SH.hasValue: lambda s, v: s.without(
        SH.HasValueConstraintComponent, f"FILTER (sameTerm(?v, {term(v)}))"
    ),
    SH["or"]: _any_of,
    SH.uniqueLang: _unique_lang,
    SH.qualifiedValueShape: _qualified,
}
"""The check of each constraint of a property shape, by constraint (None: nothing to check)."""
SUPPORTED_PROPERTY = {*PROPERTY_RULES, SH.path, SH.qualifiedMinCount, SH.message, RDF.type}
