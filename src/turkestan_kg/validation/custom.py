"""SPARQL-based constraint components (SHACL 6): components a shapes graph declares itself.

A component lists its parameters (``sh:parameter``, each with a ``sh:path``) and validators:
``sh:nodeValidator`` and ``sh:propertyValidator`` (SELECT queries whose rows are results)
and ``sh:validator`` (an ASK query, false for a value node that fails). A shape that has a
value for every mandatory parameter uses the component: the parameters' values are
pre-bound in the validator's text (:mod:`.prebind`) and the query then runs as a
SPARQL-based constraint does (:mod:`.sparql`).

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <urn:C> a sh:ConstraintComponent ; sh:parameter [ sh:path <urn:max> ] ;
...   sh:validator [ sh:ask "ASK { FILTER (STRLEN(?value) <= $max) }" ] .
... <urn:S> <urn:max> 3 .''')
>>> [c.component for c in used(shapes, URIRef("urn:S"))]
[rdflib.term.URIRef('urn:C')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import RDF, RDFS, SH
from .prebind import prebind
from .sparql import Compiled, compile_ask, compile_select
from .support import refusal
from .terms import is_true


@dataclass(frozen=True)
class Use:
    """One use of a component by a shape: the component and its parameters' values."""

    component: Node
    values: dict[str, Node]


def components(shapes: Graph) -> list[Node]:
    """The shapes graph's constraint components: SHACL instances of sh:ConstraintComponent."""
    kinds: set[Node] = {SH.ConstraintComponent}
    todo: list[Node] = [SH.ConstraintComponent]
    while todo:
        for sub in shapes.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in kinds:
                kinds.add(sub)
                todo.append(sub)
    return sorted({c for k in kinds for c in shapes.subjects(RDF.type, k)}, key=str)


def parameters(shapes: Graph, component: Node) -> dict[Node, bool]:
    """Each parameter's path, and whether it is optional."""
    return {
        path: is_true(shapes.value(decl, SH.optional))
        for decl in shapes.objects(component, SH.parameter)
        if (path := shapes.value(decl, SH.path)) is not None
    }


def used(shapes: Graph, shape: Node) -> Iterator[Use]:
    """The components ``shape`` uses: it has a value for each mandatory parameter."""
    for component in components(shapes):
        params = parameters(shapes, component)
        if not any(not optional for optional in params.values()):
            continue
        values: dict[str, Node] = {}
        for path, optional in params.items():
            found = list(shapes.objects(shape, path))
            if len(found) > 1:
                raise refusal(shapes, shape, f"more than one value for the parameter {path.n3()}")
            if found:
                values[_local(path)] = found[0]
            elif not optional:
                break
        else:
            yield Use(component, values)


def _local(path: Node) -> str:
    """A parameter's variable name: the local name of its path (SHACL 6.2.1)."""
    text = str(path)
    return text[max(text.rfind("#"), text.rfind("/"), text.rfind(":")) + 1 :]


def compile_use(
    shapes: Graph,
    shape: Node,
    use: Use,
    focus: str,
    path: str | None,
    values: str,
    *,
    named: bool = False,
) -> tuple[Compiled, Literal | None]:
    """The check of one use of a component, and the message its validator gives. ``values``
    binds ?value to each value node of ?this (for an ASK validator); ``named``: as for
    :func:`.sparql.sparql_constraint`."""
    for value in use.values.values():
        if not isinstance(value, URIRef | Literal):
            raise refusal(shapes, shape, "a blank node as the value of a component's parameter")
    kind = SH.propertyValidator if path is not None else SH.nodeValidator
    validator = shapes.value(use.component, kind)
    if validator is not None and shapes.value(validator, SH.select) is not None:
        text = prebind(str(shapes.value(validator, SH.select)), use.values)
        compiled = compile_select(shapes, shape, text, validator, focus, path, named=named)
        return compiled, _message(shapes, validator, use)
    validator = shapes.value(use.component, SH.validator)
    if validator is None or shapes.value(validator, SH.ask) is None:
        raise refusal(
            shapes, shape, f"the component {use.component.n3()}, with no validator for it"
        )
    text = prebind(str(shapes.value(validator, SH.ask)), use.values)
    pairs = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} }}"
    compiled = compile_ask(shapes, shape, text, validator, pairs, named=named)
    return compiled, _message(shapes, validator, use)


def _message(shapes: Graph, validator: Node, use: Use) -> Literal | None:
    message = shapes.value(validator, SH.message) or shapes.value(use.component, SH.message)
    return message if isinstance(message, Literal) else None
