"""The published dist/: every format the same graph, JSON-LD done properly, a description,
checksums, byte-stable and atomic builds."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from turkestan_kg import build
from turkestan_kg.errors import BuildError
from turkestan_kg.formats import FORMATS
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import DCTERMS, FOAF, SKOS, TKG, VOID
from turkestan_kg.publish.dist import SUPPORTING
from turkestan_kg.publish.provenance import split
from turkestan_kg.publish.rdf import with_provenance

DATASET = URIRef("https://w3id.org/turkestan-kg/dataset/turkestan-kg")


def lower_languages(graph: Graph) -> Graph:
    """Language tags compare case-insensitively (RDF 1.1); pyld writes them in lower case."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=lambda f: f.name)
def test_every_format_parses_back_to_the_source_graph(dist: Path, kg: KnowledgeGraph, fmt) -> None:  # type: ignore[no-untyped-def]
    path = dist / f"turkestan-kg{fmt.file_extension}"
    if fmt.keeps_graphs:
        dataset = Dataset()
        dataset.parse(path, format=fmt.rdflib_name)
        graphs = {g.identifier for g in dataset.graphs() if len(g)}
        assert len(graphs) == len([g for g in kg.graphs() if len(g)]) - 1  # all but the ontology
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, kg.data_graph())
        recovered = with_provenance(as_knowledge_graph(dataset))
        assert isomorphic(recovered, with_provenance(kg))
    else:
        flat = Graph().parse(path, format=fmt.rdflib_name)
        facts, _ = split(flat)
        assert isomorphic(facts, kg.data_graph())
        assert isomorphic(flat, with_provenance(kg))  # every fact with the sources its graphs give


def as_knowledge_graph(dataset: Dataset) -> KnowledgeGraph:
    """The named graphs of a parsed dump, as the loader would hold them."""
    kg = KnowledgeGraph()
    for s, p, o, name in dataset.quads((None, None, None, None)):
        kg.graph(name).add((s, p, o))
    return kg


@pytest.mark.parametrize("mode", ["json-ld-1.1", "json-ld-1.0"])
def test_an_independent_jsonld_processor_reads_the_same_graph(
    dist: Path, kg: KnowledgeGraph, mode: str
) -> None:
    """pyld reads the same graph as rdflib, as a JSON-LD 1.1 processor and as a 1.0 one (the
    dump uses nothing 1.1 added, so readers such as Jena's jsonld-java take it too)."""
    document = json.loads((dist / "turkestan-kg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": mode})
    by_pyld = Graph().parse(data=nquads, format="nt")
    by_rdflib = Graph().parse(dist / "turkestan-kg.jsonld", format="json-ld")
    assert isomorphic(by_rdflib, with_provenance(kg))
    # pyld lower-cases language tags (which RDF 1.1 allows: tags compare without case), so
    # the graphs are compared with the tags lowered, as graphs (isomorphism)
    assert isomorphic(lower_languages(by_pyld), lower_languages(by_rdflib))


def test_context_lists_only_what_is_used(dist: Path, kg: KnowledgeGraph) -> None:
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    data = kg.data_graph()
    iris = {str(t) for triple in data for t in triple if isinstance(t, URIRef)}
    iris |= {str(o.datatype) for o in data.objects() if isinstance(o, Literal) and o.datatype}
    prefixes = {
        k: v
        for k, v in context.items()
        if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))
    }
    for prefix, namespace in prefixes.items():
        assert any(i.startswith(namespace) for i in iris), prefix
    predicates = {str(p) for p in data.predicates()}
    for name, definition in context.items():
        if isinstance(definition, dict):
            prefix, _, local = definition["@id"].partition(":")
            assert prefixes[prefix] + local in predicates, name
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["@base"] == "https://w3id.org/turkestan-kg/"


def test_jsonld_values_read_as_plain_json(dist: Path) -> None:
    document = json.loads((dist / "turkestan-kg.jsonld").read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in document["@graph"] if "id" in node}
    party = nodes["organization/communist-party-of-turkestan"]
    assert party["prefLabel"]["uz-Latn"] == "Turkiston Kommunistik partiyasi"
    assert party["subOrganizationOf"] == "organization/rcpb"
    russians = nodes["observation/composition-1922-russians"]
    assert russians["memberCount"] == 9424 and russians["isTotal"] is False
    assert russians["percentage"] == "49.7"


