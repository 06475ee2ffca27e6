"""The tkg command: exit codes, messages and outputs, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph

from turkestan_kg.cli import main


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [str(a) for a in args])


def test_validate_ok() -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.output == "conforms\n"


def test_validate_reports_each_problem_with_its_file(data_copy: Path) -> None:
    path = data_copy / "ethnic-composition.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tkg:percentage 23.3", "tkg:percentage 32.3"), encoding="utf-8")
    result = invoke("validate", "--data", data_copy)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "1 problem found"
    assert lines[0].startswith(
        f"{data_copy / 'ethnic-composition.ttl'}: Kazakh/Kyrgyz in the party"
    )
    assert "tkg:percentage: Percentage 32.3 does not match 4409 / 18945 = 23.3" in lines[0]


def test_validate_json(data_copy: Path) -> None:
    path = data_copy / "infobox.ttl"
    text = path.read_text(encoding="utf-8")
    broken = text.replace(
        'schema:dissolutionDate "1924-02"^^xsd:gYearMonth',
        'schema:dissolutionDate "1917"^^xsd:gYear',
    )
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    result = invoke("validate", "--data", data_copy, "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.output)
    shapes = sorted({p["shape"] for p in body["problems"]})
    assert shapes == ["tkgsh:S04-Organization", "tkgsh:S08-TenureInLifetime"]


def test_validate_turtle_is_a_shacl_report() -> None:
    result = invoke("validate", "--format", "turtle")
    assert result.exit_code == 0
    graph = Graph().parse(data=result.output, format="turtle")
    assert "http://www.w3.org/ns/shacl#ValidationReport" in {str(o) for o in graph.objects()}


def test_malformed_file_is_one_line_exit_1(data_copy: Path) -> None:
    (data_copy / "broken.ttl").write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = invoke("validate", "--data", data_copy)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "broken.ttl:2:" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_usage_exits_2() -> None:
    assert invoke("validate", "--format", "yaml").exit_code == 2
    assert invoke("no-such-command").exit_code == 2


def test_build_writes_dist(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = invoke("build", "--out", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "turkestan-kg.ttl" in names and "turkestan-kg.jsonld" in names
    turtle = Graph().parse(out / "turkestan-kg.ttl")
    jsonld = Graph().parse(out / "turkestan-kg.jsonld", format="json-ld")
    assert len(turtle) == len(jsonld) > 500


def test_build_refuses_invalid_data_and_keeps_old_output(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "dist"
    assert invoke("build", "--out", out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    path = data_copy / "ethnic-composition.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tkg:percentage 9.5", "tkg:percentage 9.6"), encoding="utf-8")
    result = invoke("build", "--out", out, "--data", data_copy)
    assert result.exit_code == 1
    assert "validation problem" in result.output and "tkg validate" in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_build_with_malformed_data_writes_nothing(tmp_path: Path, data_copy: Path) -> None:
    (data_copy / "infobox.ttl").write_text("this is not turtle\n")
    out = tmp_path / "dist"
    result = invoke("build", "--out", out, "--data", data_copy)
    assert result.exit_code == 1
    assert "infobox.ttl:1:" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [data_copy]


def test_export_to_stdout_and_file(tmp_path: Path) -> None:
    result = invoke("export", "--format", "ntriples")
    assert result.exit_code == 0
    assert (
        "<https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan>" in result.output
    )
    out = tmp_path / "kg.trig"
    assert invoke("export", "--format", "trig", "--out", out).exit_code == 0
    assert "graph:infobox" in out.read_text(encoding="utf-8")


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and "tkg, version 0.1.0" in result.output


def test_malformed_ontology_names_the_file(tmp_path: Path, root: Path) -> None:
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    text = (root / "ontology" / "turkestan-kg.ttl").read_text(encoding="utf-8")
    (ontology / "turkestan-kg.ttl").write_text(
        text.replace("owl:Class ;", "owl:Class ; rdfs:label ] ;", 1)
    )
    (ontology / "shapes.ttl").write_bytes((root / "ontology" / "shapes.ttl").read_bytes())
    out = tmp_path / "dist"
    result = invoke("build", "--ontology", ontology, "--out", out)
    assert result.exit_code == 1
    assert "turkestan-kg.ttl:" in result.output and result.output.startswith("Error: ")
    assert not out.exists()


def test_queries_lists_names_summaries_and_parameters() -> None:
    result = invoke("queries")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    [leaders] = [line for line in lines if line.startswith("leaders-in-year ")]
    assert "Who led the party in a given year" in leaders and "[year=1921]" in leaders
    listed = json.loads(invoke("queries", "--format", "json").output)
    assert {q["name"] for q in listed} >= {"leaders-in-year", "tenures", "timeline"}


def test_query_by_name_with_a_parameter() -> None:
    result = invoke("query", "leaders-in-year", "--param", "year=1923")
    assert result.exit_code == 0, result.output
    assert "Ferdinand Svetlov" in result.output and result.output.endswith("(1 row)\n")


def test_query_formats(tmp_path: Path) -> None:
    out = tmp_path / "purge.json"
    assert invoke("query", "purge-1922", "--format", "json", "--out", out).exit_code == 0
    assert json.loads(out.read_text())["results"]["bindings"][1]["purged"]["value"] == "0"
    tsv = invoke("query", "non-russian-share-1922", "--format", "tsv").output
    assert tsv.splitlines()[0] == "?nonRussian\t?total\t?share"
    xml = invoke("query", "hierarchy", "--format", "xml").output
    assert 'xmlns="http://www.w3.org/2005/sparql-results#"' in xml
    graph = invoke(
        "query",
        "describe-entity",
        "--param",
        "entity=tenure:abdullo-rakhimbayev-1922",
        "--format",
        "ntriples",
    ).output
    assert len(Graph().parse(data=graph, format="nt")) > 10


def test_adhoc_query_from_text_and_file(tmp_path: Path) -> None:
    result = invoke(
        "query",
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }",
        "--format",
        "csv",
    )
    assert result.exit_code == 0 and result.stdout_bytes == b"n\r\n5\r\n"
    path = tmp_path / "my.rq"
    path.write_text(
        'ASK { ?s <http://schema.org/foundingDate> "1918-06"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> }'
    )
    assert (
        invoke("query", "--file", path, "--format", "json").output.strip()
        == '{"head": {}, "boolean": true}'
    )


def test_query_usage_errors_exit_2() -> None:
    assert invoke("query").exit_code == 2
    assert invoke("query", "tenures", "-e", "ASK {}").exit_code == 2
    assert invoke("query", "tenures", "--format", "turtle").exit_code == 2
    assert invoke("query", "leaders-in-year", "--param", "1921").exit_code == 2


def test_query_usage_errors_exit_2_with_one_line() -> None:
    result = invoke("query", "leaders-in-year", "--param", "year=1921 } ; DROP ALL #")
    assert result.exit_code == 2
    assert result.output.startswith("Error: bad value '1921 } ; DROP ALL #' for parameter 'year'")
    missing = invoke("query", "no-such-query")
    assert missing.exit_code == 2 and "stored queries: " in missing.output
