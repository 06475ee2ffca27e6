"""Pre-binding $this in a query's text: token by token, never inside strings, IRIs, comments
or prefixed names, and always to a query that parses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from turkestan_kg.validation.prebind import prebind

A = URIRef("http://e/a")


@pytest.mark.parametrize(
    "query, expected",
    [
        ('SELECT $this WHERE { ?x ?p "$this" }', 'SELECT (<http://e/a> AS ?prebound0) WHERE { ?x ?p "$this" }'),
        ("SELECT $this WHERE { ?x <urn:$this> ?this }", "SELECT (<http://e/a> AS ?prebound0) WHERE { ?x <urn:$this> <http://e/a> }"),
        ("SELECT $this WHERE { # $this\n ?x ?p $this }", "SELECT (<http://e/a> AS ?prebound0) WHERE { # $this\n ?x ?p <http://e/a> }"),
        ("SELECT $this WHERE { ?x ?p ?thisToo }", "SELECT (<http://e/a> AS ?prebound0) WHERE { ?x ?p ?thisToo }"),
        ("SELECT $this WHERE { ?x ?p ?o FILTER (bound($this)) }", "SELECT (<http://e/a> AS ?prebound0) WHERE { ?x ?p ?o FILTER (COALESCE(true)) }"),
        ("SELECT (COUNT(*) AS ?n) WHERE { $this ?p ?o } GROUP BY $this", "SELECT (COUNT(*) AS ?n) WHERE { <http://e/a> ?p ?o } GROUP BY (<http://e/a>)"),
        ("select $this where { ?x ex:select $this }", "select (<http://e/a> AS ?prebound0) where { ?x ex:select <http://e/a> }"),
    ],
)  # fmt: skip
def test_only_the_variable_is_replaced(query: str, expected: str) -> None:
    assert prebind(query, {"this": A}) == expected


def test_a_blank_node_cannot_be_written_into_a_query() -> None:
    with pytest.raises(ValueError, match="only an IRI or a literal"):
        prebind("SELECT $this WHERE {}", {"this": BNode()})


pieces = st.sampled_from(
    ["?x ?p $this .", '?x ?p "$this ?this" .', "# $this }\n", "FILTER (bound(?this))",
     "{ SELECT $this WHERE { $this ?q ?o } }", "BIND (STR($this) AS ?s)", "?x <urn:a?this> ?o .",
     "OPTIONAL { $this ?r ?v }", 'FILTER (?x != "}")']
)  # fmt: skip
terms = st.sampled_from([A, Literal('it\'s "quoted" {}'), Literal(3), Literal("x", lang="en")])


@given(st.lists(pieces, min_size=1, max_size=6), terms)
def test_the_rewritten_query_parses_and_keeps_strings(parts: list[str], term: Node) -> None:
    query = "SELECT $this ?x WHERE { " + " ".join(parts) + " } ORDER BY $this"
    rewritten = prebind(query, {"this": term})
    parseQuery(rewritten)
    assert rewritten.count('"$this ?this"') == query.count('"$this ?this"')
    assert rewritten.count("# $this") == query.count("# $this")
    assert "$this" not in rewritten.replace('"$this ?this"', "").replace("# $this", "")
