"""Every vocabulary namespace the code uses, in one place.

>>> str(TKG.Tenure)
'https://w3id.org/turkestan-kg/ontology#Tenure'
>>> str(entity_ns("person").pyotr_kobozev).startswith(BASE)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from rdflib import Graph, Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
)

BASE = "https://w3id.org/turkestan-kg/"
TKG = Namespace(BASE + "ontology#")
TKGSH = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("http://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
CC = Namespace("http://creativecommons.org/ns#")

ONTOLOGY_IRI = BASE + "ontology"
SHAPES_IRI = BASE + "shapes"
ONTOLOGY_GRAPH = GRAPH["ontology"]

ENTITY_TYPES = (
    "organization",
    "person",
    "tenure",
    "membership",
    "event",
    "place",
    "group",
    "policy",
    "proposal",
    "statement",
    "dataset",
    "observation",
    "scheme",
    "note",
    "agent",
    "source",
)

CONCEPT_SCHEMES = ("ideology", "ethnic", "religion", "role", "outcome", "selection")


def entity_ns(kind: str) -> Namespace:
    """The namespace of one kind of entity, e.g. ``entity_ns("person")``."""
    if kind not in ENTITY_TYPES:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(ENTITY_TYPES)}")
    return Namespace(f"{BASE}{kind}/")


PREFIXES: dict[str, str] = {
    "tkg": str(TKG),
    "tkgsh": str(TKGSH),
    "graph": str(GRAPH),
    **{kind: f"{BASE}{kind}/" for kind in ENTITY_TYPES},
    "concept": BASE + "concept/",
    **{scheme: f"{BASE}concept/{scheme}/" for scheme in CONCEPT_SCHEMES},
    "section": BASE + "source/enwiki-cpt/",
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "qb": str(QB),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "wd": str(WD),
    "wdt": str(WDT),
    "cc": str(CC),
}


def curie(iri: object, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The shortest prefixed name for an IRI, else the IRI itself.

    >>> curie("https://w3id.org/turkestan-kg/concept/role/leader")
    'role:leader'
    """
    text = str(iri)
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace) and text != namespace:
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def expand(text: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The IRI a prefixed name stands for, with the project's prefixes; any other text as
    it is.

    >>> expand("foaf:Person")
    'http://xmlns.com/foaf/0.1/Person'
    >>> expand("https://example.org/x")
    'https://example.org/x'
    """
    prefix, sep, local = text.partition(":")
    if sep and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return text


G = TypeVar("G", bound=Graph)


def bind_prefixes(graph: G, extra: Mapping[str, str] | None = None) -> G:
    """Bind the project's prefixes (and ``extra``) on a graph, replacing rdflib's defaults."""
    for prefix, namespace in {**PREFIXES, **(extra or {})}.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


__all__ = [
    "BASE",
    "CC",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SHAPES_IRI",
    "SKOS",
    "TIME",
    "TKG",
    "TKGSH",
    "VOID",
    "WD",
    "WDT",
    "XSD",
    "bind_prefixes",
    "curie",
    "entity_ns",
]
