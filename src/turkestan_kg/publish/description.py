"""The dataset description published in ``dist/``: VoID statistics and a DCAT catalogue entry.

It starts from ``data/dataset.ttl`` (title, licence, attribution) and adds what only the build
knows: triple and entity counts, class and property partitions, the vocabularies used,
example resources, the Wikidata linkset, every distribution with its size and SHA-256, the
validation outcome, and the SPARQL endpoint when one is given.

It conforms to the DCAT-AP 3.0.0 shapes, which data portals check when they harvest: the
values those shapes check by class carry their class here (the publisher, the standard
the data conforms to, the licence, each checksum and its algorithm, media type and URL), every distribution has an access
URL (its download URL, as DCAT says for a file) and the dataset's licence, and the source
article is given as what the dataset was derived from (``prov:wasDerivedFrom``), not as
``dct:source``, which DCAT-AP keeps for a source *dataset*.

>>> from turkestan_kg.graph.dataset import load
>>> from rdflib import Graph
>>> g = describe(load(), files={}, conforms=True)
>>> g.value(DATASET, VOID.triples) is not None
True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import split_uri
from rdflib.term import Node

from ..formats import FORMATS
from ..graph.dataset import KnowledgeGraph
from ..namespaces import (
    BASE,
    DCAT,
    DCTERMS,
    FOAF,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    TKG,
    VOID,
    WD,
    XSD,
    bind_prefixes,
)

DATASET = URIRef(BASE + "dataset/turkestan-kg")
PART = Namespace(str(DATASET) + "#")
DOWNLOAD_BASE = BASE + "dist/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
MEDIA = Namespace("https://www.iana.org/assignments/media-types/")
VALIDATE_HOWTO = (
    "To validate a dump on its own, give the shapes and the ontology beside it, e.g. "
    "pyshacl -s shapes.ttl -e ontology.ttl turkestan-kg.ttl: the shapes' class checks follow "
    "the ontology's subclass axioms."
)
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DUMP_MEDIA_TYPES = {FORMATS[name].media_type for name in ("ntriples", "nquads", "turtle")}


@dataclass(frozen=True)
class Distribution:
    """A file of the build: its name, media type and bytes."""

    name: str
    media_type: str
    data: bytes
    about: str = ""
    """What the file is, when it is not the data itself (the ontology, the shapes...)."""

    @property
    def dump(self) -> bool:
        """Whether the file is the data, in a format VoID names as a dump."""
        return not self.about and self.media_type in DUMP_MEDIA_TYPES


def describe(
    kg: KnowledgeGraph,
    *,
    files: dict[str, Distribution],
    conforms: bool,
    problems: int = 0,
    sparql_endpoint: str | None = None,
    data: Graph | None = None,
) -> Graph:
    """The VoID/DCAT description of the data in ``kg`` and of the built ``files``
    (``data``: the merged data graph, when the caller has it already)."""
    data = kg.data_graph() if data is None else data
    out = bind_prefixes(Graph(), {"spdx": str(SPDX), "media": str(MEDIA)})
    _copy_with_blank_nodes(data, DATASET, out)
    _harvestable(out, data)
    _statistics(out, data)
    _partitions(out, data)
    _linkset(out, data)
    for dist in files.values():
        _distribution(out, dist)
    _validation(out, conforms, problems)
    if sparql_endpoint:
        _service(out, URIRef(sparql_endpoint))
    return out


def _service(out: Graph, endpoint: URIRef) -> None:
    """The SPARQL endpoint: VoID's link, and a DCAT data service serving the dataset."""
    service = PART["sparql-endpoint"]
    out.add((DATASET, VOID.sparqlEndpoint, endpoint))
    out.add((service, RDF.type, DCAT.DataService))
    out.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    out.add((service, DCAT.endpointURL, endpoint))
    out.add((endpoint, RDF.type, RDFS.Resource))
    out.add((service, DCAT.servesDataset, DATASET))
    out.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    out.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))


def _harvestable(out: Graph, data: Graph) -> None:
    """What the DCAT-AP shapes check by class, typed; the article out of ``dct:source``."""
    out.remove((DATASET, DCTERMS.source, None))
    for publisher in data.objects(DATASET, DCTERMS.publisher):
        _copy_with_blank_nodes(data, publisher, out)
        out.add((publisher, RDF.type, FOAF.Agent))  # a foaf:Organization is one
        for name in data.objects(publisher, SKOS.prefLabel):
            out.add((publisher, FOAF.name, name))
    for standard in data.objects(DATASET, DCTERMS.conformsTo):
        out.add((standard, RDF.type, DCTERMS.Standard))
    for licence in data.objects(DATASET, DCTERMS.license):
        out.add((licence, RDF.type, DCTERMS.LicenseDocument))
    out.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))


def _copy_with_blank_nodes(data: Graph, node: Node, out: Graph) -> None:
    """The statements about ``node`` and, recursively, about the blank nodes they use."""
    for s, p, o in data.triples((node, None, None)):
        out.add((s, p, o))
        if isinstance(o, BNode):
            _copy_with_blank_nodes(data, o, out)


