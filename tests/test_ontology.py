"""The ontology: metadata, every term labelled and defined, every term the data uses declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import DCTERMS, OWL, RDF, RDFS, SKOS, TKG

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = Graph().parse(ROOT / "ontology" / "turkestan-kg.ttl")
KINDS = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]
TERMS = sorted(
    {s for kind in KINDS for s in ONTOLOGY.subjects(RDF.type, kind) if str(s).startswith(str(TKG))},
    key=str,
)


def test_ontology_metadata() -> None:
    iri = URIRef("https://w3id.org/turkestan-kg/ontology")
    assert (iri, RDF.type, OWL.Ontology) in ONTOLOGY
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.source,
    ):
        assert ONTOLOGY.value(iri, prop) is not None, prop


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.split("#")[-1])
def test_term_is_labelled_and_defined(term: URIRef) -> None:
    assert ONTOLOGY.value(term, RDFS.label) is not None
    assert ONTOLOGY.value(term, SKOS.definition) is not None


def test_every_tkg_term_the_data_uses_is_declared(kg: KnowledgeGraph) -> None:
    declared = set(ONTOLOGY.subjects())
    used = {
        term
        for triple in kg.data_graph()
        for term in (triple[1], triple[2])
        if isinstance(term, URIRef) and str(term).startswith(str(TKG)) and term != URIRef(TKG)
    }
    assert used, "expected the data to use the ontology"
    assert used - declared == set()
