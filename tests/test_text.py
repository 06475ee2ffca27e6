"""SPARQL and TriG text read and written by parsers and serializers: a keyword in a comment,
a string, an IRI or a subquery, or a literal line that starts with ``@prefix``, changes
nothing."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyparsing import ParserElement
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import parser as sparql

from compare import assert_same
from turkestan_kg.errors import QueryError
from turkestan_kg.formats import FORMATS
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import GRAPH, SKOS, TKG
from turkestan_kg.publish.rdf import Canonical, canonical_nquads, from_canonical, serialize, trig
from turkestan_kg.sparql.catalogue import StoredQuery, stored_queries
from turkestan_kg.sparql.engines import OxigraphEngine
from turkestan_kg.sparql.results import QueryResult
from turkestan_kg.sparql.text import _grammar, outline, paged, query_form, with_values

PARTY = URIRef("https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan")
PARAMETERISED = sorted((q for q in stored_queries().values() if q.params), key=lambda q: q.name)


@pytest.fixture(scope="module")
def engine(kg: KnowledgeGraph) -> OxigraphEngine:
    return OxigraphEngine(kg)


def entities(result: QueryResult) -> set[object]:
    return {row["entity"] for row in result.rows}


# ----------------------------------------------------------------------- with_values


LABELS = """#+ summary: The labels of one entity
#+ params:
#+   entity: {type: iri}
# Bound as if it read: SELECT ?label WHERE { VALUES ?entity { <x> } ?entity ?p ?label }
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?entity ?label ("WHERE { not here }" AS ?note) WHERE {
  ?entity skos:prefLabel ?label .
}
"""


def test_a_where_in_a_comment_or_string_does_not_take_the_values(engine: OxigraphEngine) -> None:
    everyone = engine.run(LABELS, {})
    assert len(entities(everyone)) > 1
    bound = engine.run(with_values(LABELS, {"entity": PARTY}), {})
    assert entities(bound) == {PARTY}
    comment = LABELS.splitlines()[3]
    assert with_values(LABELS, {"entity": PARTY}).splitlines()[3] == comment


def test_values_open_the_outermost_group_so_filters_see_them() -> None:
    text = "SELECT * { { SELECT ?s { ?s ?p ?o } } FILTER (?y > 1) }"
    bound = with_values(text, {"y": Literal(2)})
    assert bound.startswith("SELECT * { VALUES (?y) { (")
    assert bound.endswith("{ SELECT ?s { ?s ?p ?o } } FILTER (?y > 1) }")


def test_values_in_every_form() -> None:
    term = {"s": PARTY}
    for text in ("ASK { ?s ?p ?o }", "DESCRIBE ?s WHERE { ?s ?p ?o }", "CONSTRUCT {} { ?s ?p ?o }"):
        assert f"{{ VALUES (?s) {{ ({PARTY.n3()}) }}  ?s ?p ?o }}" in with_values(text, term)
    with pytest.raises(QueryError, match="CONSTRUCT WHERE") as info:
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", term)
    assert info.value.hint and "CONSTRUCT { ... } WHERE" in info.value.hint
    with pytest.raises(QueryError, match="needs a WHERE group"):
        with_values(f"DESCRIBE {PARTY.n3()}", term)
    assert with_values("not SPARQL at all", {}) == "not SPARQL at all"
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        with_values("ASK { ?s ?p ?o }", {"s) { (1) } } #": PARTY})


def test_tabs_are_kept_and_counted() -> None:
    text = "\t# WHERE {\nSELECT\t*\tWHERE\t{\t?s ?p ?o }\tORDER BY ?s"
    assert with_values(text, {"s": PARTY}) == (
        f"\t# WHERE {{\nSELECT\t*\tWHERE\t{{ VALUES (?s) {{ ({PARTY.n3()}) }} \t?s ?p ?o }}"
        "\tORDER BY ?s"
    )
    assert paged(text, 1, 2, keep_order=False).endswith("?o }\t\nLIMIT 2 OFFSET 0\n")


def test_unicode_escapes_keep_the_text_and_the_offsets() -> None:
    text = "PREFIX x: <http://example.org/\\u0041> SELECT * { ?s ?p 'caf\\u00E9' } ORDER BY ?s"
    assert with_values(text, {"s": PARTY}).endswith(
        f"{{ VALUES (?s) {{ ({PARTY.n3()}) }}  ?s ?p 'caf\\u00E9' }} ORDER BY ?s"
    )
    assert paged(text, 1, 3, keep_order=False).endswith("'caf\\u00E9' } \nLIMIT 3 OFFSET 0\n")


# ----------------------------------------------------------------------- paged


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("SELECT ?s { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 3 } }", "ORDER BY ?s LIMIT 3 }"),
        ("SELECT ?s { ?s ?p 'ORDER BY ?s LIMIT 1' }", "'ORDER BY ?s LIMIT 1'"),
        ("SELECT ?s { ?s ?p ?o } # ORDER BY ?s LIMIT 1", "# ORDER BY ?s LIMIT 1"),
        ("PREFIX x: <http://example.org/limit#order> SELECT ?s { ?s x:p ?o }", "limit#order"),
    ],
    ids=["subquery", "string", "comment", "iri"],
)
def test_a_limit_or_order_not_outermost_is_kept(text: str, kept: str) -> None:
    for keep_order in (True, False):
        cut = paged(text, 2, 10, keep_order=keep_order)
        assert kept in cut and cut.endswith("\nLIMIT 10 OFFSET 10\n")


def test_the_outermost_order_by_alone_is_dropped() -> None:
    text = "SELECT ?s { ?s ?p ?o } ORDER BY DESC(?s) # newest first\nVALUES ?s { <urn:a> }"
    assert paged(text, 1, 5, keep_order=True) == (
        "SELECT ?s { ?s ?p ?o } ORDER BY DESC(?s) # newest first\n"
        "\nLIMIT 5 OFFSET 0\nVALUES ?s { <urn:a> }"
    )
    assert paged(text, 1, 5, keep_order=False) == (
        "SELECT ?s { ?s ?p ?o }  # newest first\n\nLIMIT 5 OFFSET 0\nVALUES ?s { <urn:a> }"
    )
    for own in ("SELECT * { ?s ?p ?o } OFFSET 3", "SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 3"):
        with pytest.raises(QueryError, match="own LIMIT"):
            paged(own, 1, 5, keep_order=True)


def test_a_paged_query_runs_to_the_same_rows(engine: OxigraphEngine) -> None:
    text = "SELECT ?s ?l { { SELECT ?s { ?s a ?t } ORDER BY ?s LIMIT 40 } ?s ?p ?l } ORDER BY ?s ?l"
    whole = engine.run(text, {}).rows
    assert len(whole) > 6
    assert engine.run(paged(text, 2, 3, keep_order=True), {}).rows == whole[3:6]


# ----------------------------------------------------------------------- query_form


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("# SELECT\nASK { ?s ?p 'CONSTRUCT' }", "ASK"),
        ("PREFIX select: <http://example.org/ask#construct>\nDESCRIBE select:x", "DESCRIBE"),
        (
            "BASE <http://example.org/SELECT/> CONSTRUCT { ?s ?p '''ASK\nDESCRIBE''' } {}",
            "CONSTRUCT",
        ),
        ("select ?ask WHERE { ?ask <http://example.org/construct> 'DESCRIBE' }", "SELECT"),
    ],
    ids=["comment", "iri", "long-string", "lower-case"],
)
def test_query_form_reads_the_parse(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("SELECT * WHERE {\n  ?s ?p\n}", 2, 3),
        ("# SELECT\nINSERT DATA { <a> <b> <c> }", 2, 1),
        ("SELECT ('\\u00e9' AS ?x) {} GARBAGE", 1, 28),
    ],
)
def test_syntax_errors_are_one_line_with_a_place(text: str, line: int, column: int) -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error") as info:
        query_form(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert "\n" not in str(info.value) and len(str(info.value)) < 160


def test_a_parse_is_cached_and_rdflib_grammar_left_alone() -> None:
    text = "SELECT * { ?s ?p ?o }"
    assert outline(text) is outline(text)
    before = fingerprint()
    _grammar.__wrapped__().parse_string("ASK { ?s ?p ?o } # built again", parse_all=True)
    with_values("ASK { ?s ?p ?o } # and bound", {"s": PARTY})
    assert fingerprint() == before


def fingerprint() -> dict[str, tuple[object, ...]]:
    """How rdflib's grammar elements are wired: what they ignore, hold and name."""
    elements = {k: v for k, v in vars(sparql).items() if isinstance(v, ParserElement)}
    return {
        name: (
            tuple(map(id, element.ignoreExprs)),
            tuple(map(id, getattr(element, "exprs", []))),
            id(getattr(element, "expr", None)),
            element.resultsName,
            element.keepTabs,
            len(element.parseAction),
        )
        for name, element in elements.items()
    }


