"""Validation of the shipped data, and readable reports when it is broken."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from turkestan_kg.cli import main
from turkestan_kg.errors import UsageError
from turkestan_kg.graph.dataset import KnowledgeGraph, load
from turkestan_kg.namespaces import SH
from turkestan_kg.validation.engines import validate


def test_shipped_data_conforms(kg: KnowledgeGraph, shapes_path: Path) -> None:
    report = validate(kg, shapes=shapes_path)
    assert report.conforms, report.to_text()
    assert report.problems == ()


def break_tenure(data: Path) -> None:
    """Make Ferdinand Svetlov's tenure end in 1925, after the party was dissolved."""
    path = data / "infobox.ttl"
    text = path.read_text(encoding="utf-8")
    old = 'time:inXSDgYear "1923"^^xsd:gYear ] ;\n        time:hasEnd [ a time:Instant ; time:inXSDgYear "1924"'
    assert old in text
    path.write_text(text.replace(old, old.replace('"1924"', '"1925"')), encoding="utf-8")


def test_problem_names_file_entity_property_and_message(data_copy: Path, shapes_path: Path) -> None:
    break_tenure(data_copy)
    report = validate(load(data_copy), shapes=shapes_path)
    assert not report.conforms
    [problem] = report.problems
    assert problem.file.endswith("infobox.ttl")
    assert problem.entity == "https://w3id.org/turkestan-kg/tenure/ferdinand-svetlov-1923-1924"
    assert problem.label == "Ferdinand Svetlov, leader, 1923-1924"
    assert problem.path == "org:memberDuring"
    assert problem.message == "Ends (1925) after its organization was dissolved (1924-02)."
    assert problem.shape == "tkgsh:S08-TenureInLifetime"
    line = str(problem)
    assert "infobox.ttl: Ferdinand Svetlov, leader, 1923-1924 <https://" in line


def test_blank_node_problem_is_reported_on_its_owner(data_copy: Path, shapes_path: Path) -> None:
    path = data_copy / "lead-3-congress-1920.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('time:inXSDgYear "1920"^^xsd:gYear', 'tkg:edtf "1920"'))
    report = validate(load(data_copy), shapes=shapes_path)
    [problem] = report.problems
    assert problem.entity.endswith("/event/fifth-territorial-congress-1920")
    assert problem.label == "5th Territorial Congress of the Communist Party of Turkestan"
    assert problem.file.endswith("lead-3-congress-1920.ttl")
    assert problem.shape == "tkgsh:S05-Instant"


def test_report_formats(data_copy: Path, shapes_path: Path) -> None:
    break_tenure(data_copy)
    report = validate(load(data_copy), shapes=shapes_path)
    body = json.loads(report.render("json"))
    assert body["conforms"] is False
    assert body["problems"][0]["shape"] == "tkgsh:S08-TenureInLifetime"
    graph = Graph().parse(data=report.render("turtle"), format="turtle")
    assert len(list(graph.subjects(SH.focusNode, None))) == 1
    text = report.render("text").splitlines()
    assert text[-1] == "1 problem found"


STANDALONE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .
"""
BEYOND_FAST = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 ;
    sh:datatype rdf:XMLLiteral .
"""
"""A shape the fast engine refuses: it cannot tell ill-formed XML literals."""


def standalone(tmp_path: Path, shapes_text: str = STANDALONE) -> tuple[Path, Path]:
    """A data folder whose one node lacks ex:p, and shapes holding one property shape."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.ttl").write_text("<http://example.org/x> a <http://example.org/C> .\n")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(shapes_text, encoding="utf-8")
    return data, shapes


def test_a_standalone_property_shape_is_validated_by_fast(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--shapes", str(shapes)])
    assert result.exit_code == 1, result.output
    problem, summary = [line for line in result.output.splitlines() if line]
    assert (
        "<http://example.org/x> http://example.org/p:" in problem
        and "[http://example.org/S]" in problem
    )
    assert summary == "1 problem found"


def test_what_fast_refuses_is_refused_in_one_line(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, BEYOND_FAST)
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--shapes", str(shapes)])
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line]
    assert "<http://example.org/S>" in line and "XMLLiteral" in line and "--engine auto" in line
    assert "conforms" not in result.output


def test_auto_validates_with_pyshacl_what_fast_refuses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data, shapes = standalone(tmp_path, BEYOND_FAST)
    with caplog.at_level(logging.WARNING, logger="turkestan_kg"):
        report = validate(load(data), shapes=shapes, engine="auto")
    assert not report.conforms
    [problem] = report.problems
    assert problem.entity == "http://example.org/x"
    [warning] = [r for r in caplog.records if r.name == "turkestan_kg"]
    assert "pySHACL" in warning.getMessage() and "<http://example.org/S>" in warning.getMessage()
    cli = ["validate", "--data", str(data), "--shapes", str(shapes), "--engine", "auto"]
    result = CliRunner().invoke(main, cli)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == "1 problem found"


def test_a_store_validated_by_auto_is_validated_by_fast(tmp_path: Path) -> None:
    import turkestan_kg

    data, shapes = standalone(tmp_path, BEYOND_FAST)
    store = tmp_path / "store"
    assert (
        CliRunner().invoke(main, ["load", "--data", str(data), "--store", str(store)]).exit_code
        == 0
    )
    with pytest.raises(UsageError, match="XMLLiteral"):
        turkestan_kg.open(store=store).validate(shapes=shapes, engine="auto")


SHAPES_GRAPH = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:limit 1 ;
    sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { $currentShape <http://example.org/limit> 2 } }" ] .
"""
"""A SPARQL constraint that reads the shapes graph: it fails for no focus node."""


