"""The W3C SPARQL 1.1 Protocol test suite, query side, against `tkg serve` over real HTTP.

Every query case of ../shared/reference/w3c-sparql-protocol/manifest.ttl is read from the
manifest and sent as it is written there (method, headers, body, query string), with two
adaptations the manifest asks for: the path /sparql/ is this server's /sparql, and the
graphs the dataset cases name (data1-3.nt) are loaded as named graphs beside the project's
data. The expectations (status class, result format, boolean) are the manifest's. Update
cases are left out: the endpoint is read-only (updates get 403, tested in test_serve.py).
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from rdflib.term import Node

from turkestan_kg import Dataset
from turkestan_kg.graph.dataset import load
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

SUITE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"{SUITE} is not there")


@dataclass(frozen=True)
class Case:
    """One HTTP exchange of the manifest and what its answer must be."""

    name: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2, 3, 4
    format: str | None
    boolean: bool | None


def manifest() -> Graph:
    return Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=SUITE.as_uri() + "/")


def cases() -> list[Case]:
    """The query cases, each a single request, in the manifest's order."""
    graph = manifest()
    entries = Collection(graph, _one(graph, URIRef(SUITE.as_uri() + "/"), MF.entries))
    found = []
    for entry in entries:
        name = str(entry).rsplit("#", 1)[-1]
        if "update" in name:
            continue
        action = _one(graph, entry, MF.action)
        requests = list(Collection(graph, _one(graph, action, HT.requests)))
        assert len(requests) == 1, name
        found.append(_case(graph, name, requests[0]))
    return found


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    found = graph.value(subject, predicate)
    assert found is not None, (subject, predicate)
    return found


def _case(graph: Graph, name: str, request: Node) -> Case:
    headers = []
    listed = graph.value(request, HT.headers)
    for header in Collection(graph, listed) if listed is not None else []:
        headers.append(
            (str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue)))
        )
    body = None
    content = graph.value(request, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    statuses = frozenset(
        int(str(s).rsplit("StatusCode", 1)[1][0])
        for s in graph.objects(response, MF.expectedStatus)
    )
    expected = graph.value(response, MF.expectedBoolean)
    return Case(
        name=name,
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
        headers=tuple(headers),
        body=body,
        statuses=statuses,
        format=str(graph.value(response, MF.expectedFormat) or "") or None,
        boolean=expected.toPython() if isinstance(expected, Literal) else None,
    )


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The project's graph, plus each data file of the suite in the named graph the
    manifest gives it."""
    kg = load()
    graph = manifest()
    for data in set(graph.objects(None, UT.graphData)):
        name = URIRef(str(graph.value(data, RDFS.label)))
        kg.graph(name).parse(str(graph.value(data, UT.graph)).removeprefix("file://"), format="nt")
    app = LinkedDataApp(Dataset.of(kg), limits=Limits(timeout=10, max_results=100))
    with running(app) as url:
        yield url
    app.close()


def test_the_suite_has_its_query_cases() -> None:
    names = [case.name for case in cases()]
    assert len(names) == 20 and "query_post_form" in names and "bad_query_non_utf8" in names


@pytest.mark.parametrize("case", cases() if SUITE.is_dir() else [], ids=lambda c: c.name)
def test_protocol_case(base: str, case: Case) -> None:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        connection.request(case.method, case.path, body=case.body, headers=dict(case.headers))
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status // 100 in case.statuses, (response.status, body[:300])
    media = (response.getheader("Content-Type") or "").split(";")[0].strip()
    if case.format == "boolean":
        assert media in BOOLEAN_TYPES, media
    elif case.format == "tabular":
        assert media in TABULAR_TYPES, media
    elif case.format == "RDF":
        assert media in RDF_TYPES, media
        Graph().parse(
            data=body,
            format={
                "text/turtle": "turtle",
                "application/n-triples": "nt",
                "application/rdf+xml": "xml",
                "application/ld+json": "json-ld",
            }[media],
        )
    if case.boolean is not None:
        assert _boolean(media, body) is case.boolean, body[:300]


def _boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    found = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None
    return (found.text or "").strip() == "true"
