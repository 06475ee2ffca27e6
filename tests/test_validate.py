"""Validation of the shipped data, and readable reports when it is broken."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

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