def _statistics(out: Graph, data: Graph) -> None:
    entities = {s for s in data.subjects() if isinstance(s, URIRef) and s.startswith(BASE)}
    out.add((DATASET, VOID.triples, Literal(len(data))))
    out.add((DATASET, VOID.entities, Literal(len(entities))))
    out.add((DATASET, VOID.distinctSubjects, Literal(len(set(data.subjects())))))
    out.add((DATASET, VOID.properties, Literal(len(set(data.predicates())))))
    out.add((DATASET, VOID.classes, Literal(len(set(data.objects(None, RDF.type))))))
    for namespace in sorted(_vocabularies(data)):
        out.add((DATASET, VOID.vocabulary, URIRef(namespace)))


def _vocabularies(data: Graph) -> set[str]:
    terms = set(data.predicates()) | set(data.objects(None, RDF.type))
    return {split_uri(t)[0] for t in terms if isinstance(t, URIRef)}


def _partitions(out: Graph, data: Graph) -> None:
    classes = Counter(o for _, o in data.subject_objects(RDF.type))
    for cls, count in sorted(classes.items()):
        node = PART["class-" + _slug(cls)]
        out.add((DATASET, VOID.classPartition, node))
        out.add((node, VOID["class"], cls))
        out.add((node, VOID.entities, Literal(count)))
    properties = Counter(p for _, p, _ in data)
    for prop, count in sorted(properties.items()):
        node = PART["property-" + _slug(prop)]
        out.add((DATASET, VOID.propertyPartition, node))
        out.add((node, VOID.property, prop))
        out.add((node, VOID.triples, Literal(count)))


def _linkset(out: Graph, data: Graph) -> None:
    links = [o for o in data.objects(None, SKOS.exactMatch) if str(o).startswith(str(WD))]
    node = PART["wikidata-linkset"]
    out.add((DATASET, VOID.subset, node))
    out.add((node, RDF.type, VOID.Linkset))
    out.add((node, VOID.linkPredicate, SKOS.exactMatch))
    out.add((node, VOID.target, DATASET))
    out.add((node, VOID.target, URIRef("http://www.wikidata.org/")))
    out.add((node, VOID.triples, Literal(len(links))))
    out.add(
        (
            node,
            DCTERMS.description,
            Literal(
                "Curated links to Wikidata items, reviewed against the project's reference list.",
                lang="en",
            ),
        )
    )


def _distribution(out: Graph, dist: Distribution) -> None:
    node = PART["distribution-" + _slug(URIRef(dist.name))]
    url = URIRef(DOWNLOAD_BASE + dist.name)
    checksum = PART["sha256-" + _slug(URIRef(dist.name))]
    out.add((DATASET, DCAT.distribution, node))
    out.add((node, RDF.type, DCAT.Distribution))
    out.add((node, DCTERMS.title, Literal(dist.name)))
    out.add((node, DCAT.downloadURL, url))
    out.add((node, DCAT.accessURL, url))
    out.add((url, RDF.type, RDFS.Resource))
    out.add((node, DCAT.mediaType, MEDIA[dist.media_type]))
    out.add((MEDIA[dist.media_type], RDF.type, DCTERMS.MediaType))
    for licence in out.objects(DATASET, DCTERMS.license):
        out.add((node, DCTERMS.license, licence))
    out.add((node, DCAT.byteSize, Literal(len(dist.data), datatype=XSD.nonNegativeInteger)))
    out.add((node, SPDX.checksum, checksum))
    out.add((checksum, RDF.type, SPDX.Checksum))
    out.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    out.add(
        (
            checksum,
            SPDX.checksumValue,
            Literal(hashlib.sha256(dist.data).hexdigest(), datatype=XSD.hexBinary),
        )
    )
    if dist.about:
        out.add((node, DCTERMS.description, Literal(dist.about, lang="en")))
    if dist.dump:
        out.add((DATASET, VOID.dataDump, url))


def _validation(out: Graph, conforms: bool, problems: int) -> None:
    out.add((DATASET, TKG.conformsToShapes, Literal(conforms)))
    out.add((DATASET, TKG.validationProblems, Literal(problems)))
    out.add((DATASET, TKG.validationReport, URIRef(DOWNLOAD_BASE + "validation-report.ttl")))
    # The shapes' sh:class checks follow the ontology's subclass axioms: a dump is validated
    # with the ontology beside it.
    out.add((DATASET, DCTERMS.requires, URIRef(DOWNLOAD_BASE + "ontology.ttl")))
    out.add((DATASET, RDFS.comment, Literal(VALIDATE_HOWTO, lang="en")))
    if not conforms:
        out.remove((DATASET, DCTERMS.conformsTo, None))


def _slug(term: Node) -> str:
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace):
            text = f"{prefix}-{text[len(namespace) :]}"
            break
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
