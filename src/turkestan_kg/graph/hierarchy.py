"""Class hierarchies from direct ``rdfs:subClassOf`` statements: for each class, every class
reachable from it at any level, computed here once rather than by a transitive path in each
query (some stores evaluate those wrongly; see docs/stores.md).

>>> reach = transitive({"party": {"organization"}, "organization": {"agent"}})
>>> sorted(reach["party"]), sorted(reach["organization"])
(['agent', 'organization'], ['agent'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def transitive(edges: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """For each node with edges, every node reachable from it (cycles are harmless)."""
    return {start: _reachable(start, edges) for start in edges}


def _reachable(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    found: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(edges.get(current, ()))
    return found
