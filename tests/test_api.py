"""The Python API: one return type per query form, named or written out; typed years; the
project's CURIEs wherever an IRI goes; the project's prefixes predeclared on every engine."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

import turkestan_kg
from servers import oxigraph_server
from turkestan_kg import KnowledgeGraph, QueryError, answer, ask, construct, select
from turkestan_kg.cli import main
from turkestan_kg.namespaces import XSD
from turkestan_kg.sparql.results import YearMonth, to_python
from turkestan_kg.sparql.run import execute

RISQULOV = "https://w3id.org/turkestan-kg/person/turar-risqulov"
PERSONS = "SELECT ?name WHERE { ?p a foaf:Person ; skos:prefLabel ?name } ORDER BY ?name"


def test_construct_by_name_gives_the_graph(kg: KnowledgeGraph) -> None:
    graph = kg.query("describe-entity", entity="person:turar-risqulov")
    assert isinstance(graph, Graph) and (URIRef(RISQULOV), None, None) in graph
    assert isomorphic_sizes(graph, construct(kg, "describe-entity", entity=RISQULOV))


def isomorphic_sizes(a: Graph, b: Graph) -> bool:
    return len(a) == len(b) > 0


def test_one_return_type_per_form_named_or_written(kg: KnowledgeGraph) -> None:
    leaders = select(kg, "leaders-in-year", year=1921)
    assert [r["leaderLabel"] for r in leaders] == ["Abdullo Rakhimbayev", "Nazir Turiakylov"]
    assert ask(kg, "ASK { ?s a foaf:Person }") is True
    assert answer(kg, "ASK { ?s a foaf:Nothing }") is False
    assert isinstance(construct(kg, "CONSTRUCT WHERE { ?s a foaf:Person }"), Graph)
    rows = select(kg, PERSONS)
    assert [r["name"] for r in rows][:2] == ["Abdullo Rakhimbayev", "Ferdinand Svetlov"]


@pytest.mark.parametrize(
    ("call", "query", "hint"),
    [
        (turkestan_kg.run_query, "describe-entity", "construct()"),
        (select, "ASK { ?s ?p ?o }", "ask()"),
        (ask, "tenures", "select() or run_query()"),
    ],
)
def test_the_wrong_function_for_a_form_says_which_to_use(
    kg: KnowledgeGraph, call: object, query: str, hint: str
) -> None:
    with pytest.raises(QueryError, match=hint.replace("(", r"\(").replace(")", r"\)")):
        call(kg, query, **({"entity": RISQULOV} if query == "describe-entity" else {}))  # type: ignore[operator]


def test_years_are_typed(kg: KnowledgeGraph) -> None:
    [first, *_] = select(kg, "tenures")
    assert first["start"] == 1919 and isinstance(first["start"], int)
    assert to_python(Literal("1918-06", datatype=XSD.gYearMonth)) == YearMonth(1918, 6)
    assert to_python(Literal("-0044", datatype=XSD.gYear)) == -44
    assert to_python(Literal("1921Z", datatype=XSD.gYear)) == 1921
    assert to_python(Literal("not a year", datatype=XSD.gYear)) == "not a year"
    assert str(YearMonth(1918, 6)) == "1918-06"


def test_curies_are_accepted_where_iris_are(kg: KnowledgeGraph) -> None:
    by_curie = select(kg, "names-by-language", entity="organization:communist-party-of-turkestan")
    by_iri = select(
        kg,
        "names-by-language",
        entity="https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan",
    )
    assert by_curie == by_iri and len(by_curie) >= 5
    result = CliRunner().invoke(
        main, ["query", "describe-entity", "--param", "entity=person:turar-risqulov"]
    )
    assert result.exit_code == 0 and "Turar" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_project_prefixes_are_predeclared_on_every_engine(kg: KnowledgeGraph, engine: str) -> None:
    result = execute(PERSONS, kg=kg, engine=engine)
    assert len(result.rows) == 5
    cli = CliRunner().invoke(main, ["query", "--engine", engine, "-e", PERSONS, "--format", "csv"])
    assert cli.exit_code == 0 and "Turar" in cli.output


def test_project_prefixes_are_predeclared_on_a_remote_endpoint() -> None:
    with oxigraph_server() as base:
        runner = CliRunner()
        assert runner.invoke(main, ["load", "--endpoint", base + "/store"]).exit_code == 0
        result = execute(PERSONS, endpoint=base + "/query")
        own = execute(
            "PREFIX foaf: <http://xmlns.com/foaf/0.1/> " + PERSONS, endpoint=base + "/query"
        )
    assert len(result.rows) == len(own.rows) == 5


def test_a_mistyped_query_name_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["query", "tenure"])
    assert result.exit_code == 1
    assert "no stored query named 'tenure' (did you mean tenures?" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("text", ["Risqulov", "RÏSQULOV", "rïsqulov"])
def test_find_by_name_ignores_latin_diacritics(kg: KnowledgeGraph, engine: str, text: str) -> None:
    query = turkestan_kg.get_query("find-by-name")
    rows = execute(query, {"text": text}, kg=kg, engine=engine).rows
    assert URIRef(RISQULOV) in {row["entity"] for row in rows}