def test_shapes_graph_is_given_in_memory_and_refused_on_a_store(tmp_path: Path) -> None:
    import turkestan_kg

    data, shapes = standalone(tmp_path, SHAPES_GRAPH)
    assert validate(load(data), shapes=shapes).conforms
    (shapes.with_name("failing.ttl")).write_text(SHAPES_GRAPH.replace("limit> 2", "limit> 1"))
    report = validate(load(data), shapes=shapes.with_name("failing.ttl"))
    assert [p.entity for p in report.problems] == ["http://example.org/x"]
    store = tmp_path / "store"
    CliRunner().invoke(main, ["load", "--data", str(data), "--store", str(store)])
    with pytest.raises(UsageError, match=r"\$shapesGraph, which validation on a store cannot give"):
        turkestan_kg.open(store=store).validate(shapes=shapes)


UNMESSAGED = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/S> a sh:NodeShape ; sh:targetClass <http://example.org/C> ;
    sh:property [ sh:path <http://example.org/p> ; sh:minCount 1 ; sh:datatype xsd:integer ] .
"""


def test_a_shape_without_messages_still_says_what_is_wrong(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, UNMESSAGED)
    (data / "y.ttl").write_text(
        '<http://example.org/y> a <http://example.org/C> ; <http://example.org/p> "abc" .\n'
    )
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--shapes", str(shapes)])
    assert result.exit_code == 1, result.output
    lines = sorted(line.split(": ", 2)[-1] for line in result.output.splitlines()[:-1])
    assert lines == [
        '"abc" is not a well-formed xsd:integer literal [http://example.org/S]',
        "has fewer than 1 values [http://example.org/S]",
    ]


BYTE_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/S> a sh:NodeShape ; sh:targetClass <http://example.org/C> ;
    sh:property [ sh:path <http://example.org/p> ; sh:datatype xsd:byte ] .
"""


def test_a_datatype_the_store_would_not_keep_is_refused_and_auto_uses_pyshacl(
    tmp_path: Path,
) -> None:
    """Oxigraph keeps "5"^^xsd:byte as an xsd:integer: the fast engine would call a good
    value bad (and "-0"^^xsd:byte an xsd:integer), so it refuses; auto hands it to pySHACL."""
    data, shapes = standalone(tmp_path, BYTE_SHAPES)
    (data / "y.ttl").write_text(
        "<http://example.org/y> a <http://example.org/C> ; "
        '<http://example.org/p> "5"^^<http://www.w3.org/2001/XMLSchema#byte> .\n'
    )
    cli = ["validate", "--data", str(data), "--shapes", str(shapes)]
    refused = CliRunner().invoke(main, cli)
    assert refused.exit_code == 2, refused.output
    assert "keeps as" in refused.output and "--engine pyshacl" in refused.output
    result = CliRunner().invoke(main, [*cli, "--engine", "auto"])
    assert result.exit_code == 0, result.output


def test_ill_typed_and_odd_literals_give_one_line_each_and_no_traceback(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, UNMESSAGED)
    (data / "y.ttl").write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://example.org/y> a <http://example.org/C> ; <http://example.org/p> "abc"^^xsd:integer ;\n'
        '    <http://example.org/q> "-P1Y1D"^^xsd:duration , "none"^^xsd:boolean .\n'
    )
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "turkestan_kg", "validate", "--data", str(data), "--shapes", str(shapes)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "warning" not in run.stderr.lower(), run.stderr
    assert '"abc"^^xsd:integer is not a well-formed xsd:integer literal' in run.stdout


