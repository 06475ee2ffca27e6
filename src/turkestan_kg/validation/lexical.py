"""Which values a SPARQL-based check may read the spelling of.

The validation store keeps "75.0"^^xsd:decimal as "75" (:mod:`.literals`). A SPARQL
constraint that reads a value's spelling (STR, SUBSTR, REGEX, sameTerm...) would see "75"
where SPARQL 1.1 says "75.0". This module finds, on the query's algebra (rdflib's), the
variables such a function reads, follows each back through BIND and aggregates to the triple
patterns that bind it as an object, and gives their predicates: only a literal that is the
object of one of them can be read. A variable only subjects bind is never a literal. Where
it cannot tell (a variable predicate not listed by a FILTER IN above it, a path with
repetition, a function inside EXISTS, a pre-bound ``$this`` that may be a literal), it says
any value may be read (None).

>>> reads = spelling_read('''PREFIX ex: <http://e/>
... SELECT $this WHERE { $this ex:name ?n . FILTER (STRLEN(STR(?n)) > 3) }''')
>>> [str(r) for r in reads]
['http://e/name']
>>> spelling_read("SELECT $this WHERE { $this <http://e/p> ?n . FILTER (?n > 3) }")
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, SequencePath
from rdflib.term import Node

from ..sparql.tree import children, get, inside_exists, parse, walk

SPELLING_FUNCTIONS = frozenset(
    f"Builtin_{name}"
    for name in (
        "STR", "STRLEN", "SUBSTR", "UCASE", "LCASE", "STRSTARTS", "STRENDS", "CONTAINS",
        "STRBEFORE", "STRAFTER", "ENCODE_FOR_URI", "CONCAT", "REGEX", "REPLACE", "MD5",
        "SHA1", "SHA256", "SHA384", "SHA512", "sameTerm", "IRI", "STRDT", "STRLANG",
    )
) | {"Aggregate_GroupConcat"}  # fmt: skip
"""The functions whose answer depends on a literal's spelling, not only its value."""


def spelling_read(text: str, prebound: Mapping[str, bool] | None = None) -> list[Node | None]:
    """The predicates whose objects the query ``text`` may read the spelling of (None: any
    value); empty if it reads no spelling. ``prebound``: the variables written into the
    text later, per focus node, each with whether it may be a literal."""
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = parse(text)
    if _inside_exists(tree):  # rdflib's algebra drops an EXISTS's filters: read the tree
        return [None]
    algebra = translateQuery(tree).algebra
    nodes = list(walk(algebra))
    if not any(_name(n) in SPELLING_FUNCTIONS for n in nodes):
        return []
    read = [v for n in nodes if _name(n) in SPELLING_FUNCTIONS for v in _variables(n)]
    derived = _derived(nodes)
    bound = list(_objects(algebra, {}))
    nodes_only = _subjects_only(nodes, {o for o, _ in bound} | set(derived))
    return _sources(read, derived, bound, _with_prebound(nodes_only, prebound or {}))


def _with_prebound(nodes_only: set[Node], prebound: Mapping[str, bool]) -> set[Node]:
    """``nodes_only`` as the pre-bound variables change it: one that may be a literal out,
    one that may not in."""
    may = {Variable(name) for name, literal in prebound.items() if literal}
    never = {Variable(name) for name, literal in prebound.items() if not literal}
    return (nodes_only - may) | never


def _derived(nodes: list[object]) -> dict[Node, set[Variable]]:
    """Each variable BIND or an aggregate gives, with the variables it is computed from."""
    derived: dict[Node, set[Variable]] = {}
    for n in nodes:
        if _name(n) == "Extend":
            derived.setdefault(get(n, "var"), set()).update(_variables(get(n, "expr")))  # type: ignore[arg-type]
        elif _name(n).startswith("Aggregate_"):
            derived.setdefault(get(n, "res"), set()).update(_variables(get(n, "vars")))  # type: ignore[arg-type]
    return derived


