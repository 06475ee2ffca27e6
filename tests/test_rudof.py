"""rudof (pyrudof), an independent SHACL engine in Rust, on the data and the shapes.

pyrudof 0.3.35 writes blank-node focus nodes into a SPARQL VALUES clause, which SPARQL does
not allow ("expected UNDEF"), so it cannot validate a graph that has blank nodes (the
tenures' time intervals here). Skolemised, as RDF 1.1 permits (each blank node replaced by
a fresh IRI under /.well-known/genid/), the graph validates: rudof finds it conforming, and
finds the fault the project's engine finds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from turkestan_kg.graph.dataset import KnowledgeGraph, load
from turkestan_kg.paths import project_root
from turkestan_kg.validation.engines import validate

pyrudof = pytest.importorskip("pyrudof")

SHAPES = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"


def rudof(graph: Graph, tmp_path: Path) -> tuple[bool, int]:
    """rudof's verdict on ``graph`` (skolemised first) and the shapes: conforms, results."""
    data = tmp_path / "data.nt"
    graph.skolemize().serialize(data, format="nt", encoding="utf-8")
    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    engine.read_data(str(data), format=pyrudof.RDFFormat.NTriples)
    engine.read_shacl(str(SHAPES))
    report = engine.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)
    return bool(report.conforms), len(report)


def test_rudof_finds_the_data_conforming(kg: KnowledgeGraph, tmp_path: Path) -> None:
    assert rudof(kg.merged(), tmp_path) == (True, 0)


def test_rudof_and_the_project_find_the_same_fault(tmp_path: Path) -> None:
    """The Russians' count changed by one: the shares no longer fit the counts."""
    data = tmp_path / "data"
    shutil.copytree(project_root() / "data", data)
    table = data / "ethnic-composition.ttl"
    text = table.read_text(encoding="utf-8")
    assert "tkg:memberCount 9424 ;" in text
    table.write_text(text.replace("tkg:memberCount 9424 ;", "tkg:memberCount 9425 ;"))
    broken = load(data)
    ours = validate(broken)
    assert not ours.conforms
    conforms, results = rudof(broken.merged(), tmp_path)
    assert not conforms and results == len(ours.problems)
