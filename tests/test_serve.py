"""`tkg serve` over real HTTP: routes, content negotiation, the SPARQL protocol, security,
a bounded load test, and a real headless Chromium."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, N3, TSV, XML, SPARQLWrapper
from starlette.datastructures import Headers

from browser import Browser, available
from turkestan_kg import Dataset
from turkestan_kg.graph.dataset import load
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

ARTIFACTS = Path(__file__).parent / "artifacts"
RDFS_SEE_ALSO = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")  # keeps graph names in view


@pytest.fixture(scope="module")
def base(dist: Path) -> Iterator[str]:
    app = LinkedDataApp(
        Dataset.of(load()), limits=Limits(timeout=2, max_results=500), dist_dir=dist
    )
    with running(app) as url:
        yield url
    app.close()


def fetch(
    url: str,
    *,
    accept: str | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, Headers, bytes]:
    """(status, headers looked up in any letter case, body)."""
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={**({"Accept": accept} if accept else {}), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, Headers(dict(response.headers)), response.read()
    except urllib.error.HTTPError as err:
        return err.code, Headers(dict(err.headers)), err.read()


PERSON = "/person/turar-risqulov"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/*", "text/html"),
        ("*/*", "text/html"),
        (None, "text/html"),
    ],
)
def test_entity_content_negotiation(base: str, accept: str | None, expected: str) -> None:
    status, headers, body = fetch(base + PERSON, accept=accept)
    assert status == 200
    assert headers["Content-Type"].startswith(expected)
    assert "Accept" in headers["Vary"]
    if expected != "text/html":
        fmt = {
            "text/turtle": "turtle",
            "application/ld+json": "json-ld",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
        }[expected]
        graph = Graph().parse(data=body, format=fmt, publicID="https://w3id.org/turkestan-kg/")
        assert (URIRef("https://w3id.org/turkestan-kg" + PERSON), None, None) in graph


def test_unacceptable_and_missing(base: str) -> None:
    assert fetch(base + PERSON, accept="image/png")[0] == 406
    assert fetch(base + "/person/nobody")[0] == 404
    assert fetch(base + "/person/turar-risqulov/../../etc/passwd")[0] == 404
    assert fetch(base + "/static/../../pyproject.toml")[0] == 404
    assert fetch(base + "/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert fetch(base + PERSON, method="DELETE")[0] == 405


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld", ".nt", ".rdf", ".html"])
def test_explicit_format_urls(base: str, suffix: str) -> None:
    status, headers, _ = fetch(base + PERSON + suffix, accept="image/png")
    assert status == 200 and headers["Content-Location"] == PERSON + suffix


def test_entity_page_reads_well(base: str) -> None:
    html = fetch(base + "/organization/communist-party-of-turkestan")[2].decode()
    assert "<h1>Communist Party of Turkestan</h1>" in html
    assert "Коммунистическая партия Туркестана" in html
    assert '<link rel="alternate" type="text/turtle"' in html and "application/ld+json" in html
    assert "<svg" in html and "Pyotr Kobozev" in html  # the tenure timeline
    assert "Infobox" in html  # the source of each fact
    assert '<script type="application/ld+json">' in html
    person = fetch(base + PERSON)[2].decode()
    assert "Awliya Ata" in person and "Kazakhs" in person
    assert "https://w3id.org/turkestan-kg/person/turar-risqulov" not in person.split("<code>")[0]


def test_a_missing_page_suggests_the_closest_entities(base: str) -> None:
    status, _, body = fetch(base + "/person/turar-risqul", accept="text/html")
    assert status == 404
    suggestions = body.decode().split('class="suggestions"')[1]
    assert suggestions.index('href="/person/turar-risqulov"') < suggestions.index("</ul>")
    status, _, body = fetch(base + "/person/zzzzzzzz", accept="text/html")
    assert status == 404 and b"suggestions" not in body  # nothing alike: no guesses
    assert fetch(base + "/person/turar-risqul")[2].startswith(b"no entity")  # not a browser


def test_pages_speak_to_readers(base: str) -> None:
    person = fetch(base + PERSON)[2].decode()
    assert '<p class="kind"><a href="http://xmlns.com/foaf/0.1/Person">person</a></p>' in person
    assert ">Turtle</a>" in person and ">RDF/XML</a>" in person  # format names, not media types
    result = fetch(base + "/queries/leaders-in-year?year=1921")[2].decode()
    assert "<th>leader name</th>" in result and "leaderLabel" not in result
    assert "<b>year</b> = <code>1921</code>" in result  # what was asked
    home = fetch(base + "/")[2].decode()
    assert 'class="iri" size="60"' in home  # IRI inputs wide enough for an IRI
    for icon in ("/favicon.ico", "/favicon.svg"):
        status, headers, body = fetch(base + icon)
        assert status == 200 and headers["Content-Type"] == "image/svg+xml"
        assert body.startswith(b"<svg")
    assert fetch(base + "/site.css")[1]["Content-Type"].startswith("text/css")


def test_wikidata_links_and_incoming_links(base: str) -> None:
    html = fetch(base + "/organization/rcpb")[2].decode()
    assert 'href="https://www.wikidata.org/wiki/Q79854"' in html
    assert "Referred to by" in html and "Communist Party of Turkestan" in html


def test_page_language_follows_lang_and_accept_language(base: str) -> None:
    party = "/organization/communist-party-of-turkestan"
    assert (
        "<h1>Коммунистическая партия Туркестана</h1>"
        in fetch(base + party + "?lang=ru")[2].decode()
    )
    assert (
        "<h1>Түркстан коммунисттик партиясы</h1>"
        in fetch(base + party, headers={"Accept-Language": "ky,en;q=0.5"})[2].decode()
    )
    assert "<h1>Communist Party of Turkestan</h1>" in fetch(base + party + "?lang=fr")[2].decode()


def test_home_page_has_charts_lists_and_queries(base: str) -> None:
    html = fetch(base + "/")[2].decode()
    for marker in (
        'id="composition"',
        'id="leaders"',
        'id="hierarchy"',
        "9,424 (49.7 %)",
        "Turar Rïsqulov",
        'action="/queries/leaders-in-year"',
    ):
        assert marker in html


def test_stored_query_page_and_downloads(base: str) -> None:
    html = fetch(base + "/queries/leaders-in-year?year=1921")[2].decode()
    assert "Abdullo Rakhimbayev" in html and "Nazir Turiakylov" in html and "2 rows" in html
    status, headers, body = fetch(base + "/queries/leaders-in-year?year=1921&format=csv")
    assert (
        status == 200
        and headers["Content-Type"].startswith("text/csv")
        and body.count(b"\r\n") == 3
    )
    assert fetch(base + "/queries/leaders-in-year?year=nineteen")[0] == 400


def test_ontology_and_shapes_dereference(base: str) -> None:
    assert b'id="Tenure"' in fetch(base + "/ontology")[2]
    page = fetch(base + "/ontology.html")[2]
    assert b'<figure class="model"><svg' in page and b"a kind of org:Membership" in page
    status, _headers, body = fetch(base + "/ontology", accept="text/turtle")
    assert status == 200 and b"owl:Ontology" in body
    assert b'id="S07-Tenure"' in fetch(base + "/shapes")[2]


def test_every_iri_in_dist_resolves(base: str, dist: Path) -> None:
    graph = Graph().parse(dist / "turkestan-kg.nt", format="nt")
    ours = sorted(
        {
            str(t)
            for triple in graph
            for t in triple
            if isinstance(t, URIRef) and str(t).startswith("https://w3id.org/turkestan-kg/")
        }
    )
    failures = []
    for iri in ours:
        path = urllib.parse.urlsplit(iri).path.removeprefix("/turkestan-kg")
        status = fetch(base + path, accept="text/turtle")[0]
        if status != 200:
            failures.append((iri, status))
    assert failures == []


# ------------------------------------------------------------------ SPARQL protocol


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        (JSON, lambda r: r["results"]["bindings"]),
        (XML, lambda r: r.getElementsByTagName("result")),
        (CSV, lambda r: b"\r\n" in r),
        (TSV, lambda r: b"\t" in r or b"?" in r),
    ],
)
def test_sparqlwrapper_select_in_every_format(base: str, fmt: str, check) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(
        "SELECT ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
    )
    client.setReturnFormat(fmt)
    assert check(client.query().convert())


def test_sparqlwrapper_ask_and_construct(base: str) -> None:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery("ASK { ?s a <https://w3id.org/turkestan-kg/ontology#Tenure> }")
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict) and answer["boolean"] is True
    client.setQuery("CONSTRUCT WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }")
    client.setReturnFormat(N3)
    turtle = client.query().convert()
    assert isinstance(turtle, bytes | str)
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 5


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(base: str, media: str, fmt: str) -> None:
    query = urllib.parse.quote("CONSTRUCT WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }")
    status, headers, body = fetch(f"{base}/sparql?query={query}", accept=media)
    assert status == 200 and headers["Content-Type"].startswith(media)
    assert len(Graph().parse(data=body, format=fmt)) == 5


def test_a_construct_answer_is_the_same_graph_in_every_format(base: str) -> None:
    """Blank nodes included (a tenure's period): every format's answer has the same
    canonical form (RDF Dataset Canonicalization) as the Turtle answer."""
    from turkestan_kg.publish.rdf import canonical_nquads

    query = urllib.parse.quote(
        "CONSTRUCT { ?t ?p ?o . ?o ?q ?v } WHERE { "
        "?t a <https://w3id.org/turkestan-kg/ontology#Tenure> ; ?p ?o . "
        "OPTIONAL { ?o ?q ?v FILTER isBlank(?o) } }"
    )
    canonical = {}
    for media, fmt in FORMATS_OF_VIEWS.items():
        status, _, body = fetch(f"{base}/sparql?query={query}", accept=media)
        assert status == 200
        canonical[media] = canonical_nquads(Graph().parse(data=body, format=fmt))
    assert "_:c14n" in canonical["text/turtle"]
    assert len(set(canonical.values())) == 1, canonical.keys()


FORMATS_OF_VIEWS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def test_post_form_and_direct(base: str) -> None:
    query = "ASK { ?s ?p ?o }"
    form = fetch(
        base + "/sparql",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        accept="application/sparql-results+json",
    )
    direct = fetch(
        base + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
        accept="application/sparql-results+json",
    )
    assert json.loads(form[2])["boolean"] is True and json.loads(direct[2])["boolean"] is True


def test_service_description_and_cors(base: str) -> None:
    page = {"Origin": "https://example.org"}
    status, headers, body = fetch(base + "/sparql", accept="text/turtle", headers=page)
    assert status == 200 and b"SPARQL11Query" in body
    assert headers["Access-Control-Allow-Origin"] == "*"
    preflight = {**page, "Access-Control-Request-Method": "POST"}
    status, headers, _ = fetch(base + "/sparql", method="OPTIONS", headers=preflight)
    assert status == 200 and "POST" in headers["Access-Control-Allow-Methods"]


# ------------------------------------------------------------------ security


def test_updates_are_refused(base: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert (
        fetch(
            base + "/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )[0]
        == 403
    )
    assert (
        fetch(
            base + "/sparql",
            data=urllib.parse.urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
        == 403
    )
    assert fetch(f"{base}/sparql?query={urllib.parse.quote(update)}")[0] == 400
    answer = fetch(
        f"{base}/sparql?query={urllib.parse.quote('ASK { <urn:a> <urn:b> <urn:c> }')}",
        accept="application/sparql-results+json",
    )[2]
    assert json.loads(answer) == {"head": {}, "boolean": False}


def test_service_is_refused_and_nothing_is_fetched(base: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(1.5)
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    status, _, body = fetch(f"{base}/sparql?query={urllib.parse.quote(query)}")
    assert status == 400 and b"SERVICE is not allowed" in body
    lower = query.replace("SERVICE", "service")
    assert fetch(f"{base}/sparql?query={urllib.parse.quote(lower)}")[0] == 400
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_a_huge_query_is_refused(base: str) -> None:
    body = ("SELECT * WHERE { ?s ?p ?o } # " + "x" * 100_000).encode()
    assert (
        fetch(base + "/sparql", data=body, headers={"Content-Type": "application/sparql-query"})[0]
        == 413
    )


def test_a_query_that_would_run_forever_is_stopped(base: str) -> None:
    forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    status, _, body = fetch(f"{base}/sparql?query={urllib.parse.quote(forever)}")
    assert status == 503 and b"was stopped" in body
    assert time.monotonic() - started < 10
    assert (
        fetch(
            f"{base}/sparql?query={urllib.parse.quote('ASK {}')}",
            accept="application/sparql-results+json",
        )[0]
        == 200
    )


def test_too_many_results_and_bad_queries(base: str) -> None:
    assert (
        fetch(f"{base}/sparql?query={urllib.parse.quote('SELECT * WHERE { ?s ?p ?o }')}")[0] == 413
    )
    assert fetch(f"{base}/sparql?query={urllib.parse.quote('SELECT * WHERE { ?s ')}")[0] == 400
    assert (
        fetch(f"{base}/sparql?query={urllib.parse.quote('ASK {}')}", accept="image/png")[0] == 406
    )
    assert fetch(base + "/sparql", accept="text/turtle", headers={"Accept": "bogus;;q=x,,"})[0] in (
        200,
        406,
    )


# ------------------------------------------------------------------ load


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_bounded_load(base: str) -> None:
    """32 concurrent clients for 5 s on loopback, mixing pages and queries: no failures."""
    urls = [
        base + "/",
        base + PERSON,
        base + "/queries/tenures",
        base
        + "/sparql?query="
        + urllib.parse.quote(
            "SELECT ?s WHERE { ?s a <https://w3id.org/turkestan-kg/ontology#Tenure> }"
        ),
    ]
    deadline = time.monotonic() + 5
    before = rss_kb()

    def client(i: int) -> tuple[int, int]:
        ok = failed = 0
        while time.monotonic() < deadline:
            status = fetch(
                urls[(ok + i) % len(urls)], accept="text/html,application/sparql-results+json"
            )[0]
            ok, failed = (ok + 1, failed) if status == 200 else (ok, failed + 1)
        return ok, failed

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(client, range(32)))
    assert sum(f for _, f in results) == 0
    assert sum(o for o, _ in results) > 100
    assert rss_kb() - before < 200_000  # kilobytes


def test_concurrent_new_queries_are_all_answered(base: str) -> None:
    """32 different queries at once, none seen before: each is checked and run (the query
    parser is shared by the request threads, and was once broken by that)."""

    def ask(n: int) -> int:
        query = f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n + 1}"
        url = base + "/sparql?query=" + urllib.parse.quote(query)
        return fetch(url, accept="application/sparql-results+json")[0]

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(ask, range(32)))
    assert statuses == [200] * 32


# ------------------------------------------------------------------ browser


@pytest.mark.skipif(
    not available(),
    reason="Debian chromium and chromium-driver are not installed (python3 tasks.py test installs them)",
)
def test_in_a_real_browser(base: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser = Browser()
    try:
        browser.get(base + "/organization/communist-party-of-turkestan")
        assert browser.text(browser.find("h1")) == "Communist Party of Turkestan"
        assert len(browser.find_all("table.facts tr")) > 10
        browser.screenshot(ARTIFACTS / "entity-page.png")
        browser.get(base + "/")
        assert "9,424 (49.7 %)" in browser.text(browser.find("#composition"))
        browser.click(browser.find('form[action="/queries/leaders-in-year"] button'))
        browser.wait_for("return document.querySelector('table.results') !== null")
        assert "Nazir Turiakylov" in browser.text(browser.find("table.results"))
        browser.screenshot(ARTIFACTS / "query-results.png")
        browser.get(base + "/editor")
        if os.path.exists(
            Path(__file__).parents[1] / "node_modules/@zazuko/yasgui/build/yasgui.min.js"
        ):
            browser.wait_for("return !!(window.yasgui && window.yasgui.getTab())")
            first = str(browser.script("return window.yasgui.getTab().getQuery()"))
            assert "PREFIX tkg: <https://w3id.org/turkestan-kg/ontology#>" in first, first
            browser.script(
                "const s = document.getElementById('examples'); s.value = 'leaders-in-year';"
                "s.dispatchEvent(new Event('change'));"
            )
            chosen = str(browser.script("return window.yasgui.getTab().getQuery()"))
            assert "#+ summary:" in chosen and "leader" in chosen, chosen
            browser.script(
                "window.yasgui.getTab().setQuery('SELECT ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }'); window.yasgui.getTab().query();"
            )
            text = browser.wait_for(
                "const r = document.querySelector('.yasr'); return r && r.innerText.includes('Turar') ? r.innerText : null"
            )
            assert isinstance(text, str) and "Pyotr Kobozev" in text
        else:
            browser.find("textarea[name=query]")
        browser.screenshot(ARTIFACTS / "editor.png")
    finally:
        browser.quit()


def test_a_facts_reifier_is_a_readable_page(base: str, tmp_path: Path) -> None:
    from turkestan_kg.graph.dataset import load
    from turkestan_kg.publish.rdf import with_provenance

    flat = with_provenance(load())
    taraz = next(
        s for s, _, o in flat.triples((None, None, None)) if str(o) == "Taraz" and "genid" in str(s)
    )
    path = urllib.parse.urlsplit(str(taraz)).path.removeprefix("/turkestan-kg")
    status, headers, body = fetch(base + path, accept="text/html")
    assert status == 200 and "text/html" in headers["Content-Type"]
    assert b"Taraz" in body and b"curators" in body
    status, _, body = fetch(base + path + ".ttl")
    assert status == 200 and b"prov:wasAttributedTo agent:curators" in body
    assert fetch(base + "/.well-known/genid/fact-0000", accept="text/turtle")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/queries/nope",
        "/queries/../../../../etc/passwd",
        "/queries/..%2F..%2Fqueries%2Ftenures",
        "/queries/%2Fetc%2Fhostname",
        "/queries/tenures.rq",
    ],
)
def test_stored_queries_only_by_catalogue_name(base: str, path: str) -> None:
    status, _, body = fetch(base + path)
    assert status == 404
    assert b"etc" not in body and b".rq" not in body and b"No such file" not in body


def entity_paths() -> list[str]:
    from turkestan_kg.graph.dataset import load

    base = "https://w3id.org/turkestan-kg/"
    data = load().data_graph()
    return sorted(
        "/" + str(s)[len(base) :]
        for s in set(data.subjects())
        if isinstance(s, URIRef) and str(s).startswith(base) and "/" in str(s)[len(base) :]
    )


def test_every_entity_is_the_same_graph_in_every_rdf_view(base: str) -> None:
    """Blank nodes included: rdflib's JSON-LD writer dropped them for tenures and events."""
    from rdflib.compare import isomorphic

    formats = {".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}
    different = []
    for path in entity_paths():
        status, _, turtle = fetch(base + path + ".ttl")
        assert status == 200, path
        expected = Graph().parse(data=turtle, format="turtle")
        for suffix, fmt in formats.items():
            graph = Graph().parse(data=fetch(base + path + suffix)[2], format=fmt)
            if not isomorphic(graph, expected):
                different.append(path + suffix)
    assert different == []


def raw(base: str, request: bytes) -> bytes:
    """Send bytes as they are (headers a client library would not let through)."""
    import socket as sock

    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with sock.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("length", "status"),
    [(b"abc", b"400"), (b"-1", b"400"), (b"99999999", b"413")],
)
def test_a_bad_content_length_is_a_clear_error(base: str, length: bytes, status: bytes) -> None:
    answer = raw(
        base,
        b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: " + length + b"\r\n\r\nASK {}",
    )
    assert answer.split(b" ")[1] == status


def test_protocol_mistakes(base: str) -> None:
    two = "/sparql?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert fetch(base + two)[0] == 400
    no_type = fetch(base + "/sparql", data=b"query=ASK%20%7B%7D", headers={"Content-Type": ""})
    assert no_type[0] == 415
    assert fetch(base + "/dist/%00")[0] == 404


def test_dataset_parameters_are_honoured(base: str) -> None:
    infobox = "https://w3id.org/turkestan-kg/graph/infobox"
    see_also = "https://w3id.org/turkestan-kg/graph/see-also"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{see_also}> WHERE {{ ?s ?p ?o }}"
    counts = {}
    for graph in (infobox, see_also):
        url = (
            base + "/sparql?" + urllib.parse.urlencode({"query": query, "default-graph-uri": graph})
        )
        body = json.loads(fetch(url, accept="application/sparql-results+json")[2])
        counts[graph] = int(body["results"]["bindings"][0]["n"]["value"])
    assert counts[infobox] > counts[see_also] > 0  # the protocol's dataset wins over FROM
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    url = base + "/sparql?" + urllib.parse.urlencode({"query": named, "named-graph-uri": infobox})
    body = json.loads(fetch(url, accept="application/sparql-results+json")[2])
    assert [b["g"]["value"] for b in body["results"]["bindings"]] == [infobox]


def test_relative_iris_resolve_against_the_endpoint(base: str) -> None:
    query = "CONSTRUCT { <thing> <rel> ?o } WHERE { BIND (1 AS ?o) }"
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    status, _, body = fetch(url, accept="application/n-triples")
    assert status == 200 and f"<{base}/thing>".encode() in body


def test_the_editor_opens_with_the_prefixes_and_every_stored_query(base: str) -> None:
    from turkestan_kg import stored_queries

    with urllib.request.urlopen(base + "/editor", timeout=30) as answer:
        html = answer.read().decode()
    assert "PREFIX foaf: &lt;http://xmlns.com/foaf/0.1/&gt;" in html or "PREFIX foaf:" in html
    for name in stored_queries():
        assert f'value="{name}"' in html or f'"name": "{name}"' in html, name
