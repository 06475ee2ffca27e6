"""`tkg serve` as a hostile client meets it, over real HTTP: security headers on every
answer, links only to http(s) IRIs, redirects only to this server's paths, answers that a
forged Host header cannot poison, and reconciliation requests too deep or too long."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import FOAF
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from turkestan_kg import Dataset
from turkestan_kg.cli.main import main
from turkestan_kg.graph.dataset import load
from turkestan_kg.namespaces import BASE, ONTOLOGY_GRAPH
from turkestan_kg.web.app import LinkedDataApp
from turkestan_kg.web.sandbox import Limits
from turkestan_kg.web.server import running

PERSON = URIRef(BASE + "person/turar-risqulov")
JAVASCRIPT = URIRef("javascript:alert(document.domain)")
DATA = URIRef("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")
ESCAPING = URIRef(BASE + "/evil.example/x")
"""One of our IRIs whose path, put on this server, would read as another host."""


class Answer(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def ask(
    base: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """One raw request (no redirect followed, any Host header sent as given)."""
    netloc = urllib.parse.urlsplit(base).netloc
    conn = http.client.HTTPConnection(netloc, timeout=30)
    try:
        conn.putrequest(method, path, skip_host="Host" in (headers or {}))
        for name, value in {
            **({} if body is None else {"Content-Length": str(len(body))}),
            **(headers or {}),
        }.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def hostile_graph() -> Dataset:
    """The project's graph, plus values a --store or --endpoint back end could hold."""
    kg = load()
    data = next(g for g in kg.graphs() if g.identifier != ONTOLOGY_GRAPH and len(g))
    for target in (JAVASCRIPT, DATA, ESCAPING):
        data.add((PERSON, RDFS.seeAlso, target))
    data.add((ESCAPING, RDF.type, FOAF.Person))
    data.add((ESCAPING, SKOS.prefLabel, Literal("Escaping Person", lang="en")))
    return Dataset.of(kg)


async def boom(request: Request) -> Response:
    raise RuntimeError("a handler that fails")


@pytest.fixture(scope="module")
def app() -> Iterator[LinkedDataApp]:
    served = LinkedDataApp(hostile_graph(), limits=Limits(timeout=5, max_results=500))
    served.starlette.router.routes.insert(0, Route("/test-failure", boom))
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="module")
def base(app: LinkedDataApp) -> Iterator[str]:
    with running(app) as url:
        yield url


# ------------------------------------------------------------------ 1. security headers

HTML = {"Accept": "text/html"}
ANSWERS = [
    ("GET", "/", HTML, 200),
    ("GET", "/person/turar-risqulov", HTML, 200),
    ("GET", "/person/turar-risqulov.ttl", {}, 200),
    ("HEAD", "/person/turar-risqulov", HTML, 200),
    ("GET", "/editor", HTML, 200),
    ("GET", "/editor.js", {}, 200),
    ("GET", "/site.css", {}, 200),
    ("GET", "/preview.css", {}, 200),
    ("GET", "/ontology", HTML, 200),
    ("GET", "/reconcile", {}, 200),
    ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}, 200),
    ("GET", "/static/no-such-asset.js", {}, 404),
    ("GET", "/person/nobody-at-all", HTML, 404),
    ("GET", "/person/nobody-at-all", {}, 404),
    ("DELETE", "/sparql", {}, 405),
    ("GET", "/sparql?query=not+sparql", {}, 400),
    ("GET", "/test-failure", {}, 500),
]


