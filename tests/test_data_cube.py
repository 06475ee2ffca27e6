"""The statistics are a well-formed RDF Data Cube: the Recommendation's integrity constraints
IC-1 to IC-21 (queries/data-cube/, its own SPARQL) pass on the published dump alone and with
the ontology, and each constraint is shown to catch the fault it names on a small cube."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from turkestan_kg.paths import project_root
from turkestan_kg.validation.cube import constraint_files, cube_violations, normalized

PREFIXES = """
@prefix ex:   <http://example.org/> .
@prefix qb:   <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

# a well-formed cube in its abbreviated form (the constraints see it normalized): two
# dimensions, one coded, a measure and an optional attribute; and a cube with a measure
# dimension (qb:measureType) and two measures, each observed at the one point
CUBE = """
ex:dsd a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:year ] , [ qb:dimension ex:area ] ,
                 [ qb:measure ex:count ] , [ qb:attribute ex:note ; qb:componentRequired false ] .
ex:year rdfs:range xsd:gYear .
ex:area rdfs:range skos:Concept ; qb:codeList ex:areas .
ex:areas a skos:ConceptScheme .
ex:north a skos:Concept ; skos:inScheme ex:areas .
ex:south a skos:Concept ; skos:inScheme ex:areas .
ex:ds a qb:DataSet ; qb:structure ex:dsd .
ex:o1 qb:dataSet ex:ds ; ex:year "2000"^^xsd:gYear ; ex:area ex:north ; ex:count 1 .
ex:o2 qb:dataSet ex:ds ; ex:year "2000"^^xsd:gYear ; ex:area ex:south ; ex:count 2 .

ex:dsdM a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:year ] , [ qb:dimension qb:measureType ] ,
                 [ qb:measure ex:count ] , [ qb:measure ex:share ] .
qb:measureType rdfs:range qb:MeasureProperty .
ex:dsM a qb:DataSet ; qb:structure ex:dsdM .
ex:m1 qb:dataSet ex:dsM ; ex:year "2000"^^xsd:gYear ; qb:measureType ex:count ; ex:count 3 .
ex:m2 qb:dataSet ex:dsM ; ex:year "2000"^^xsd:gYear ; qb:measureType ex:share ; ex:share 50 .
"""

HIERARCHY = """
ex:dsd qb:component [ qb:dimension ex:unit ] .
ex:unit rdfs:range skos:Concept ; qb:codeList ex:tree .
ex:tree a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:root ; qb:parentChildProperty {link} .
ex:root ex:hasPart ex:branch .
ex:branch ex:partOf ex:root .
ex:o1 ex:unit ex:branch .
ex:o2 ex:unit {unit} .
"""

