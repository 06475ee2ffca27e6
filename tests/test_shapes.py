"""Every shape has valid and invalid fixtures; each invalid one is caught by its shape alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from turkestan_kg.graph.dataset import load
from turkestan_kg.namespaces import RDF, SH, TKGSH
from turkestan_kg.validation.engines import validate

FIXTURES = Path(__file__).parent / "shapes"
ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(FIXTURES.glob("S*.ttl"))
SHAPE_ID = re.compile(r"^(S\d\d)-(valid|invalid-\d\d)$")


def shapes_graph() -> Graph:
    return Graph().parse(ROOT / "ontology" / "shapes.ttl")


def node_shapes() -> list[URIRef]:
    graph = shapes_graph()
    return sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def fixture_header(path: Path) -> dict[str, str]:
    """``# key: value`` and ``# flag`` lines at the top of a fixture."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        header[key.strip()] = value.strip()
    return header


def validate_fixture(fixture: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    if "standalone" not in fixture_header(fixture):
        shutil.copy(FIXTURES / "base.ttl", data / "base.ttl")
    shutil.copy(fixture, data / fixture.name)
    kg = load(data, ROOT / "ontology")
    return validate(kg, shapes=ROOT / "ontology" / "shapes.ttl")


def test_base_conforms(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "base.ttl", data)
    report = validate(load(data, ROOT / "ontology"), shapes=ROOT / "ontology" / "shapes.ttl")
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("fixture", CASES, ids=lambda p: p.stem)
def test_fixture(fixture: Path, tmp_path: Path) -> None:
    match = SHAPE_ID.match(fixture.stem)
    assert match, f"{fixture.name}: name it Snn-valid.ttl or Snn-invalid-NN.ttl"
    shape_id, kind = match.groups()
    report = validate_fixture(fixture, tmp_path)
    if kind == "valid":
        assert report.conforms, report.to_text()
        return
    assert not report.conforms, f"{fixture.name} should be invalid"
    shapes = {p.shape for p in report.problems}
    assert all(s.startswith(f"tkgsh:{shape_id}-") for s in shapes), report.to_text()
    expected = int(fixture_header(fixture)["violations"])
    assert len(report.problems) == expected, report.to_text()


@pytest.mark.parametrize("shape", node_shapes(), ids=lambda s: s.split("#")[-1])
def test_every_shape_has_fixtures(shape: URIRef) -> None:
    shape_id = shape.split("#")[-1][:3]
    assert (FIXTURES / f"{shape_id}-valid.ttl").is_file()
    assert list(FIXTURES.glob(f"{shape_id}-invalid-*.ttl"))


def test_every_fixture_names_a_shape() -> None:
    ids = {s.split("#")[-1][:3] for s in node_shapes()}
    assert {c.stem[:3] for c in CASES} <= ids


@pytest.mark.parametrize("shape", node_shapes(), ids=lambda s: s.split("#")[-1])
def test_shape_is_documented(shape: URIRef) -> None:
    """Stable id in the IRI, a label, a comment, and a message on every constraint."""
    graph = shapes_graph()
    assert re.fullmatch(r"S\d\d-[A-Za-z]+", shape.split("#")[-1])
    assert shape.startswith(str(TKGSH))
    assert graph.value(shape, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    assert graph.value(shape, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    for prop in graph.objects(shape, SH.property):
        assert graph.value(prop, SH.message), f"a property shape of {shape} has no sh:message"
    for constraint in graph.objects(shape, SH.sparql):
        assert graph.value(constraint, SH.message), f"a SPARQL constraint of {shape} has no message"
    node_level = [SH["or"], SH.xone, SH["and"], SH["not"]]
    if any(graph.value(shape, p) is not None for p in node_level):
        assert graph.value(shape, SH.message), f"{shape} has a node-level constraint, no message"


def test_shapes_file_is_an_ontology() -> None:
    graph = shapes_graph()
    iri = URIRef("https://w3id.org/turkestan-kg/shapes")
    assert (iri, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in graph
    assert graph.value(iri, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
