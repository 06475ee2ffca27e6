"""rdflib's SPARQL parse tree (pyparsing results, rdflib's ``CompValue`` dicts, lists), read
the same way wherever a decision is made on a parsed query: the public endpoint's check, the
SHACL-SPARQL constraints the fast engine can run, a query's projection.

>>> from rdflib.plugins.sparql.parser import parseQuery
>>> tree = parseQuery("SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }")
>>> any(getattr(node, "name", None) == "ServiceGraphPattern" for node in walk(tree))
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyparsing import ParseResults

_PARSER = threading.Lock()  # rdflib's pyparsing grammar is not safe to share between threads


def parse(text: str) -> ParseResults:
    """rdflib's parse tree of the query ``text``, one parse at a time in the process
    (pyparsing's and rdflib's own errors pass through)."""
    from rdflib.plugins.sparql.parser import parseQuery

    with _PARSER:
        return parseQuery(text)


def children(node: object) -> list[object]:
    """The parts of one node: a dict's values, a list's or parse result's items, else none."""
    from pyparsing import ParseResults

    if isinstance(node, dict):
        return list(dict.values(node))
    if isinstance(node, list | tuple | ParseResults):
        return list(node)
    return []


def walk(node: object) -> Iterator[object]:
    """Every node below ``node``, ``node`` included (iteratively: a deep tree is no
    recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def get(node: object, key: str) -> object:
    """``node[key]`` of a ``CompValue`` (or any dict), None if absent or not a dict: rdflib's
    own ``CompValue.get`` answers a missing key with the key itself."""
    return dict.get(node, key) if isinstance(node, dict) else None


def inside_exists(tree: object) -> set[int]:
    """The ids of the nodes inside an EXISTS or NOT EXISTS of ``tree`` (a parse tree: whose
    variables the outer row replaces by its terms, SPARQL 1.1 18.6)."""
    exists = ("Builtin_EXISTS", "Builtin_NOTEXISTS")
    return {id(p) for n in walk(tree) if getattr(n, "name", None) in exists for p in walk(n)}
