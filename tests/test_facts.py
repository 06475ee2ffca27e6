"""Every fact of the source article is in the graph, with its precision and its source.

Each case is a SPARQL ASK over the whole dataset; the id says which fact it checks.
"""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Literal, URIRef

from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import GRAPH, PREFIXES, PROV, RDF, SKOS, TKG

PREAMBLE = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"
ETHNIC = "https://w3id.org/turkestan-kg/concept/ethnic/"

FACTS = {
    "names-en": 'organization:communist-party-of-turkestan skos:prefLabel "Communist Party of Turkestan"@en',
    "names-ru": 'organization:communist-party-of-turkestan skos:prefLabel "Коммунистическая партия Туркестана"@ru',
    "names-uz": 'organization:communist-party-of-turkestan skos:prefLabel "Turkiston Kommunistik partiyasi"@uz-Latn',
    "names-tg": 'organization:communist-party-of-turkestan skos:prefLabel "Ҳизби Коммунистии Туркистон"@tg-Cyrl',
    "names-ky": 'organization:communist-party-of-turkestan skos:prefLabel "Түркстан коммунисттик партиясы"@ky-Cyrl',
    "founded-month": 'organization:communist-party-of-turkestan schema:foundingDate "1918-06"^^xsd:gYearMonth',
    "dissolved-month": 'organization:communist-party-of-turkestan schema:dissolutionDate "1924-02"^^xsd:gYearMonth',
    "dissolution-reason": """event:dissolution-1924 a tkg:Dissolution ;
        tkg:concerns organization:communist-party-of-turkestan ;
        tkg:relatedPlace place:soviet-central-asia ; tkg:reason ?r .
        FILTER CONTAINS(STR(?r), "boundaries of Soviet Central Asia")""",
    "parent-party": "organization:communist-party-of-turkestan org:subOrganizationOf organization:rcpb",
    "parent-name": 'organization:rcpb skos:prefLabel "Russian Communist Party (Bolsheviks)"@en ; skos:altLabel "RCP(b)"@en',
    "operating-area": "organization:communist-party-of-turkestan tkg:operatingArea place:turkestan-assr",
    "republic-name": 'place:turkestan-assr skos:prefLabel "Turkestan Autonomous Soviet Socialist Republic"@en',
    "country-as-stated": "organization:communist-party-of-turkestan tkg:country place:soviet-union",
    "country-qualified": """statement:party-country rdf:object place:soviet-union ;
        tkg:validFrom "1922-12-30"^^xsd:date ; skos:editorialNote ?note""",
    "ideologies": """organization:communist-party-of-turkestan
        tkg:ideology ideology:communism , ideology:marxism , ideology:leninism""",
    "territorial-committee": "organization:territorial-committee org:unitOf organization:communist-party-of-turkestan",
    "musbiuro-unit": 'organization:musbiuro org:unitOf organization:territorial-committee ; skos:altLabel "Musbiuro"@en',
    "musbiuro-formed-1919": """event:musbiuro-founding-1919 tkg:concerns organization:musbiuro ;
        prov:wasInformedBy event:rcpb-guidance-1919 ;
        time:hasTime/time:inXSDgYear "1919"^^xsd:gYear""",
    "guidance-spring-1919": """event:rcpb-guidance-1919 tkg:agent organization:rcpb ;
        time:hasTime [ time:inXSDgYear "1919"^^xsd:gYear ; tkg:edtf "1919-21" ] ;
        tkg:quotation "particular care and attention"@en""",
    "musbiuro-chair": """?m org:member person:turar-risqulov ; org:organization organization:musbiuro ;
        org:role concept-role:chairman ; tkg:selection concept-selection:election""",
    "chair-ethnicity": "person:turar-risqulov tkg:ethnicity concept-ethnic:kazakhs",
    "chair-home-town": 'person:turar-risqulov tkg:comesFrom place:awliya-ata . place:awliya-ata skos:prefLabel "Awliya Ata"@en',
    "jadids-joined": """event:jadids-join-1918 tkg:agent group:jadids ;
        tkg:concerns organization:communist-party-of-turkestan ; tkg:extent "a large section"@en ;
        time:hasTime/time:inXSDgYearMonth "1918-06"^^xsd:gYearMonth""",
    "congress-1920": """event:fifth-territorial-congress-1920 a tkg:Congress ; tkg:ordinal 5 ;
        time:hasTime/time:inXSDgYear "1920"^^xsd:gYear""",
    "congress-proposal": """event:fifth-territorial-congress-1920 tkg:proposal ?p .
        ?p skos:prefLabel ?l ; tkg:outcome concept-outcome:ignored ; tkg:respondent organization:rcpb .
        FILTER CONTAINS(STR(?l), "unified Turkic Soviet Republic")""",
    "religious-criteria": """policy:religious-criteria tkg:aim ?aim .
        FILTER CONTAINS(STR(?aim), "Muslim masses")""",
    "purge-grounds": 'event:purge-1922 tkg:grounds "religious prejudice"@en ; tkg:appliedPolicy policy:religious-criteria',
    "purge-orthodox-1500": """?o qb:dataSet dataset:purge-1922 ;
        tkg:religiousCategory concept-religion:russian-orthodox ;
        tkg:purgedCount 1500""",
    "purge-muslim-zero": """?o qb:dataSet dataset:purge-1922 ; tkg:religiousCategory concept-religion:muslim ;
        tkg:purgedCount 0""",
    "composition-total": """?o qb:dataSet dataset:composition-1922 ; tkg:isTotal true ;
        tkg:memberCount 18945""",
    "see-also": "organization:communist-party-of-turkestan rdfs:seeAlso <https://en.wikipedia.org/wiki/Ush_Zhuz>",
    "license": "dataset:turkestan-kg dcterms:license <https://creativecommons.org/licenses/by-sa/4.0/> ; dcterms:rights ?r",
    "curated-modern-name": 'GRAPH graph:curation { place:awliya-ata tkg:modernName "Taraz"@en }',
    "curated-ussr-date": 'GRAPH graph:curation { place:soviet-union schema:foundingDate "1922-12-30"^^xsd:date }',
}