def never_literal(text: str) -> bool:
    """Whether the query ``text`` binds ``?this`` only as a subject (the focus nodes of class
    targets: never a literal)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    algebra = translateQuery(parse(text)).algebra
    nodes = list(walk(algebra))
    objects = {o for o, _ in _objects(algebra, {})}
    return Variable("this") in _subjects_only(nodes, objects | set(_derived(nodes)))


def _subjects_only(nodes: list[object], elsewhere: set[Node]) -> set[Node]:
    """The variables that only triple patterns' subjects bind (a plain predicate after them:
    never a literal), and neither an object, a BIND nor a VALUES with a literal."""
    triples = (t for n in nodes if _name(n) == "BGP" for t in get(n, "triples") or ())  # type: ignore[attr-defined]
    found: set[Node] = {
        s for s, p, _ in triples if isinstance(p, URIRef | Variable) and isinstance(s, Variable)
    }
    return found - elsewhere - _valued(nodes)


def _valued(nodes: list[object]) -> set[Node]:
    """The variables a VALUES clause gives a literal."""
    rows = (r for n in nodes if _name(n) == "values" for r in get(n, "res") or ())  # type: ignore[attr-defined]
    return {var for row in rows for var, term in row.items() if isinstance(term, Literal)}


def _inside_exists(tree: object) -> bool:
    """Whether a spelling function is inside EXISTS or NOT EXISTS (any value may be read:
    its variables come from the row outside it as well as from its own patterns)."""
    inside = inside_exists(tree)
    return any(_name(n) in SPELLING_FUNCTIONS for n in walk(tree) if id(n) in inside)


def _sources(
    read: list[Variable],
    derived: dict[Node, set[Variable]],
    bound: list[tuple[Node, list[Node | None]]],
    nodes_only: set[Node],
) -> list[Node | None]:
    """The predicates behind each variable read, through BIND and aggregates (none for a
    variable only subjects bind)."""
    todo, seen, sources = list(read), set(), []
    while todo:
        var = todo.pop()
        if var in seen:
            continue
        seen.add(var)
        todo += derived.get(var, ())
        found = [steps for obj, steps in bound if obj == var]
        sources += [step for steps in found for step in steps]
        if not found and var not in derived and var not in nodes_only:
            sources.append(None)  # pre-bound, or bound where this does not look
    return sources


def _objects(
    node: object, listed: dict[Node, set[Node]]
) -> Iterator[tuple[Node, list[Node | None]]]:
    """Each triple pattern's object, with the predicates that may bind it; ``listed``: the
    variables an enclosing FILTER (?p IN (...)) restricts to IRIs (none across a subquery)."""
    name = _name(node)
    if name == "BGP":
        for _, p, o in get(node, "triples") or ():  # type: ignore[attr-defined]
            yield o, _last_steps(p, listed)
        return
    if name == "Project":
        listed = {}
    if name == "Filter":
        listed = {**listed, **_in_lists(get(node, "expr"))}
        yield from _objects(get(node, "p"), listed)
        yield from _objects(get(node, "expr"), {})
        return
    for child in children(node):
        yield from _objects(child, listed)


def _in_lists(expr: object) -> dict[Node, set[Node]]:
    """The variables ``expr`` requires to be one of listed IRIs: ``?p IN (...)``, alone or
    in a conjunction."""
    parts = [expr]
    if _name(expr) == "ConditionalAndExpression":
        parts = [get(expr, "expr"), *(get(expr, "other") or ())]  # type: ignore[misc]
    return dict(found for part in parts if (found := _listed_iris(part)) is not None)


def _listed_iris(part: object) -> tuple[Variable, set[Node]] | None:
    """``(?p, {iris})`` where ``part`` is ``?p IN (iris)``."""
    if _name(part) != "RelationalExpression" or get(part, "op") != "IN":
        return None
    var, other = get(part, "expr"), get(part, "other")
    listed = list(other) if isinstance(other, list) else []
    if isinstance(var, Variable) and listed and all(isinstance(x, URIRef) for x in listed):
        return var, set(listed)
    return None


def _last_steps(predicate: object, listed: dict[Node, set[Node]]) -> list[Node | None]:
    """The predicates whose objects a triple pattern's object may be: a path's last steps."""
    if isinstance(predicate, URIRef):
        return [predicate]
    if isinstance(predicate, Variable):
        return [*sorted(listed[predicate], key=str)] if predicate in listed else [None]
    if isinstance(predicate, SequencePath):
        return _last_steps(predicate.args[-1], listed)
    if isinstance(predicate, AlternativePath):
        return [step for arg in predicate.args for step in _last_steps(arg, listed)]
    if isinstance(predicate, InvPath):
        return _inverse_ends(predicate.arg, listed)
    return [None]  # repetition (zero steps end where they began), negation


def _inverse_ends(inverted: object, listed: dict[Node, set[Node]]) -> list[Node | None]:
    """:func:`_last_steps` of ``^inverted``: ^p ends at a subject, never a literal; ^^p is p;
    any other may end anywhere."""
    if isinstance(inverted, URIRef):
        return []
    if isinstance(inverted, InvPath):
        return _last_steps(inverted.arg, listed)
    return [None]


def _variables(node: object) -> list[Variable]:
    return [n for n in walk(node) if isinstance(n, Variable)]


def _name(node: object) -> str:
    return str(getattr(node, "name", "")) if isinstance(node, dict) else ""


def reads_spelling(tree: object) -> bool:
    """Whether a parsed query calls a function that reads spellings."""
    return any(_name(n) in SPELLING_FUNCTIONS for n in walk(tree))


def constants_written(tree: object, declared: Iterable[tuple[str, str]] = ()) -> Graph:
    """The typed literals a parsed query (``tree``: prologue and query) writes, each the
    object of a triple: :data:`MATCHES` where a triple pattern or sameTerm compares it with
    the data as a term, else :data:`WRITES`. Oxigraph reads each in its stored form:
    ``STR("1.10"^^xsd:decimal)`` is "1.1" there, and a pattern's "1.10" matches a value
    "1.100". ``declared``: the prefixes sh:prefixes gives the query."""
    nodes = list(walk(tree))
    prefixes = _prefixes(nodes, declared)
    terms = ("TriplesBlock", "Builtin_sameTerm")
    matched = {id(n) for c in nodes if _name(c) in terms for n in walk(c)}
    written = Graph()
    for node in nodes:
        literal = node if isinstance(node, Literal) else _typed(node, prefixes)
        if literal is not None and literal.datatype is not None:
            how = MATCHES if id(node) in matched else WRITES
            written.add((URIRef("urn:tkg:query"), how, literal))
    return written


def _prefixes(nodes: list[object], declared: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The prefixes a query may use: those sh:prefixes gives it, and its own PREFIX lines."""
    found = dict(declared)
    found |= {
        str(get(n, "prefix") or ""): str(get(n, "iri")) for n in nodes if _name(n) == "PrefixDecl"
    }
    return found


MATCHES = URIRef("urn:tkg:matches")
WRITES = URIRef("urn:tkg:writes")


def _typed(node: object, prefixes: dict[str, str]) -> Literal | None:
    """A ``"..."^^datatype`` literal of the parse tree, its prefixed datatype resolved."""
    if _name(node) != "literal" or get(node, "datatype") is None:
        return None
    datatype = get(node, "datatype")
    if _name(datatype) == "pname":
        prefix = prefixes.get(str(get(datatype, "prefix") or ""))
        datatype = (
            None if prefix is None else URIRef(prefix + str(get(datatype, "localname") or ""))
        )
    return (
        Literal(str(get(node, "string")), datatype=datatype)
        if isinstance(datatype, URIRef)
        else None
    )