SPARQL_KINDS = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Short a sh:ConstraintComponent ; sh:parameter [ sh:path ex:longest ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STRLEN(STR($value)) <= $longest) }" ] .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:sparql [ sh:select "SELECT $this WHERE { { FILTER ($this = <http://example.org/y>) } }" ] ;
    sh:property [ sh:path ex:p ; ex:longest 2 ] .
"""
"""A SPARQL constraint that needs $this pre-bound in a nested group, and an ASK component."""


def test_pre_bound_sparql_runs_the_same_on_a_store_as_in_memory(tmp_path: Path) -> None:
    import turkestan_kg

    data, shapes = standalone(tmp_path, SPARQL_KINDS)
    (data / "y.ttl").write_text(
        '<http://example.org/y> a <http://example.org/C> ; <http://example.org/p> "long" .\n'
    )
    in_memory = validate(load(data), shapes=shapes)
    store = tmp_path / "store"
    CliRunner().invoke(main, ["load", "--data", str(data), "--store", str(store)])
    on_store = turkestan_kg.open(store=store).validate(shapes=shapes)

    def seen(report: object) -> list[tuple[str, str]]:
        return sorted((p.entity, p.message) for p in report.problems)  # type: ignore[attr-defined]

    assert (
        seen(in_memory)
        == seen(on_store)
        == [
            ("http://example.org/y", "does not meet the constraint http://example.org/Short"),
            ("http://example.org/y", "fails a SPARQL constraint"),
        ]
    )


JOIN_TRAPS = {
    "LIMIT counts rows per focus node": (
        "SELECT $this WHERE { $this ex:p ?o } LIMIT 1",
        ["http://example.org/a", "http://example.org/b"],
    ),
    "OFFSET counts rows per focus node": (
        "SELECT $this WHERE { $this ex:p ?o } ORDER BY $this OFFSET 1",
        ["http://example.org/b"],
    ),
    "BIND before the pattern sees $this bound": (
        'SELECT $this ?s WHERE { BIND (STR($this) AS ?s) $this ex:p ?o FILTER (STRENDS(?s, "b")) }',
        ["http://example.org/b", "http://example.org/b"],  # a result per solution (SHACL 5.3)
    ),
    "OPTIONAL on $this is not a join": (
        "SELECT $this WHERE { OPTIONAL { $this ex:q ?y } $this ex:p ?o FILTER (!bound(?y)) }",
        ["http://example.org/a"],
    ),
    "LIMIT in a subquery counts rows per focus node": (
        "SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?o } LIMIT 1 } }",
        ["http://example.org/a", "http://example.org/b"],
    ),
    "an aggregate without GROUP BY $this counts per focus node": (
        "SELECT $this (COUNT(?o) AS ?n) WHERE { $this ex:p ?o } HAVING (COUNT(?o) > 1)",
        ["http://example.org/b"],
    ),
    "subqueries that return $this, joined": (
        "SELECT $this ?o WHERE { { SELECT $this ?o WHERE { $this ex:p ?o } } "
        "{ SELECT $this WHERE { $this a ex:C } } FILTER (?o > 1) }",
        ["http://example.org/b", "http://example.org/b"],
    ),
}
"""SPARQL constraints where joining the query's rows with the focus nodes would differ from
pre-binding $this: each must give SHACL's answer (an outside tester's cases)."""


@pytest.mark.parametrize("select, expected", JOIN_TRAPS.values(), ids=JOIN_TRAPS.keys())
def test_sparql_constraints_are_pre_bound_not_joined_where_that_differs(
    tmp_path: Path, select: str, expected: list[str]
) -> None:
    shapes_text = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex:decl ; "
        f'sh:select """{select}""" ] .\n'
        'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .\n'
    )
    data, shapes = standalone(tmp_path, shapes_text)
    (data / "x.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 2 , 3 ; ex:q 7 . ex:c a ex:C . ex:z ex:q 6 .\n"
    )
    if "OPTIONAL" not in select:  # ex:b's ex:q only matters to the OPTIONAL case
        (data / "x.ttl").write_text(
            "@prefix ex: <http://example.org/> .\n"
            "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 2 , 3 . ex:c a ex:C .\n"
        )
    report = validate(load(data), shapes=shapes)
    assert sorted(p.entity for p in report.problems) == expected


def test_subqueries_that_return_this_run_as_one_join_on_blank_focus_nodes_too(
    tmp_path: Path,
) -> None:
    # Blank focus nodes cannot be written into a query, so per-focus pre-binding refuses
    # them; a query whose subqueries each bind $this is joined with them instead.
    from rdflib import BNode, Graph, URIRef

    from turkestan_kg.validation.sparql import sparql_constraint

    select = (
        "SELECT $this ?o WHERE { { SELECT $this ?o WHERE { $this ex:p ?o } } "
        "{ SELECT $this ?q WHERE { $this ex:q ?q } } FILTER (?o > ?q) }"
    )
    shapes_text = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex:decl ; "
        f'sh:select """{select}""" ] .\n'
        'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .\n'
    )
    graph = Graph().parse(data=shapes_text, format="turtle")
    shape = URIRef("http://example.org/S")
    constraint = graph.value(shape, URIRef("http://www.w3.org/ns/shacl#sparql"))
    assert isinstance(constraint, BNode)
    assert sparql_constraint(graph, shape, constraint, "{ ?this ?p ?o }", None).mode == "join"
    data, shapes = standalone(tmp_path, shapes_text)
    (data / "x.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n"
        "ex:h ex:has [ a ex:C ; ex:p 5 ; ex:q 1 ] , [ a ex:C ; ex:p 1 ; ex:q 5 ] .\n"
    )
    report = validate(load(data), shapes=shapes)
    assert [p.entity for p in report.problems] == ["http://example.org/h"]


def test_nested_subqueries_are_each_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each level was judged twice (does it bind $this? does it see it?): 2^depth calls, so
    # a shapes file with 20 nested subqueries took minutes to compile.
    from rdflib.plugins.sparql.parser import parseQuery

    from turkestan_kg.validation import sparql

    inner = "$this <http://example.org/p> ?o"
    for _ in range(20):
        inner = "{ SELECT $this ?o WHERE { " + inner + " } }"
    query = parseQuery("SELECT $this WHERE { " + inner + " }")[1]
    calls = []
    judge = sparql._binds_this

    def counted(select: object, *, top: bool = False) -> bool:
        calls.append(top)
        return judge(select, top=top)

    monkeypatch.setattr(sparql, "_binds_this", counted)
    assert sparql._joinable(query) and len(calls) == 21


def test_a_hostile_query_is_refused_in_one_line(tmp_path: Path) -> None:
    deep = "SELECT $this WHERE { " + "{ " * 300 + "$this ?p ?o" + " }" * 300 + " }"
    wide = (
        "SELECT $this WHERE { $this ?p ?o "
        + " ".join(f"OPTIONAL {{ $this <http://example.org/q{i}> ?v{i} }}" for i in range(150))
        + " }"
    )
    for select, said in ((deep, "nested too deeply"), (wide, "OPTIONAL, UNION or nested groups")):
        shapes_text = (
            "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
            f'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """{select}""" ] .\n'
        )
        (tmp_path / said.split()[0]).mkdir()
        data, shapes = standalone(tmp_path / said.split()[0], shapes_text)
        result = CliRunner().invoke(
            main, ["validate", "--data", str(data), "--shapes", str(shapes)]
        )
        assert result.exit_code == 2, result.output
        assert said in result.output and len(result.output.strip().splitlines()) == 1


def test_pyshacl_failing_is_one_line(tmp_path: Path) -> None:
    """pySHACL 0.40 raises NotImplementedError on $shapesGraph: one line, exit 2."""
    data, shapes = standalone(tmp_path, SHAPES_GRAPH)
    cli = ["validate", "--data", str(data), "--shapes", str(shapes), "--engine", "pyshacl"]
    result = CliRunner().invoke(main, cli)
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line]
    assert "pySHACL failed on these shapes and data: NotImplementedError" in line


def test_a_value_with_a_line_break_stays_on_its_line(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, UNMESSAGED)
    (data / "y.ttl").write_text(
        '<http://example.org/y> a <http://example.org/C> ; <http://example.org/p> "two\\nlines" .\n'
    )
    result = CliRunner().invoke(main, ["validate", "--data", str(data), "--shapes", str(shapes)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 3  # two problems and the count
    assert '"two\\nlines"' in result.output  # the line break shown as an escape


INVERSE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .
"""


def test_a_blank_node_path_is_whole_in_the_report_and_shown_in_text(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, INVERSE)
    report = validate(load(data), shapes=shapes)
    [problem] = report.problems
    assert problem.path == "(^<http://example.org/p>)"
    [path] = report.graph.objects(None, SH.resultPath)
    assert report.graph.value(path, SH.inversePath) == URIRef("http://example.org/p")


ASK_ON_A_NULLABLE_PATH = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Short a sh:ConstraintComponent ; sh:parameter [ sh:path ex:longest ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STRLEN(STR($value)) <= $longest) }" ] .
ex:S a sh:NodeShape ; sh:targetNode ex:absent ;
    sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; ex:longest 5 ] .
"""
"""An ASK component on a path of length zero or more: the focus node is its own value, even
when the data never mentions it (pySHACL agrees)."""


def test_an_ask_component_sees_the_focus_node_as_its_own_value(tmp_path: Path) -> None:
    data, shapes = standalone(tmp_path, ASK_ON_A_NULLABLE_PATH)
    report = validate(load(data), shapes=shapes)
    assert [(p.entity, p.value) for p in report.problems] == [
        ("http://example.org/absent", "http://example.org/absent")
    ]