def test_the_text_module_imports_no_parser() -> None:
    code = "import sys, turkestan_kg.sparql.text; print('rdflib' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False"]


# ----------------------------------------------------------------------- noise


COMMENT_ENDS = "\n\r\\"
"""Left out of random comments: a line break ends one (Oxigraph also ends it at a carriage
return, rdflib's grammar does not), and rdflib expands a \\u escape before it parses, even in
a comment, where \\u000A would end it."""
NOISE = st.lists(
    st.one_of(
        st.text(" \t\n", min_size=1, max_size=4),
        st.builds(
            "#{}{}\n".format,
            st.sampled_from(["WHERE {", "} ORDER BY ?x", "LIMIT 1", "SELECT", "'", '"""', "<"]),
            st.text(st.characters(codec="utf-8", exclude_characters=COMMENT_ENDS), max_size=12),
        ),
    ),
    min_size=1,
    max_size=6,
)


def with_noise(text: str, noise: list[str], where: list[int]) -> str:
    """``text`` with each piece of noise at the start of a line (between tokens: no stored
    query has a multi-line string)."""
    lines = text.splitlines(keepends=True)
    for piece, at in zip(noise, where, strict=False):
        index = at % (len(lines) + 1)
        lines.insert(index, piece)
    return "".join(lines)


