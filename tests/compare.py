"""Comparing query results the way the specs mean them, not as serialized text."""

from __future__ import annotations

from rdflib.compare import isomorphic

from turkestan_kg.namespaces import SH
from turkestan_kg.sparql.results import QueryResult

RESULT_KEYS = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)
"""What identifies a SHACL validation result, as the W3C test suite compares reports."""


def assert_same(actual: QueryResult, expected: QueryResult) -> None:
    """SELECT results as multisets, ASK by value, graphs by isomorphism."""
    assert actual.kind == expected.kind
    if actual.kind == "graph":
        assert actual.graph is not None and expected.graph is not None
        assert isomorphic(actual.graph, expected.graph)
    elif actual.kind == "ask":
        assert actual.boolean == expected.boolean
    else:
        assert set(actual.variables) == set(expected.variables)
        assert actual.multiset() == expected.multiset()