# each constraint, and what breaks it
FAULTS = {
    "ic-01": "ex:o3 a qb:Observation .",
    "ic-02": "ex:ds qb:structure ex:dsdM .",
    "ic-03": "ex:dsd3 a qb:DataStructureDefinition ; qb:component [ qb:dimension ex:year ] .",
    "ic-04": "ex:level a qb:DimensionProperty .",
    "ic-05": "ex:level a qb:DimensionProperty ; rdfs:range skos:Concept .",
    "ic-06": "ex:dsd qb:component [ qb:measure ex:count ; qb:componentRequired false ] .",
    "ic-07": "ex:key a qb:SliceKey .",
    "ic-08": "ex:dsd qb:sliceKey ex:key . ex:key a qb:SliceKey ; qb:componentProperty ex:other .",
    "ic-09": "ex:slice a qb:Slice .",
    "ic-10": "ex:dsd qb:sliceKey ex:key . ex:key a qb:SliceKey ; qb:componentProperty ex:year . "
    "ex:slice a qb:Slice ; qb:sliceStructure ex:key .",
    "ic-11": 'ex:o3 qb:dataSet ex:ds ; ex:year "2001"^^xsd:gYear ; ex:count 3 .',
    "ic-12": 'ex:o3 qb:dataSet ex:ds ; ex:year "2000"^^xsd:gYear ; ex:area ex:north ; ex:count 9 .',
    "ic-13": "ex:dsd qb:component [ qb:attribute ex:unit ; qb:componentRequired true ] .",
    "ic-14": 'ex:o3 qb:dataSet ex:ds ; ex:year "2001"^^xsd:gYear ; ex:area ex:north .',
    "ic-15": 'ex:m3 qb:dataSet ex:dsM ; ex:year "2001"^^xsd:gYear ; qb:measureType ex:count . '
    'ex:m4 qb:dataSet ex:dsM ; ex:year "2001"^^xsd:gYear ; qb:measureType ex:share ; ex:share 1 .',
    "ic-16": "ex:m1 ex:share 7 .",
    "ic-17": 'ex:m3 qb:dataSet ex:dsM ; ex:year "2001"^^xsd:gYear ; qb:measureType ex:count ; '
    "ex:count 4 .",
    "ic-18": "ex:ds qb:slice ex:slice . ex:slice qb:observation ex:m1 .",
    "ic-19a": 'ex:o3 qb:dataSet ex:ds ; ex:year "2001"^^xsd:gYear ; ex:area ex:east ; ex:count 1 .',
    "ic-19b": "ex:dsd qb:component [ qb:dimension ex:kind ] . ex:kind rdfs:range skos:Concept ; "
    "qb:codeList ex:kinds . ex:kinds a skos:Collection ; skos:member ex:a . "
    "ex:a a skos:Concept . ex:o1 ex:kind ex:a . ex:o2 ex:kind ex:b .",
    "ic-20": HIERARCHY.format(link="ex:hasPart", unit="ex:stranger"),
    "ic-21": HIERARCHY.format(link="[ owl:inverseOf ex:partOf ]", unit="ex:stranger"),
}


def cube(*extra: str) -> Graph:
    return Graph().parse(data=PREFIXES + CUBE + "\n".join(extra), format="turtle")


@pytest.fixture(scope="module")
def dump(dist: Path) -> Graph:
    return Graph().parse(dist / "turkestan-kg.nt", format="nt")


def test_the_dump_alone_is_a_well_formed_cube(dump: Graph) -> None:
    assert cube_violations(dump) == []


def test_the_dump_with_the_ontology_is_a_well_formed_cube(dump: Graph) -> None:
    ontology = Graph().parse(project_root() / "ontology" / "turkestan-kg.ttl")
    assert cube_violations(dump + ontology) == []


def test_the_dump_is_published_normalized(dump: Graph) -> None:
    """Normalizing adds nothing: a checker that skips the normalization reads the same."""
    store = normalized(dump, project_root() / "queries" / "data-cube")
    assert len(store) == len(dump)


def test_every_constraint_has_its_fault_here() -> None:
    assert sorted(FAULTS) == [path.stem for path in constraint_files()]


def test_the_small_cube_is_well_formed() -> None:
    assert cube_violations(cube()) == []
    for link in ("ex:hasPart", "[ owl:inverseOf ex:partOf ]"):
        assert cube_violations(cube(HIERARCHY.format(link=link, unit="ex:root"))) == []


def test_an_iri_parent_child_property_with_an_inverse_is_ic20s_alone() -> None:
    """A hierarchy whose parent-child property is an IRI that has an owl:inverseOf is
    walked by IC-20 only; IC-21 walks inverses given as a blank node (as the Recommendation's
    instances query has it), so this well-formed cube breaks neither."""
    inverse = "ex:hasPart owl:inverseOf ex:isPartOf ."
    assert cube_violations(cube(HIERARCHY.format(link="ex:hasPart", unit="ex:root"), inverse)) == []


@pytest.mark.parametrize("constraint", sorted(FAULTS))
def test_each_constraint_catches_its_fault(constraint: str) -> None:
    assert constraint in cube_violations(cube(FAULTS[constraint]))