@pytest.mark.parametrize("query", PARAMETERISED, ids=lambda q: q.name)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noise=NOISE, where=st.lists(st.integers(0, 10**6), min_size=6, max_size=6))
def test_comments_and_whitespace_never_change_a_bound_answer_or_page(
    engine: OxigraphEngine, query: StoredQuery, noise: list[str], where: list[int]
) -> None:
    assert '"""' not in query.text and "'''" not in query.text
    bindings = query.bindings(query.examples())
    expected = engine.run(with_values(query.text, bindings), {})
    noisy = with_noise(query.text, noise, where)
    assert_same(engine.run(with_values(noisy, bindings), {}), expected)
    assert query_form(noisy) == query_form(query.text)
    if query_form(noisy) == "SELECT":
        first = engine.run(with_values(paged(query.text, 1, 3, keep_order=True), bindings), {})
        page = engine.run(with_values(paged(noisy, 1, 3, keep_order=True), bindings), {})
        assert page.rows == first.rows


# ----------------------------------------------------------------------- TriG


def multi_line_dataset() -> Dataset:
    dataset = Dataset()
    note = Literal("first line\n@prefix tkg: <http://example.org/> .\n@prefix", lang="uz-Latn")
    dataset.graph(GRAPH.notes).add((TKG.x, SKOS.note, note))
    dataset.graph(GRAPH.notes).add((TKG.x, SKOS.related, BNode("b0")))
    dataset.graph(GRAPH.other).add((BNode("b0"), SKOS.note, Literal("@prefix\n@base <x>")))
    dataset.add((TKG.y, SKOS.note, Literal("in the default graph\n@prefix")))
    return dataset


def assert_same_dataset(actual: Dataset, expected: Dataset) -> None:
    """Graph by graph (rdflib compares language tags case by case), and whole (blank nodes
    shared across graphs stay shared)."""
    names = {g.identifier for g in [*actual.graphs(), *expected.graphs()] if len(g)}
    for name in names:
        assert isomorphic(actual.graph(name), expected.graph(name)), name
    assert canonical_nquads(actual) == canonical_nquads(expected)


def test_a_literal_line_starting_with_prefix_survives_trig() -> None:
    dataset = multi_line_dataset()
    text = trig(dataset)
    assert_same_dataset(Dataset().parse(data=text, format="trig"), dataset)
    parsed = ox.Dataset(ox.parse(text, format=ox.RdfFormat.TRIG))
    assert len(parsed) == len(list(dataset.quads((None, None, None, None)))) == 4
    assert trig(multi_line_dataset()) == text


def test_the_data_round_trips_between_nquads_and_trig(kg: KnowledgeGraph) -> None:
    canonical = Canonical(kg)
    text = serialize(kg, FORMATS["trig"], canonical)
    assert_same_dataset(Dataset().parse(data=text, format="trig"), from_canonical(canonical.quads))
    assert serialize(kg, FORMATS["trig"], canonical) == text
    assert b"graph:infobox {" in text and b"@uz-Latn" in text