@pytest.mark.parametrize(("method", "path", "headers", "status"), ANSWERS)
def test_every_answer_carries_the_security_headers(
    base: str, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    for _ in range(2):  # the second one may be the answer cache's replay
        got = ask(base, path, method=method, headers=headers)
        assert got.status == status, got.body[:200]
        csp = got.headers["Content-Security-Policy"]
        directives = dict(d.strip().partition(" ")[::2] for d in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert got.headers["Referrer-Policy"] == "same-origin"
        assert len(got.headers.get_all("Content-Security-Policy") or []) == 1


def test_a_static_file_of_the_editor_carries_them_too(base: str, app: LinkedDataApp) -> None:
    if not (app.site.static / "yasgui.min.js").is_file():
        pytest.skip("YASGUI is not installed (python3 tasks.py setup)")
    got = ask(base, "/static/yasgui.min.js")
    assert got.status == 200 and got.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in got.headers["Content-Security-Policy"]


def test_reconciliation_previews_may_be_framed(base: str) -> None:
    got = ask(base, "/reconcile/preview?id=" + urllib.parse.quote(str(PERSON)))
    assert got.status == 200
    assert "frame-ancestors *" in got.headers["Content-Security-Policy"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"


class Inline(HTMLParser):
    """What a page runs or styles inline: script bodies, style bodies, on* attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.handlers: list[str] = []
        self.inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [n for n in names if n.startswith("on")]
        self.handlers += ["style"] if "style" in names else []
        kind = names.get("type") or "text/javascript"
        if tag == "style" or (tag == "script" and "src" not in names and "json" not in kind):
            self.inside = tag

    def handle_endtag(self, tag: str) -> None:
        self.inside = None

    def handle_data(self, data: str) -> None:
        if self.inside == "script" and data.strip():
            self.scripts.append(data)
        elif self.inside == "style":
            self.styles.append(data)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/person/turar-risqulov",
        "/editor",
        "/ontology",
        "/shapes",
        "/person/nobody-at-all",
        "/queries/leaders-in-year",
        "/reconcile/preview?id=" + urllib.parse.quote(str(PERSON)),
    ],
)
def test_pages_hold_no_inline_script_and_only_hashed_styles(base: str, path: str) -> None:
    got = ask(base, path, headers=HTML)
    assert got.status in (200, 404)
    page = Inline()
    page.feed(got.body.decode())
    assert page.scripts == [] and page.handlers == []
    style_src = next(
        d for d in got.headers["Content-Security-Policy"].split(";") if "style-src" in d
    )
    assert all(sha256(style) in style_src for style in page.styles)


# ------------------------------------------------------------------ 2. links


def test_iris_that_are_not_http_are_text_not_links(base: str) -> None:
    got = ask(base, "/person/turar-risqulov", headers=HTML)
    assert got.status == 200
    page = got.body.decode()
    assert "alert(document.domain)" in page  # shown ...
    assert 'href="javascript:' not in page and 'href="data:' not in page  # ... not linked
    assert 'href="//' not in page and 'href="/\\' not in page


def test_a_page_links_out_only_to_http(base: str) -> None:
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.hrefs += [v or "" for n, v in attrs if n in ("href", "src", "action")]

    for path in ("/", "/person/turar-risqulov", "/editor"):
        links = Links()
        links.feed(ask(base, path, headers=HTML).body.decode())
        for href in links.hrefs:
            parts = urllib.parse.urlsplit(href)
            assert parts.scheme in ("", "http", "https"), href
            assert parts.scheme or not parts.netloc, href


# ------------------------------------------------------------------ 3. redirects


def test_view_redirects_to_our_own_page(base: str) -> None:
    got = ask(base, "/reconcile/view?id=" + urllib.parse.quote(str(PERSON)))
    assert got.status == 303 and got.headers["Location"] == "/person/turar-risqulov"
    assert got.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "entity",
    [
        str(ESCAPING),  # https://w3id.org/turkestan-kg//evil.example/x
        BASE + "\\evil.example",
        BASE + "/\\evil.example",
        "//evil.example/x",
        "https://evil.example/x",
        "javascript:alert(1)",
        "/" + BASE,
    ],
)
def test_view_never_redirects_elsewhere(base: str, entity: str) -> None:
    got = ask(base, "/reconcile/view?id=" + urllib.parse.quote(entity, safe=""))
    assert got.status == 404 and "Location" not in got.headers
    assert b"no entity" in got.body


def test_a_preview_does_not_link_elsewhere(base: str) -> None:
    got = ask(base, "/reconcile/preview?id=" + urllib.parse.quote(str(ESCAPING), safe=""))
    assert got.status == 200 and b"Escaping Person" in got.body
    assert b'href="//' not in got.body


# ------------------------------------------------------------------ 4. the Host header

FORGED = {"Host": "evil.example"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/reconcile", {}),
        ("/reconcile/v1", {}),
        ("/sparql", {"Accept": "text/turtle"}),
        (
            "/sparql?"
            + urllib.parse.urlencode({"query": "CONSTRUCT { <thing> <rel> 1 } WHERE {}"}),
            {"Accept": "application/n-triples"},
        ),
    ],
)
def test_a_forged_host_changes_nothing_for_anyone(
    base: str, path: str, headers: dict[str, str]
) -> None:
    forged = ask(base, path, headers={**headers, **FORGED})
    honest = ask(base, path, headers=headers)
    assert forged.status == honest.status == 200
    assert b"evil.example" not in forged.body and b"evil.example" not in honest.body
    assert base.encode() in honest.body and forged.body == honest.body


def test_urls_in_answers_are_under_the_base_url() -> None:
    app = LinkedDataApp(
        hostile_graph(),
        limits=Limits(timeout=5, max_results=50),
        base_url="https://kg.example.org/",
    )
    try:
        with running(app) as url:
            manifest = json.loads(ask(url, "/reconcile", headers=FORGED).body)
            query = urllib.parse.urlencode({"query": "CONSTRUCT { <thing> <rel> 1 } WHERE {}"})
            triples = ask(url, "/sparql?" + query, headers={"Accept": "application/n-triples"})
    finally:
        app.close()
    assert manifest["view"]["url"] == "https://kg.example.org/reconcile/view?id={{id}}"
    assert b"<https://kg.example.org/thing>" in triples.body


@pytest.mark.parametrize(
    "url", ["ftp://kg.example.org", "javascript:alert(1)", "/relative", "https://"]
)
def test_a_base_url_that_is_not_http_is_bad_usage(url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--base-url", url])
    assert result.exit_code == 2 and "--base-url" in result.output


# ------------------------------------------------------------------ 5. reconciliation limits

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_BODY = {"Content-Type": "application/json"}


def nested(levels: int) -> str:
    return '{"q0": {"query": "x", "properties": ' + "[" * levels + "]" * levels + "}}"


@pytest.mark.parametrize("levels", [25, 100_000 // 2 - 40])
def test_deeply_nested_queries_are_one_clear_400(base: str, levels: int) -> None:
    form = urllib.parse.urlencode({"queries": nested(levels)}).encode()
    got = ask(base, "/reconcile", method="POST", headers=FORM, body=form)
    assert got.status == 400 and got.body == b"queries is nested deeper than 20 levels\n"


def test_deep_queries_in_the_query_string_too(base: str) -> None:
    got = ask(base, "/reconcile?" + urllib.parse.urlencode({"queries": nested(30)}))
    assert got.status == 400 and b"nested deeper than 20 levels" in got.body


def test_a_deep_draft_body_is_one_clear_400(base: str) -> None:
    body = ('{"queries": ' + "[" * 5000 + "]" * 5000 + "}").encode()
    got = ask(base, "/reconcile/v1/match", method="POST", headers=JSON_BODY, body=body)
    assert got.status == 400 and b"the body is nested deeper than 20 levels" in got.body


def test_a_long_batch_is_one_clear_400(base: str) -> None:
    queries = {f"q{i}": {"query": "Turar Risqulov " * 20} for i in range(400)}
    form = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    got = ask(base, "/reconcile", method="POST", headers=FORM, body=form)
    assert got.status == 400 and b"queries is over 100,000 characters" in got.body


def test_a_long_query_string_is_one_clear_400(base: str) -> None:
    queries = json.dumps({"q0": {"query": "Turar " * 100}})
    got = ask(base, "/reconcile?" + urllib.parse.urlencode({"queries": queries}))
    assert got.status == 400 and b"'query' is over 500 characters" in got.body
    condition = {"q0": {"query": "x", "properties": [{"pid": "p", "v": "y" * 501}]}}
    got = ask(base, "/reconcile?" + urllib.parse.urlencode({"queries": json.dumps(condition)}))
    assert got.status == 400 and b"over 500 characters" in got.body
    got = ask(base, "/reconcile/suggest/entity?prefix=" + "a" * 501)
    assert got.status == 400 and b"the prefix is over 500 characters" in got.body