def test_framed_views_nest_what_applications_need(dist: Path) -> None:
    party = json.loads((dist / "frames/party.jsonld").read_text(encoding="utf-8"))["@graph"]
    [node] = party
    tenures = node["tenures"]
    assert len(tenures) == 5
    names = sorted(t["member"]["prefLabel"]["en"] for t in tenures)
    assert names.count("Abdullo Rakhimbayev") == 2
    people = json.loads((dist / "frames/people.jsonld").read_text(encoding="utf-8"))["@graph"]
    assert len(people) == 5
    [turar] = [p for p in people if p["id"] == "person/turar-risqulov"]
    assert turar["roles"]["role"]["prefLabel"]["en"] == "chairman"
    assert turar["comesFrom"]["prefLabel"]["en"] == "Awliya Ata"


def test_description_counts_and_partitions(dist: Path, kg: KnowledgeGraph) -> None:
    void = Graph().parse(dist / "void.ttl")
    data = kg.data_graph()
    assert void.value(DATASET, VOID.triples) == Literal(len(data))
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by-sa/4.0/"
    )
    persons = [
        p
        for p in void.objects(DATASET, VOID.classPartition)
        if void.value(p, VOID["class"]) == FOAF.Person
    ]
    assert [int(str(void.value(p, VOID.entities))) for p in persons] == [5]
    [linkset] = [s for s in void.objects(DATASET, VOID.subset)]
    assert void.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    assert int(str(void.value(linkset, VOID.triples))) == 13
    assert void.value(DATASET, TKG.conformsToShapes) == Literal(True)
    assert URIRef("http://www.w3.org/ns/org#") in set(void.objects(DATASET, VOID.vocabulary))


def test_description_checksums_match_the_files(dist: Path) -> None:
    void = Graph().parse(dist / "void.ttl")
    spdx = "http://spdx.org/rdf/terms#"
    checked = 0
    for node in void.objects(DATASET, URIRef("http://www.w3.org/ns/dcat#distribution")):
        name = str(void.value(node, DCTERMS.title))
        checksum = void.value(node, URIRef(spdx + "checksum"))
        value = str(void.value(checksum, URIRef(spdx + "checksumValue")))
        assert value == hashlib.sha256((dist / name).read_bytes()).hexdigest()
        checked += 1
    assert checked == len(FORMATS) + len(SUPPORTING)  # the dumps, and the files beside them


def test_sha256sums_cover_every_file(dist: Path) -> None:
    listed = {}
    for line in (dist / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    files = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids |= {v for k, v in attrs if k == "id" and v}


def test_html_docs_have_an_anchor_per_term_and_shape(dist: Path, root: Path) -> None:
    ontology = Graph().parse(root / "ontology" / "turkestan-kg.ttl")
    terms = {
        str(s).split("#")[1]
        for s in ontology.subjects()
        if isinstance(s, URIRef)
        and str(s).startswith(str(TKG))
        and (s, None, None) in ontology
        and str(s) != str(TKG)
    }
    parser = Anchors()
    parser.feed((dist / "docs/index.html").read_text(encoding="utf-8"))
    declared = {
        t
        for t in terms
        if (TKG[t], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in ontology
    }
    assert declared <= parser.ids
    shapes = Anchors()
    shapes.feed((dist / "docs/shapes.html").read_text(encoding="utf-8"))
    assert {"S01-Label", "S18-CountryStatement"} <= shapes.ids


def build_in_a_process(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "turkestan_kg.cli", "build", "--out", str(out)],
        check=True,
        capture_output=True,
    )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build_in_a_process(tmp_path / "a")
    build_in_a_process(tmp_path / "b")
    files_a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    files_b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert files_a.keys() == files_b.keys()
    assert [n for n in files_a if files_a[n] != files_b[n]] == []


def test_a_write_error_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    build(out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    module = sys.modules["turkestan_kg.publish.dist"]

    real = module.write_atomic
    calls = []

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise BuildError(f"cannot write {path}: No space left on device", file=str(path))
        real(path, data)

    monkeypatch.setattr(module, "write_atomic", failing)
    with pytest.raises(BuildError, match="No space left on device"):
        build(out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_allow_invalid_is_recorded_in_the_description(tmp_path: Path, data_copy: Path) -> None:
    path = data_copy / "ethnic-composition.ttl"
    path.write_text(
        path.read_text(encoding="utf-8").replace("tkg:percentage 2.2", "tkg:percentage 2.9"),
        encoding="utf-8",
    )
    build(tmp_path / "dist", data_dir=data_copy, allow_invalid=True)
    void = Graph().parse(tmp_path / "dist" / "void.ttl")
    assert void.value(DATASET, TKG.conformsToShapes) == Literal(False)
    assert void.value(DATASET, TKG.validationProblems) == Literal(1)
    assert void.value(DATASET, DCTERMS.conformsTo) is None


def test_sparql_endpoint_is_recorded_when_given(tmp_path: Path) -> None:
    build(tmp_path / "dist", sparql_endpoint="http://127.0.0.1:7878/query")
    void = Graph().parse(tmp_path / "dist" / "void.ttl")
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:7878/query")
