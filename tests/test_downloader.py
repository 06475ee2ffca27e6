"""What someone holding only dist/ can do: validate the dump with third-party tools, exactly
as a downloader would, and find how in the dataset description."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef

from turkestan_kg.namespaces import DCTERMS, RDFS
from turkestan_kg.validation.execute import validate_graph

DATASET = URIRef("https://w3id.org/turkestan-kg/dataset/turkestan-kg")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("turkestan-kg.ttl", "turtle"),
        ("turkestan-kg.nt", "nt"),
        ("turkestan-kg.rdf", "xml"),
        ("turkestan-kg.jsonld", "json-ld"),
    ],
)
def test_each_dump_conforms_under_pyshacl_with_the_ontology_beside_it(
    dist: Path, name: str, fmt: str
) -> None:
    conforms, _, text = pyshacl.validate(
        str(dist / name),
        data_graph_format=fmt,
        shacl_graph=str(dist / "shapes.ttl"),
        ont_graph=str(dist / "ontology.ttl"),
        inference="none",
        advanced=True,
    )
    assert conforms, text


def test_the_pyshacl_command_a_downloader_runs_says_conforms(dist: Path) -> None:
    pyshacl_cli = Path(sys.executable).parent / "pyshacl"
    run = subprocess.run(
        [str(pyshacl_cli), "-s", "shapes.ttl", "-e", "ontology.ttl", "turkestan-kg.ttl"],
        cwd=dist,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Conforms: True" in run.stdout


def test_the_projects_engine_agrees_on_the_published_files(dist: Path) -> None:
    data = Graph().parse(dist / "turkestan-kg.ttl")
    data += Graph().parse(dist / "ontology.ttl")
    conforms, report = validate_graph(data, Graph().parse(dist / "shapes.ttl"))
    assert conforms, report.serialize(format="turtle")


def test_the_description_says_how_to_validate(dist: Path) -> None:
    void = Graph().parse(dist / "void.ttl")
    assert (
        DATASET,
        DCTERMS.requires,
        URIRef("https://w3id.org/turkestan-kg/dist/ontology.ttl"),
    ) in void
    howto = " ".join(str(c) for c in void.objects(DATASET, RDFS.comment))
    assert "pyshacl -s shapes.ttl -e ontology.ttl turkestan-kg.ttl" in howto


@pytest.mark.parametrize(
    ("subject", "predicate", "value", "source"),
    [
        ("place/soviet-union", "http://schema.org/foundingDate", "1922-12-30", "agent/curators"),
        (
            "place/awliya-ata",
            "https://w3id.org/turkestan-kg/ontology#modernName",
            "Taraz",
            "agent/curators",
        ),
        (
            "organization/communist-party-of-turkestan",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "Communist Party of Turkestan",
            "source/enwiki-cpt/infobox source/enwiki-cpt/lead-1",  # stated in both sections
        ),
    ],
)
def test_the_flat_turtle_says_who_states_each_fact(
    dist: Path, subject: str, predicate: str, value: str, source: str
) -> None:
    """The issue's examples: the curators' additions are not passed off as sourced."""
    from turkestan_kg.publish.provenance import split

    base = "https://w3id.org/turkestan-kg/"
    _, sources = split(Graph().parse(dist / "turkestan-kg.ttl"))
    found = {
        str(src)
        for (s, p, o), given in sources.items()
        if str(s) == base + subject and str(p) == predicate and str(o) == value
        for _, src in given
    }
    assert found == {base + part for part in source.split()}


def test_the_data_model_is_pictured_in_dist(dist: Path) -> None:
    import xml.etree.ElementTree as ET

    from rdflib.namespace import RDF

    from turkestan_kg.namespaces import curie

    svg = (dist / "docs" / "model.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)  # well-formed
    data = Graph().parse(dist / "turkestan-kg.ttl")
    used = {curie(c) for c in data.objects(None, RDF.type)}
    assert all(f">{name}</text>" in svg for name in used - {"rdf:Statement"})
    assert "a kind of org:Membership" in svg  # tkg:Tenure, from the ontology
    assert "org:memberDuring → time:Interval" in svg  # from the data's use
    assert svg in (dist / "docs" / "index.html").read_text(encoding="utf-8")


def test_dist_alone_says_how_to_cite_it(dist: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    assert (dist / "CITATION.cff").read_bytes() == (root / "CITATION.cff").read_bytes()
    assert "CITATION.cff" in (dist / "SHA256SUMS").read_text()
