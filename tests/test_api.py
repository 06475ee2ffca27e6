"""The Python API: one way in (`turkestan_kg.open` gives a Dataset), one way to run a query
(`Dataset.query`, stored by name or written out, typed by `expect`), the same verbs on the
project's files, an on-disk store and an endpoint; typed years; the project's CURIEs wherever
an IRI goes; the project's prefixes predeclared on every engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

import turkestan_kg
from servers import oxigraph_server
from turkestan_kg import Dataset, QueryError, UsageError
from turkestan_kg.cli import main
from turkestan_kg.errors import QueryUsageError
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.graph.store import load_store
from turkestan_kg.namespaces import XSD
from turkestan_kg.sparql.results import YearMonth, to_python

RISQULOV = "https://w3id.org/turkestan-kg/person/turar-risqulov"
PERSONS = "SELECT ?name WHERE { ?p a foaf:Person ; skos:prefLabel ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def ds(kg: KnowledgeGraph) -> Dataset:
    return Dataset.of(kg)


@pytest.fixture(scope="module")
def store(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("api") / "store"
    load_store(folder, kg)
    return turkestan_kg.open(store=folder)


def test_open_reads_the_project_files_by_default() -> None:
    ds = turkestan_kg.open()
    assert repr(ds) == "<Dataset the project's files>"
    assert len(ds.graph) > 500


def test_construct_by_name_gives_the_graph(ds: Dataset) -> None:
    graph = ds.query("describe-entity", entity="person:turar-risqulov")
    assert isinstance(graph, Graph) and (URIRef(RISQULOV), None, None) in graph
    by_iri = ds.query("describe-entity", entity=RISQULOV, expect="graph")
    assert len(graph) == len(by_iri) > 0


def test_one_return_type_per_form_named_or_written(ds: Dataset) -> None:
    leaders = ds.query("leaders-in-year", year=1921, expect="rows")
    assert [r["leaderLabel"] for r in leaders] == ["Abdullo Rakhimbayev", "Nazir Turiakylov"]
    assert ds.query("ASK { ?s a foaf:Person }", expect="boolean") is True
    assert ds.query("ASK { ?s a foaf:Nothing }") is False
    assert isinstance(ds.query("CONSTRUCT WHERE { ?s a foaf:Person }"), Graph)
    rows = ds.query(PERSONS, expect="rows")
    assert [r["name"] for r in rows][:2] == ["Abdullo Rakhimbayev", "Ferdinand Svetlov"]
    result = ds.query("tenures", expect="result")
    assert result.kind == "select" and result.rows


@pytest.mark.parametrize(
    ("query", "expect", "message"),
    [
        (
            "describe-entity",
            "rows",
            "describe-entity is a CONSTRUCT or DESCRIBE query, not a SELECT",
        ),
        ("ASK { ?s ?p ?o }", "rows", "the query is an ASK query, not a SELECT query"),
        ("tenures", "boolean", "tenures is a SELECT query, not an ASK query"),
    ],
)
def test_the_wrong_form_names_what_the_query_is(
    ds: Dataset, query: str, expect: str, message: str
) -> None:
    params = {"entity": RISQULOV} if query == "describe-entity" else {}
    with pytest.raises(QueryError, match=message):
        ds.query(query, expect=expect, **params)  # type: ignore[call-overload]


def test_a_name_with_parameters_is_the_stored_query_not_text(ds: Dataset) -> None:
    rows = ds.query("leaders-in-year", year=1919, expect="rows")
    assert {r["leaderLabel"] for r in rows} == {"Pyotr Kobozev"}
    with pytest.raises(QueryError, match="SPARQL text takes no parameters"):
        ds.query("ASK { ?s ?p ?o }", year=1919)
    with pytest.raises(QueryError, match="no stored query named 'tenure'"):
        ds.query("tenure")


def test_engines_and_formats_are_checked_with_one_error() -> None:
    for call in (
        lambda: turkestan_kg.open(engine="jena"),
        lambda: turkestan_kg.open().validate(engine="jena"),
        lambda: turkestan_kg.open().export("n3"),
        lambda: turkestan_kg.open(store="s", endpoint="http://127.0.0.1:9/query"),
    ):
        with pytest.raises(UsageError) as caught:
            call()
        assert caught.value.exit_code == 2
        assert "use one of" in str(caught.value) or "not both" in str(caught.value)


def test_years_are_typed(ds: Dataset) -> None:
    [first, *_] = ds.query("tenures", expect="rows")
    assert first["start"] == 1919 and isinstance(first["start"], int)
    assert to_python(Literal("1918-06", datatype=XSD.gYearMonth)) == YearMonth(1918, 6)
    assert to_python(Literal("-0044", datatype=XSD.gYear)) == -44
    assert to_python(Literal("1921Z", datatype=XSD.gYear)) == 1921
    assert to_python(Literal("not a year", datatype=XSD.gYear)) == "not a year"
    assert str(YearMonth(1918, 6)) == "1918-06"


def test_curies_are_accepted_where_iris_are(ds: Dataset) -> None:
    party = "organization:communist-party-of-turkestan"
    by_curie = ds.query("names-by-language", entity=party)
    by_iri = ds.query(
        "names-by-language",
        entity="https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan",
    )
    assert by_curie == by_iri and isinstance(by_curie, list) and len(by_curie) >= 5
    result = CliRunner().invoke(
        main, ["query", "describe-entity", "--param", "entity=person:turar-risqulov"]
    )
    assert result.exit_code == 0 and "Turar" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_project_prefixes_are_predeclared_on_every_engine(kg: KnowledgeGraph, engine: str) -> None:
    assert len(Dataset.of(kg, engine=engine).query(PERSONS, expect="rows")) == 5
    cli = CliRunner().invoke(main, ["query", "--engine", engine, "-e", PERSONS, "--format", "csv"])
    assert cli.exit_code == 0 and "Turar" in cli.output


def test_the_same_verbs_on_a_store(ds: Dataset, store: Dataset) -> None:
    assert repr(store).startswith("<Dataset the store at ")
    assert store.query(PERSONS) == ds.query(PERSONS)
    assert store.validate().conforms
    exported = store.export("ntriples")
    assert b"Communist Party of Turkestan" in exported
    assert len(Graph().parse(data=exported, format="nt")) == len(ds.graph.merged())
    [match, *_] = store.reconcile("Рыскулов")
    assert match.entity == RISQULOV


def test_the_same_verbs_on_an_endpoint(ds: Dataset, tmp_path: Path) -> None:
    with oxigraph_server() as base:
        ds.load(base + "/store")
        remote = turkestan_kg.open(endpoint=base + "/query")
        assert remote.query(PERSONS) == ds.query(PERSONS)
        own = remote.query("PREFIX foaf: <http://xmlns.com/foaf/0.1/> " + PERSONS)
        assert own == ds.query(PERSONS)
        assert remote.validate().conforms
        remote.export("turtle", tmp_path / "remote.ttl")
        assert remote.reconcile("Ryskulov")[0].entity == RISQULOV
    exported = Graph().parse(tmp_path / "remote.ttl")
    assert len(exported) == len(ds.graph.merged())


def test_a_graph_in_memory_cannot_be_had_from_a_store(store: Dataset) -> None:
    with pytest.raises(turkestan_kg.TkgError, match="is not loaded into memory"):
        store.graph  # noqa: B018


def test_a_mistyped_query_name_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["query", "tenure"])
    assert result.exit_code == 2
    assert "no stored query named 'tenure' (did you mean tenures?" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("query", ["find-by-name", "labels-containing"])
@pytest.mark.parametrize("text", ["Risqulov", "RÏSQULOV", "rïsqulov"])
def test_find_by_name_ignores_latin_diacritics(
    kg: KnowledgeGraph, engine: str, query: str, text: str
) -> None:
    rows = Dataset.of(kg, engine=engine).query(query, text=text, expect="result").rows
    assert URIRef(RISQULOV) in {row["entity"] for row in rows}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Ryskulov", RISQULOV),
        ("Рыскулов", RISQULOV),
        ("T. Ryskulov", RISQULOV),
        ("Turar Risqulov", RISQULOV),
        ("kobozev", "https://w3id.org/turkestan-kg/person/pyotr-kobozev"),
        ("Abdulla Rakhimbaev", "https://w3id.org/turkestan-kg/person/abdullo-rakhimbayev"),
    ],
)
def test_find_by_name_uses_the_matcher_on_every_engine(
    kg: KnowledgeGraph, engine: str, text: str, entity: str
) -> None:
    # labels-containing (plain SPARQL) misses these spellings; find-by-name calls the matcher
    # behind `tkg search`, so both give the same entity first.
    ds = Dataset.of(kg, engine=engine)
    rows = ds.query("find-by-name", text=text, expect="result").rows
    assert rows and str(rows[0]["entity"]) in {entity, *(m.entity for m in ds.search(text)[:1])}
    assert entity in {str(row["entity"]) for row in rows}
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 80


@pytest.mark.parametrize("text", ["tttttttt", "kkkk", "aaaa", "shshsh", "Ts", "xxxxxxx", "Zqxv"])
def test_find_by_name_finds_nothing_for_runs_and_merged_pairs(
    kg: KnowledgeGraph, text: str
) -> None:
    # A spelling skeleton that keeps one letter of the text (tttt -> t) begins no name.
    assert Dataset.of(kg).query("find-by-name", text=text) == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_find_by_name_takes_a_name_not_a_document(kg: KnowledgeGraph, engine: str) -> None:
    ds = Dataset.of(kg, engine=engine)
    assert ds.query("find-by-name", text="Ryskulov " * 22)  # 198 characters
    assert ds.query("find-by-name", text="Ryskulov " * 23) == []  # 207: over the limit
    assert ds.query("find-by-name", text="Ryskulov " * 100_000) == []  # and at once


@pytest.mark.parametrize("value", [["Ryskulov"], b"Ryskulov", True, 1.5, "Rys\udcffkulov"])
def test_a_parameter_is_text_or_a_whole_number(kg: KnowledgeGraph, value: object) -> None:
    # (the last holds a lone surrogate: bytes that were not UTF-8, as on a command line)
    with pytest.raises(QueryUsageError, match="bad value"):
        Dataset.of(kg).query("find-by-name", text=value)


def test_find_by_name_finds_nothing_for_nonsense_and_the_same_on_a_store(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    from turkestan_kg.graph.store import load_store

    ds = Dataset.of(kg)
    assert ds.query("find-by-name", text="Zqxv Wjpt") == []
    load_store(tmp_path / "store", kg)
    on_disk = turkestan_kg.open(store=tmp_path / "store")
    assert on_disk.query("find-by-name", text="Рыскулов") == ds.query(
        "find-by-name", text="Рыскулов"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ds: ds.query("tenures", expect="table"), "expect='table'"),
        (lambda ds: ds.query(Path("queries/tenures.rq")), "not PosixPath"),
        (lambda ds: ds.load(Path("s"), graph="http://e/g"), "a store holds every graph"),
        (
            lambda ds: ds.load("http://127.0.0.1:9/store", update="http://127.0.0.1:9/u"),
            "update URL goes with a file",
        ),
        (lambda ds: ds.load("http://127.0.0.1:9/store", graph="not an iri"), "not an absolute IRI"),
        (lambda ds: turkestan_kg.open("data", store="s"), "data files go with the files"),
        (lambda ds: turkestan_kg.open(store="s", engine="rdflib"), "answers its own queries"),
        (lambda ds: turkestan_kg.open(timeout=0), "above 0"),
    ],
    ids=[
        "expect",
        "query-type",
        "store-graph",
        "lone-update",
        "graph-iri",
        "data-store",
        "engine-store",
        "timeout",
    ],
)
def test_what_does_not_go_together_is_one_usage_error(
    ds: Dataset, call: object, message: str
) -> None:
    """Checked before any work is done, and never silently ignored."""
    with pytest.raises(UsageError, match=re.escape(message)):
        call(ds)  # type: ignore[operator]


def test_paths_and_urls_may_be_given_as_text(ds: Dataset, tmp_path: Path) -> None:
    ds.export("ntriples", str(tmp_path / "kg.nt"))
    assert (tmp_path / "kg.nt").stat().st_size > 10_000
    loaded = ds.load(str(tmp_path / "store"))
    assert loaded.unit == "quads" and (tmp_path / "store" / "CURRENT").is_file()
    graph = ds.query("describe-entity", entity=RISQULOV, expect="graph")
    assert str(graph) == repr(graph) == f"<Graph of {len(graph)} triples>"


@pytest.mark.parametrize("near", ["Tenures", "tenures.rq", "tenure"])
def test_a_near_miss_of_a_name_gets_a_suggestion_not_a_syntax_error(ds: Dataset, near: str) -> None:
    with pytest.raises(QueryError, match="did you mean tenures"):
        ds.query(near)
    assert len(ds.query(" tenures\n", expect="rows")) == len(ds.query("tenures", expect="rows"))


def test_a_query_file_with_a_header_takes_its_parameters(tmp_path: Path) -> None:
    mine = tmp_path / "mine.rq"
    header = "#+ summary: Leaders in a year\n#+ params:\n#+   year:\n#+     type: xsd:integer\n"
    header += "#+     default: 1921\n#+     description: the year\n"
    body = (turkestan_kg.get_query("leaders-in-year").path).read_text(encoding="utf-8")
    query = "PREFIX" + body.split("PREFIX", 1)[1]  # the stored query without its own header
    mine.write_text(header + query, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--file", str(mine), "-p", "year=1919"])
    assert result.exit_code == 0, result.output
    assert "Pyotr Kobozev" in result.output and "(1 row)" in result.output