EXTRA = (
    "PREFIX concept-role: <https://w3id.org/turkestan-kg/concept/role/>\n"
    "PREFIX concept-selection: <https://w3id.org/turkestan-kg/concept/selection/>\n"
    f"PREFIX concept-ethnic: <{ETHNIC}>\n"
    "PREFIX concept-outcome: <https://w3id.org/turkestan-kg/concept/outcome/>\n"
    "PREFIX concept-religion: <https://w3id.org/turkestan-kg/concept/religion/>\n"
    "PREFIX ideology: <https://w3id.org/turkestan-kg/concept/ideology/>\n"
)


@pytest.mark.parametrize("pattern", FACTS.values(), ids=FACTS.keys())
def test_fact(kg: KnowledgeGraph, pattern: str) -> None:
    assert kg.query(PREAMBLE + EXTRA + "ASK { " + pattern + " }").askAnswer


COMPOSITION = [
    ("russians", 9424, "49.7"),
    ("kazakh-kyrgyz", 4409, "23.3"),
    ("uzbek", 2021, "10.7"),
    ("turkmen", 867, "4.6"),
    ("tajik", 421, "2.2"),
    ("others", 1803, "9.5"),
]


@pytest.mark.parametrize(("category", "count", "pct"), COMPOSITION, ids=[c[0] for c in COMPOSITION])
def test_composition_row(kg: KnowledgeGraph, category: str, count: int, pct: str) -> None:
    query = (
        PREAMBLE + "SELECT ?n ?p WHERE { ?o qb:dataSet dataset:composition-1922 ; "
        "tkg:ethnicCategory ?c ; tkg:memberCount ?n ; tkg:percentage ?p }"
    )
    rows: list[Any] = list(kg.query(query, initBindings={"c": URIRef(ETHNIC + category)}))
    assert [(r.n.toPython(), str(r.p)) for r in rows] == [(count, pct)]


def test_one_tenure_node_per_period(kg: KnowledgeGraph) -> None:
    query = (
        PREAMBLE
        + """SELECT ?name (COUNT(?t) AS ?n) WHERE {
        ?t a tkg:Tenure ; org:member/skos:prefLabel ?name } GROUP BY ?name"""
    )
    result: list[Any] = list(kg.query(query))
    counts = {str(r.name): int(r.n) for r in result}
    assert counts == {
        "Pyotr Kobozev": 1,
        "Nazir Turiakylov": 1,
        "Abdullo Rakhimbayev": 2,
        "Ferdinand Svetlov": 1,
    }


FACT_CLASSES = [TKG.Tenure, TKG.Event, TKG.Proposal, TKG.Policy, TKG.CountryStatement]


@pytest.mark.parametrize("cls", FACT_CLASSES, ids=lambda c: c.split("#")[-1])
def test_fact_nodes_cite_a_source_section(kg: KnowledgeGraph, cls: URIRef) -> None:
    nodes: set[Any] = set(
        kg.query(PREAMBLE + f"SELECT ?n WHERE {{ ?n a/rdfs:subClassOf* <{cls}> }}")
    )
    assert nodes
    for (node,) in nodes:
        sections = set(kg.objects(node, PROV.wasDerivedFrom))
        assert any((s, RDF.type, TKG.SourceSection) in kg for s in sections), node


def test_every_source_graph_points_at_a_section_or_the_curators(kg: KnowledgeGraph) -> None:
    for graph in kg.graphs():
        if not len(graph) or graph.identifier == GRAPH["ontology"]:
            continue
        derived = kg.value(graph.identifier, PROV.wasDerivedFrom)
        attributed = kg.value(graph.identifier, PROV.wasAttributedTo)
        assert derived is not None or attributed is not None, graph.identifier


def test_curatorial_knowledge_stays_out_of_source_graphs(kg: KnowledgeGraph) -> None:
    """The modern name and the USSR's founding date are only in the curators' graph."""
    for triple in [
        (None, TKG.modernName, None),
        (None, TKG.validFrom, None),
        (None, SKOS.editorialNote, None),
    ]:
        assert [p.name for p in kg.files_stating(triple)] == ["curation.ttl"]
    assert Literal("Taraz", lang="en") in set(kg.objects(None, TKG.modernName))
