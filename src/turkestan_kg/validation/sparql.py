"""SPARQL-based constraints (SHACL 5): their queries checked, and how ``$this`` is pre-bound.

SHACL pre-binds ``$this`` to each focus node (5.2.1), and forbids the forms where pre-binding
is not defined: MINUS, SERVICE, VALUES, ``AS $this`` and subqueries that do not return
``$this``. Those are refused. The rest run one of two ways, :

- a join: when ``$this`` is bound by a triple pattern of the query's top group (or by a
  subquery there that is the same) and used nowhere a join would differ from pre-binding,
  the query, whole and unchanged, is a subquery joined with the focus nodes (the same rows,
  one query for all focus nodes);
- ``each``: otherwise once per focus node, ``$this`` (and ``$currentShape``) replaced in the
  query by the term, as SHACL defines pre-binding (:mod:`.prebind`).

>>> from rdflib import Graph, URIRef
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:S> sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> 1 }" ] .''')
>>> constraint = shapes.value(URIRef("urn:S"), SH.sparql)
>>> sparql_constraint(shapes, URIRef("urn:S"), constraint, "{ ?this ?p ?o }", None).mode
'join'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Variable
from rdflib.term import Node

from ..namespaces import OWL, SH
from ..sparql.tree import children, get, inside_exists, parse, walk
from .lexical import MATCHES, constants_written
from .literals import misreads
from .prebind import prebind
from .support import KNOWN as SHAPE_KEYS
from .support import ill_formed, refusal

KNOWN = SHAPE_KEYS | {SH.select}
"""What a SPARQL constraint may say (it may be a shape too: SHACL's own tests have one that is)."""
FORBIDDEN = {
    "MinusGraphPattern": "MINUS",
    "InlineData": "VALUES",
    "ValuesClause": "VALUES",  # (after a subquery's WHERE: its own node in rdflib's tree)
    "ServiceGraphPattern": "SERVICE",
}
"""Where SHACL leaves pre-binding undefined (5.2.1): refused."""
GROUPS = {"OptionalGraphPattern", "GroupOrUnionGraphPattern", "GroupGraphPatternSub"}
MAX_GROUPS = 100
"""Above this many groups Oxigraph's planner takes long: 100 OPTIONALs ran in 1.4 s on a
one-triple store, 300 in 50 s (measured); such a query is refused, not left to hang."""
THIS = Variable("this")
SHAPE = Variable("currentShape")
GRAPH = Variable("shapesGraph")
PREBOUND = {THIS, SHAPE, GRAPH}


@dataclass(frozen=True)
class Compiled:
    """A SPARQL-based constraint ready to run."""

    query: str  # the SELECT, as the shape wrote it ($PATH replaced)
    prologue: str  # PREFIX lines from sh:prefixes
    focus: str  # a query for the focus nodes, ?this (with "ask", and their values, ?value)
    mode: str  # "join", "each" or "ask"
    prebound: tuple[str, ...]  # the variables written in per focus node: this, and any of
    # currentShape, shapesGraph the query uses (with "ask": this, value)
    constants: tuple[Literal, ...] = ()  # the typed literals it writes (lexical.py)


def sparql_constraint(
    shapes: Graph,
    shape: Node,
    constraint: Node,
    focus: str,
    path: str | None,
    *,
    named: bool = False,
) -> Compiled:
    """The check of one SPARQL-based constraint on ``shape``'s focus nodes (``focus``, a
    group pattern on ?this; ``named``: some are sh:targetNode nodes, which may be absent
    from the data); ``path``: a property shape's path, for ``$PATH``."""
    unknown = {
        k for k in shapes.predicates(constraint) if str(k).startswith(str(SH)) and k not in KNOWN
    }
    select = shapes.value(constraint, SH.select)
    if unknown or select is None:
        keys = sorted(k.n3() for k in unknown) or ["no sh:select"]
        raise refusal(shapes, shape, f"a SPARQL constraint with {', '.join(keys)}")
    return compile_select(shapes, shape, str(select), constraint, focus, path, named=named)


def _prologue(declared: list[tuple[str, str]]) -> str:
    """The PREFIX lines of the (prefix, namespace) pairs sh:prefixes declares."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared)


def compile_select(
    shapes: Graph,
    shape: Node,
    select: str,
    owner: Node,
    focus: str,
    path: str | None,
    *,
    named: bool = False,
) -> Compiled:
    """A SELECT whose rows are results, checked and set to pre-bind ``$this`` (``owner``:
    the node whose sh:prefixes it uses; ``named``: as for :func:`sparql_constraint`). The
    text is parsed once, without the prologue (rdflib's parser leaves prefixed names
    unresolved), which the checks need not read."""
    if path is not None:  # SHACL 6.3: $PATH is replaced by the path, token by token
        select = prebind(select, {"PATH": path})
    declared = list(declarations(shapes, owner))
    prologue, query, constants = _checked(shapes, shape, select, "SelectQuery", declared, named)
    variables = {n for n in walk(query) if isinstance(n, Variable)}
    _check_prebound(shapes, shape, variables, path)
    focus_query = f"SELECT DISTINCT ?this WHERE {{ {focus} }}"
    lines = _prologue(declared)
    if _joinable(query) and not children(prologue) and get(query, "datasetClause") is None:
        joined = f"SELECT * WHERE {{ {{ {focus_query} }} {{ {select} }} }}"  # a whole subquery
        return Compiled(joined, lines, focus_query, "join", (), constants)
    prebound = ("this", *(str(v) for v in (SHAPE, GRAPH) if v in variables))
    return Compiled(select, lines, focus_query, "each", prebound, constants)


def _check_prebound(shapes: Graph, shape: Node, variables: set[Variable], path: str | None) -> None:
    """Refuse the pre-bound variables the engine cannot write into a query's text here."""
    if path is None and Variable("PATH") in variables:
        raise refusal(shapes, shape, "$PATH in a SPARQL query of a node shape")
    if SHAPE in variables and isinstance(shape, BNode):
        raise refusal(shapes, shape, "$currentShape in a shape that is a blank node")


def _joinable(query: object) -> bool:
    """Whether joining the query's rows with the focus nodes gives what pre-binding gives:
    no ``$currentShape`` or ``$shapesGraph``, and the query's group :func:`binds_this`.
    Anything else runs per focus node, where ``$this`` is written in."""
    if any(n in (SHAPE, GRAPH) for n in walk(query)):
        return False
    return _binds_this(query, top=True)


def _binds_this(select: object, *, top: bool = False) -> bool:
    """Whether every row of the (sub)query binds ``$this``, whatever the focus node, and
    nothing in it would differ had ``$this`` been pre-bound: it is bound by a triple pattern
    of the top group, or by a subquery there that is the same, and appears, in that group,
    only in triple patterns, filters (which see it bound) and such subqueries; no LIMIT or
    OFFSET (which count rows per focus node), and no grouping or aggregate, but in the
    outermost query a GROUP BY that holds ``$this`` (whose groups are then one focus node's
    rows, as pre-binding makes them)."""
    if get(select, "limitoffset") is not None:
        return False
    if _grouped(select) and not (top and _groups_by_this(select)):
        return False
    roles = [_role(p) for p in _top_parts(select) if _mentions_this(p)]
    return "binds" in roles and "other" not in roles


def _mentions_this(part: object) -> bool:
    return any(n == THIS for n in walk(part))


def _role(part: object) -> str:
    """What a part of a group that mentions ``$this`` does with it, each part judged once:
    "binds" it in every row (a triple pattern, or a subquery that :func:`_binds_this`),
    "sees" it as pre-binding would once bound (a filter, but not EXISTS over a subquery,
    where engines differ on what reaches inside), or "other" (an OPTIONAL, a BIND, a
    UNION...: a join would differ)."""
    name = getattr(part, "name", None)
    if name == "TriplesBlock":
        return "binds"
    if name == "Filter":
        return "other" if _selects(part) else "sees"
    query = _subquery(part)
    return "binds" if query is not None and _binds_this(query) else "other"


def _groups_by_this(select: object) -> bool:
    return any(n == THIS for n in walk(get(select, "groupby")))


def _grouped(select: object) -> bool:
    """Whether the (sub)query groups or aggregates its rows."""
    if get(select, "groupby") is not None or get(select, "having") is not None:
        return True
    return any(_aggregate(n) for n in walk(get(select, "projection")))


def _subquery(part: object) -> object | None:
    """The subquery a top-group part is (``{ SELECT ... }``), else None."""
    if getattr(part, "name", None) != "GroupOrUnionGraphPattern":
        return None
    branches = children(get(part, "graph"))
    if len(branches) == 1 and getattr(branches[0], "name", None) == "SubSelect":
        return branches[0]
    return None


def _selects(part: object) -> bool:
    return any(getattr(n, "name", None) == "SubSelect" for n in walk(part))


def _aggregate(node: object) -> bool:
    return str(getattr(node, "name", "")).startswith("Aggregate_")


def _top_parts(query: object) -> list[object]:
    """The parts of the query's top group: triple blocks, filters, OPTIONALs, BINDs..."""
    where = get(query, "where")
    return children(get(where, "part")) or children(where)


def compile_ask(
    shapes: Graph, shape: Node, ask: str, owner: Node, values: str, *, named: bool = False
) -> Compiled:
    """An ASK validator (SHACL 6.3): run for each (``$this``, ``$value``) row of ``values``,
    a result where it answers false."""
    declared = list(declarations(shapes, owner))
    constants = _checked(shapes, shape, ask, "AskQuery", declared, named)[2]
    return Compiled(ask, _prologue(declared), values, "ask", ("this", "value"), constants)


def _checked(
    shapes: Graph,
    shape: Node,
    text: str,
    kind: str,
    declared: list[tuple[str, str]],
    named: bool = False,
) -> tuple[object, object, tuple[Literal, ...]]:
    """(the prologue, the query, its typed literals) of a parsed query, refused if SHACL
    forbids its form, it
    uses a prefix neither it nor sh:prefixes (``declared``) declares, or it has a path that
    may be of length zero from a term the data may lack (:func:`_zero_length_risk`;
    ``named``: the focus nodes are sh:targetNode nodes)."""
    prologue, query = _parse(shapes, shape, text, kind)
    problem = undeclared((prologue, query), {p for p, _ in declared}) or forbidden(query)
    if problem:
        raise refusal(shapes, shape, f"{problem} in a SPARQL constraint")
    if _zero_length_risk(query, named):
        raise refusal(shapes, shape, ZERO_LENGTH)
    constants = constants_written((prologue, query), declared)
    if misread := misreads(query, constants):
        raise refusal(shapes, shape, misread)
    matched = constants.objects(None, MATCHES)  # compared with the data as terms
    return prologue, query, tuple(o for o in matched if isinstance(o, Literal))


ZERO_LENGTH = (
    "a path with * or ? from a term that may be absent from the data (a constant, "
    "$currentShape, $this or $value on sh:targetNode focus nodes) or inside EXISTS or GRAPH, "
    "in a SPARQL query: SPARQL matches such a path of length zero from any term, Oxigraph "
    "only from a node of the graph, so the check would misjudge it"
)


def _zero_length_risk(query: object, named: bool) -> bool:
    """Whether a path that may be of length zero (written with ``*`` or ``?``) has an end
    that Oxigraph judges unlike SPARQL 1.1 (18.5): a term that may be absent from the data
    (a constant; a pre-bound ``$currentShape``; ``$this`` and ``$value`` where focus nodes
    are ``named`` by sh:targetNode), any end inside EXISTS (whose variables the outer row
    replaces by its terms, 18.6) or inside GRAPH (whose graph is not the data). A variable
    bound by the query elsewhere, or ``$this`` on other targets, is a node of the data."""
    risky = {SHAPE, GRAPH, *((THIS, Variable("value")) if named else ())}
    inside_graph = any(getattr(n, "name", None) == "GraphGraphPattern" for n in walk(query))
    substituted = inside_exists(query)
    for block, path, ends in _paths(query):
        if _nullable(path) and (
            inside_graph
            or id(block) in substituted
            or any(not isinstance(e, Variable) or e in risky for e in ends)
        ):
            return True
    return False


def _nullable(path: object) -> bool:
    """Whether a path has a step written with ``*`` or ``?`` (it may be of length zero)."""
    return any(get(n, "mod") in ("*", "?") for n in walk(path))


def _paths(query: object) -> Iterator[tuple[object, object, tuple[object, object]]]:
    """Each triple pattern's block, predicate (a path) and two ends (rdflib's parser lists a
    block's triples flat: subject, predicate, object, subject...)."""
    for block in walk(query):
        if getattr(block, "name", None) != "TriplesBlock":
            continue
        for triples in children(get(block, "triples")):
            items = children(triples)
            for s, p, o in zip(items[0::3], items[1::3], items[2::3], strict=False):
                yield block, p, (s, o)


def _parse(shapes: Graph, shape: Node, text: str, kind: str) -> tuple[object, object]:
    from pyparsing import ParseException

    try:
        tree = parse(text)
    except ParseException as err:
        raise ill_formed(shapes, shape, f"a SPARQL query that does not parse ({err.msg})") from None
    except RecursionError:
        raise ill_formed(shapes, shape, "a SPARQL query nested too deeply to read") from None
    groups = sum(getattr(n, "name", None) in GROUPS for n in walk(tree))
    if groups > MAX_GROUPS:
        raise refusal(shapes, shape, f"a SPARQL query of {groups} OPTIONAL, UNION or nested groups")
    if getattr(tree[1], "name", None) != kind:
        raise refusal(shapes, shape, f"a SPARQL query that is not {kind.removesuffix('Query')}")
    if kind == "SelectQuery" and not _projects_this(tree[1]):
        raise refusal(shapes, shape, "a SPARQL constraint whose SELECT does not return $this")
    return tree[0], tree[1]


def declarations(shapes: Graph, constraint: Node) -> Iterator[tuple[str, str]]:
    """The (prefix, namespace) pairs sh:prefixes declares, following owl:imports."""
    todo, seen = list(shapes.objects(constraint, SH.prefixes)), set()
    while todo:
        owner = todo.pop()
        if owner in seen:
            continue
        seen.add(owner)
        todo += shapes.objects(owner, OWL.imports)
        for decl in shapes.objects(owner, SH.declare):
            yield str(shapes.value(decl, SH.prefix)), str(shapes.value(decl, SH.namespace))


def undeclared(tree: object, given: set[str]) -> str:
    """The prefixes a parsed query uses but neither it nor ``given`` declares ("" if none)."""
    used: set[str] = set()
    declared: set[str] = set(given)
    for node in walk(tree):
        label = getattr(node, "name", None)
        if label in ("pname", "PrefixDecl"):
            (used if label == "pname" else declared).add(str(get(node, "prefix") or ""))
    missing = sorted(used - declared)
    return f"the undeclared prefixes {', '.join(p + ':' for p in missing)}" if missing else ""


def forbidden(query: object) -> str:
    """A form SHACL forbids in a query with pre-bound variables ("" if none)."""
    for node in walk(query):
        problem = _forbidden_node(node)
        if problem:
            return problem
    return "VALUES" if get(query, "valuesClause") is not None else ""


def _forbidden_node(node: object) -> str:
    label = getattr(node, "name", None)
    if isinstance(label, str) and label in FORBIDDEN:
        return FORBIDDEN[label]
    if label == "SubSelect" and not _projects_this(node):
        return "a subquery that does not return $this"
    if get(node, "evar") in PREBOUND or (label == "Bind" and get(node, "var") in PREBOUND):
        return "a pre-bound variable assigned with AS"
    return ""


def _projects_this(select: object) -> bool:
    return _projects(select, THIS)


def _projects(select: object, var: Variable) -> bool:
    projection = get(select, "projection")
    if projection is None:  # SELECT *: the variables in scope, bound by a triple pattern
        blocks = (
            n for n in walk(get(select, "where")) if getattr(n, "name", None) == "TriplesBlock"
        )
        return any(n == var for block in blocks for n in walk(block))
    return any(get(item, "var") == var or get(item, "evar") == var for item in children(projection))
