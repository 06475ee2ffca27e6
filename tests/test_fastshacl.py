"""Differential tests: the fast engine's report equals pySHACL's, result for result."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import Node

from compare import RESULT_KEYS
from turkestan_kg.errors import UsageError
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.files import parse_file
from turkestan_kg.namespaces import SH
from turkestan_kg.synth.roll import synth
from turkestan_kg.validation.compile import UnsupportedShape, compile_shapes
from turkestan_kg.validation.execute import validate_graph

ROOT = Path(__file__).resolve().parents[1]
SHAPES = parse_file(ROOT / "ontology" / "shapes.ttl")
FIXTURES = sorted((ROOT / "tests" / "shapes").glob("S*.ttl"))


def results(report: Graph) -> Counter[tuple[Node | None, ...]]:
    """Every validation result as a tuple of its terms, as a multiset."""
    keys = (*RESULT_KEYS, SH.resultMessage)
    return Counter(
        tuple(report.value(r, k) for k in keys) for r in report.subjects(SH.focusNode, None)
    )


def both(data: Graph) -> tuple[tuple[bool, Counter], tuple[bool, Counter]]:  # type: ignore[type-arg]
    import pyshacl

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=SHAPES, inference="none", advanced=True
    )
    fast_conforms, fast_report = validate_graph(data, SHAPES)
    return (fast_conforms, results(fast_report)), (bool(conforms), results(report))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_same_report_as_pyshacl_on_every_fixture(fixture: Path, tmp_path: Path) -> None:
    if "standalone" not in fixture.read_text(encoding="utf-8"):
        shutil.copy(ROOT / "tests" / "shapes" / "base.ttl", tmp_path)
    shutil.copy(fixture, tmp_path)
    fast, reference = both(load(tmp_path, ROOT / "ontology").merged())
    assert fast == reference


def test_same_report_on_the_shipped_data(kg) -> None:  # type: ignore[no-untyped-def]
    fast, reference = both(kg.merged())
    assert fast == reference == (True, Counter())


def test_same_report_on_a_broken_synthetic_roll(kg) -> None:  # type: ignore[no-untyped-def]
    data = kg.merged()
    for triple in synth(members=60, seed=11, defects=0.05).graph:
        data.add(triple)
    fast, reference = both(data)
    assert fast == reference
    assert sum(fast[1].values()) == 15


def test_unsupported_features_are_refused() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 3 ] .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="minLength"):
        compile_shapes(shapes)


REFUSED = {
    "standalone property shape": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
        "e/S> uses targets outside a sh:NodeShape",
    ),
    "untyped shape": ("ex:S sh:targetNode ex:a ; sh:severity sh:Warning .", "e/S> uses targets"),
    "inverse path": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
        "ex:P sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 .",
        "e/P> uses a sh:path other than a predicate or a sequence",
    ),
    "datatype without a well-formedness test": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P . "
        "ex:P sh:path ex:p ; sh:datatype xsd:byte .",
        "XMLSchema#byte> (whose ill-formed literals",
    ),
    "$this in a nested group": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
        '"SELECT $this WHERE { { FILTER ($this = <http://e/a>) } }" ] .',
        "$this bound by the query or tested in a nested group",
    ),
    "VALUES": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
        '"SELECT $this WHERE { $this ?p ?o VALUES ?o { 1 } }" ] .',
        "uses VALUES",
    ),
    "an undeclared prefix": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
        '"SELECT $this WHERE { $this nope:p ?o }" ] .',
        "the undeclared prefixes nope:",
    ),
}


@pytest.mark.parametrize("shape, message", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_fast_engine_cannot_compile_is_refused_before_it_runs(
    shape: str, message: str
) -> None:
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> . "
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . " + shape,
        format="turtle",
    )
    with pytest.raises(UsageError) as refused:
        compile_shapes(shapes)
    assert message in str(refused.value)
    assert "--engine auto" in str(refused.value)


def test_ill_formed_literals_are_violations() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:gYear ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data='@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . <http://e/a> <http://e/p> "19x"^^xsd:gYear , "1920"^^xsd:gYear .',
        format="turtle",
    )
    conforms, report = validate_graph(data, shapes)
    assert not conforms
    assert [str(v) for v in report.objects(None, SH.value)] == ["19x"]
