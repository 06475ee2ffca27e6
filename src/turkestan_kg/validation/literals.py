"""Literals as the validation store holds them, and what that changes.

Oxigraph keeps a literal's value, not its spelling: "01"^^xsd:integer is stored as "1",
"5"^^xsd:byte as "5"^^xsd:integer, "1"^^xsd:boolean as "true". Reports map each stored form
back to the data's own (:func:`original_literals`). Where the change would alter a check's
answer, in-memory validation refuses before it runs (:func:`check_literals_kept`): a datatype
the store does not keep misleads sh:datatype, and a spelling it does not keep misleads the
components that read spellings. rdflib's own ill-typed literals, which it
reads into a well-formed spelling, get an ill-formed stand-in (:func:`keep_ill_typed`); those
rdflib cannot read but XSD 1.1 admits (the year 0000) are well-typed where the store keeps
their spelling (:func:`ill_typed`).

>>> from rdflib import Graph
>>> data = Graph().parse(data='<urn:a> <urn:p> "5"^^<http://www.w3.org/2001/XMLSchema#byte> .')
>>> [(a.n3(), b.n3()) for a, b in changed(stored_forms(data))]
[('"5"^^<http://www.w3.org/2001/XMLSchema#byte>', '"5"^^<http://www.w3.org/2001/XMLSchema#integer>')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..graph.terms import from_oxigraph_term, to_oxigraph
from ..namespaces import RDF, SH, XSD
from ..sparql.tree import get, walk
from .lexical import never_literal, reads_spelling, spelling_read
from .support import UnsupportedShape, lexical_test


class Check(Protocol):
    """What this module reads of a compiled check (:class:`.compile.Check`)."""

    @property
    def component(self) -> Node: ...

    @property
    def path(self) -> Node | None: ...

    @property
    def template(self) -> bool: ...

    @property
    def text(self) -> str: ...

    @property
    def mode(self) -> str: ...

    @property
    def focus(self) -> str: ...


SPELLING = {SH[f"{c}ConstraintComponent"] for c in ("Pattern", "MinLength", "MaxLength")}
"""Components whose answer depends on a literal's spelling. (Components that compare terms,
sh:in, sh:hasValue, sh:equals, sh:disjoint, and counts, compare the stored forms: two
literals that would be one term there are refused, :func:`check_one_term_each`.)"""
SPELLING_PARAMETERS = (SH.pattern, SH.minLength, SH.maxLength)
"""Their parameters, as a shape holds them."""


class UnkeptLiteral(UnsupportedShape):
    """The data (or a shape's sh:targetNode) holds a literal the fast engine's store would
    change in a way a check sees (exit code 2); pySHACL (``--engine pyshacl``) reads the
    data as it is."""


Forms = dict[Literal, Node]
"""Each literal of the data, with the form Oxigraph stores it in."""


def stored_forms(data: Graph) -> Forms:
    """Each literal of the data with the form Oxigraph stores it in (one pass, one store)."""
    literals = sorted(
        {o for o in data.objects() if isinstance(o, Literal)},
        key=lambda x: (str(x), str(x.datatype), x.language or ""),
    )
    store = ox.Store()
    predicate = ox.NamedNode("urn:tkg:literal")
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:tkg:{i}"), predicate, to_oxigraph(lit))
        for i, lit in enumerate(literals)
    )
    return {
        literals[int(quad.subject.value.rsplit(":", 1)[1])]: from_oxigraph_term(quad.object)
        for quad in store
    }


def original_literals(forms: Forms) -> dict[Node, Literal]:
    """Map each stored form back to how the data wrote it, so reports quote the data."""
    mapping: dict[Node, Literal] = {}
    for original, stored in forms.items():
        mapping.setdefault(stored, original)
    return mapping


def changed(forms: Forms, ill: set[Literal] | None = None) -> list[tuple[Literal, Literal]]:
    """The data's typed literals whose stored datatype or spelling differs (language tags,
    which only change case, are left out), but the ``ill``-typed ones (default: as rdflib
    says)."""
    return [
        (original, stored)
        for original, stored in forms.items()
        if isinstance(stored, Literal)
        and original.datatype is not None
        and _term(original)[:2] != _term(stored)[:2]
        and not (original.ill_typed if ill is None else original in ill)
    ]


def ill_typed(data: Graph, forms: Forms) -> set[Literal]:
    """The data's ill-typed literals: those rdflib says are, less those XSD 1.1 admits
    (:func:`_admitted`). ``forms``: :func:`stored_forms` of the data."""
    marked = {o for o in data.objects() if isinstance(o, Literal) and o.ill_typed}
    return marked - _admitted(marked, forms)


def _admitted(marked: set[Literal], forms: Forms) -> set[Literal]:
    """Of the literals rdflib calls ill-typed, those XSD 1.1 admits and the store keeps as
    written: rdflib read no value from them (so the spelling is the data's; where it read
    one, "none"^^xsd:boolean as false, the spelling is its own), the test that sh:datatype
    compiles to passes (Oxigraph's casts, which admit 24:00:00 and the year 0000, which
    Python's dates cannot hold), and the store keeps the spelling: it keeps
    "24:00:00"^^xsd:time as "00:00:00", one term with that literal, which sh:in, sh:equals
    or a count would then misjudge; such a literal stays ill-typed, as rdflib says."""
    kept: dict[Node, list[Literal]] = {}
    for lit in marked:
        form, datatype = forms.get(lit), lit.datatype
        if datatype and lit.value is None and form is not None and str(form) == str(lit):
            kept.setdefault(datatype, []).append(lit)
    return {lit for kind, literals in kept.items() for lit in _passing(kind, literals)}


def _passing(datatype: Node, literals: list[Literal]) -> list[Literal]:
    """Those of ``literals`` whose spelling passes ``datatype``'s lexical test."""
    test = lexical_test("?s", datatype)
    if test is None or test == "true":
        return []
    spellings = " ".join(Literal(str(lit)).n3() for lit in literals)
    query = f"SELECT ?s WHERE {{ VALUES ?s {{ {spellings} }} FILTER ({test}) }}"
    good = {row["s"].value for row in ox.Store().query(query)}  # type: ignore[union-attr]
    return [lit for lit in literals if str(lit) in good]


def check_literals_kept(
    data: Graph,
    forms: Forms,
    checks: Sequence[Check],
    ill: set[Literal] | None = None,
    shapes: Graph | None = None,
) -> None:
    """Refuse, before anything runs, data whose literals the store would change where the
    checks would see it: any change of datatype, and a change of spelling in a value a check
    may read the spelling of (:func:`_spelling_read`). ``ill``: the ill-typed literals
    (:func:`ill_typed`), which get stand-ins instead."""
    reading: list[Node | None] | None = None  # only read where a spelling changes
    for original, stored in changed(forms, ill):
        if _kind(original) != _kind(stored):
            raise UnkeptLiteral(
                f"the data holds {original.n3()}, which the fast engine's store keeps as "
                f"{stored.n3()}: sh:datatype would be misjudged",
                hint="use --engine pyshacl",
            )
        if reading is None:
            reading = _spelling_read(checks, shapes)
        if _read(data, original, reading):
            raise UnkeptLiteral(
                f"the data holds {original.n3()}, which the fast engine's store keeps as "
                f"{stored.n3()}, where a shape reads its spelling (sh:pattern, sh:minLength, "
                "sh:maxLength, or a SPARQL function such as STR)",
                hint=f'write it as "{stored}", or use --engine pyshacl',
            )


def check_one_term_each(
    forms: Forms, ill: set[Literal], shapes: Graph | None = None, written: Iterable[Literal] = ()
) -> None:
    """Refuse two different literals the store would keep as one term ("75.0" and "75.00"
    as decimals): RDF holds two values there, the store one, so counts, sh:in, sh:hasValue,
    sh:equals, sh:disjoint and SPARQL's joins would misjudge them. The shapes' sh:in and
    sh:hasValue literals count too, and those SPARQL-based checks write (``written``): the
    queries hold them, in the store's form. ``ill``: the ill-typed literals, which get
    stand-ins (:func:`keep_ill_typed`)."""
    seen: dict[Node, Literal] = {}
    compared = _compared(shapes) if shapes is not None else Graph()
    for literal in written:
        compared.add((URIRef("urn:tkg:query"), SH.hasValue, literal))
    constants = stored_forms(compared)
    for original, stored in [*forms.items(), *constants.items()]:
        data = original in forms  # two constants of the shapes never meet in the store
        first = seen.setdefault(stored, original) if data else seen.get(stored, original)
        if original not in ill and first not in ill and _term(first) != _term(original):
            raise UnkeptLiteral(
                f"the data or the shapes hold {first.n3()} and {original.n3()}, which the "
                f"fast engine's store keeps as one term, {stored.n3()}: counts and "
                "comparisons of terms would be misjudged",
                hint="write them alike, or use --engine pyshacl",
            )


def _term(literal: Literal) -> tuple[str, Node, str]:
    """A literal as RDF 1.1 tells terms apart: a simple literal is an xsd:string, and a
    language tag's case does not count."""
    kind = literal.datatype or (RDF.langString if literal.language else XSD.string)
    return str(literal), kind, (literal.language or "").lower()


def _kind(literal: Literal) -> Node:
    return _term(literal)[1]


def _compared(shapes: Graph) -> Graph:
    """The literals the shapes compare values with: sh:hasValue's, and sh:in's members."""
    found = Graph()
    values = list(shapes.objects(None, SH.hasValue))
    for members in shapes.objects(None, SH["in"]):
        values += list(Collection(shapes, members))
    for value in values:
        if isinstance(value, Literal):
            found.add((URIRef("urn:tkg:shape"), SH.hasValue, value))
    return found


def check_targets_kept(shapes: Graph, checks: Sequence[Check]) -> None:
    """Refuse, before anything runs, a literal sh:targetNode that Oxigraph would read
    otherwise than written, where that matters: the query holds it, and Oxigraph keeps
    "24:00:00"^^xsd:time as "00:00:00", so a change of datatype misleads sh:datatype and a
    change of spelling misleads a check that reads spellings (:func:`_spelling_read`)."""
    targets = Graph()
    for node in shapes.objects(None, SH.targetNode):
        if isinstance(node, Literal):
            targets.add((URIRef("urn:tkg:shape"), SH.targetNode, node))
    reading = _spelling_read(checks, shapes) if len(targets) else []
    for original, stored in changed(stored_forms(targets), set()):  # ill-typed ones too
        if _kind(original) != _kind(stored) or reading:
            raise UnkeptLiteral(
                f"the shapes name the focus node {original.n3()}, which Oxigraph reads as "
                f"{stored.n3()}: a check of its "
                + ("datatype" if _kind(original) != _kind(stored) else "spelling")
                + " would be misjudged",
                hint=f"write it as {stored.n3()}, or use --engine pyshacl",
            )


def _spelling_read(checks: Sequence[Check], shapes: Graph | None) -> list[Node | None]:
    """The paths whose values' spelling a check may read: a SPELLING check's path (None, any
    value, for a node shape's), and any value where a shape reached through sh:node,
    sh:qualifiedValueShape, sh:not or a list (sh:or, sh:and, sh:xone...) has, at any depth,
    a SPELLING parameter: its check is the outer shape's, whose component does not say so;
    and the values a SPARQL-based check reads with STR, REGEX, sameTerm... (:mod:`.lexical`:
    the objects of the predicates that bind them)."""
    reading: list[Node | None] = [c.path for c in checks if c.component in SPELLING]
    for c in checks:
        if c.template:  # a pre-bound $this may be a literal unless its focus nodes never are
            node = c.mode == "each" and never_literal(c.focus)
            prebound = {} if c.mode == "join" else {"this": not node, "value": True}
            reading += spelling_read(c.text, prebound)
    if shapes is not None and _nested_spelling(shapes):
        reading.append(None)
    return reading


def _nested_spelling(shapes: Graph) -> bool:
    roots = [
        o for p in (SH.node, SH.qualifiedValueShape, SH["not"]) for o in shapes.objects(None, p)
    ]
    todo, seen = roots + list(shapes.objects(None, RDF.first)), set()
    while todo:
        node = todo.pop()
        if node in seen or isinstance(node, Literal):
            continue
        seen.add(node)
        if any((node, p, None) in shapes for p in SPELLING_PARAMETERS):
            return True
        todo += shapes.objects(node, None)
    return False


def _read(data: Graph, literal: Literal, paths: list[Node | None]) -> bool:
    """Whether a check on one of ``paths`` may read ``literal``."""
    if any(not isinstance(path, URIRef) for path in paths):
        return bool(paths)  # a node shape's check, or a longer path: any value may be read
    return any((None, path, literal) in data for path in paths)


ILL_TYPED = "ill-typed in the data: "


def keep_ill_typed(
    data: Graph, store: ox.Store, ill: set[Literal], forms: Forms
) -> dict[Node, Literal]:
    """rdflib reads some ill-typed literals into a well-formed lexical form ("none" as an
    xsd:boolean becomes "false") and only marks them ill-typed; put an ill-formed stand-in
    for each of the ``ill``-typed literals (:func:`ill_typed`) in the store, so
    that sh:datatype still finds them. The store's triple is removed unless another value
    of the same subject and predicate is stored as the same term ("00:00:00" beside
    "24:00:00"), which stays. The stand-ins, mapped to the data's literals, for the report."""
    found: dict[Node, Literal] = {}
    for lit in ill:
        form = forms.get(lit)
        stand_in = ox.Literal(ILL_TYPED + str(lit), datatype=ox.NamedNode(str(lit.datatype)))
        for s, p, _ in data.triples((None, None, lit)):
            assert isinstance(s, URIRef | BNode)
            subject, predicate = to_oxigraph(s), ox.NamedNode(str(p))
            twins = (o for o in data.objects(s, p) if isinstance(o, Literal) and o != lit)
            if not any(forms.get(o) == form for o in twins):
                store.remove(ox.Quad(subject, predicate, to_oxigraph(lit)))  # type: ignore[arg-type]
            store.add(ox.Quad(subject, predicate, stand_in))  # type: ignore[arg-type]
        found[from_oxigraph_term(stand_in)] = lit
    return found


def misreads(query: object, constants: Graph) -> str:
    """What Oxigraph would read otherwise than SPARQL says in ``query`` ("" if nothing)."""
    if any(_empty_in(node) for node in walk(query)):
        return EMPTY_IN
    if reads_spelling(query) and (respelled := changed(stored_forms(constants), set())):
        written, read = respelled[0]
        return f"{written.n3()} {RESPELLED} {read.n3()}"
    return ""


RESPELLED = "in a SPARQL query that reads spellings (STR...): Oxigraph reads it as"


EMPTY_IN = (
    "an empty IN or NOT IN list on a variable in a SPARQL query: Oxigraph 0.5 drops every "
    "row for ?x NOT IN (), which SPARQL says is true"
)


def _empty_in(node: object) -> bool:
    """Whether ``node`` is ``x IN ()`` or ``x NOT IN ()`` (rdflib's parser: rdf:nil)."""
    is_in = getattr(node, "name", None) == "RelationalExpression" and get(node, "op") in (
        "IN",
        "NOT IN",
    )
    return is_in and get(node, "other") == RDF.nil
