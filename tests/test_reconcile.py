"""The Reconciliation Service API on `tkg serve`, over real HTTP: every answer validated
against the Community Group's JSON schemas (0.2 and 1.0-draft), a spreadsheet of the
source's names in several spellings and scripts, hostile requests, and the same matcher
on the project's files, an on-disk store and a SPARQL endpoint."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from referencing import Registry, Resource

import turkestan_kg
from browser import Browser, available
from servers import oxigraph_server, project_site
from turkestan_kg.graph.dataset import load, store_payload
from turkestan_kg.graph.store import load_store
from turkestan_kg.matcher import fold, similarity, skeleton
from turkestan_kg.reconcile.service import Service
from turkestan_kg.remote.sparql import RemoteEngine
from turkestan_kg.sparql.engines import Engine, OxigraphEngine
from turkestan_kg.web.sandbox import Limits

SPECS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "reconciliation-api"
VERSIONS = ("0.2", "1.0-draft")
BASE = "https://w3id.org/turkestan-kg/"
PERSON = "http://xmlns.com/foaf/0.1/Person"
ONTOLOGY = BASE + "ontology#"

pytestmark = pytest.mark.skipif(not SPECS.is_dir(), reason=f"{SPECS} is not there")


# ---------------------------------------------------------------------- the validator


@cache
def registry(version: str) -> Registry[Any]:
    """Every schema of a version, under its $id and under its file name's URL (the schemas
    refer to each other by relative names such as type.json)."""
    resources = []
    for path in sorted((SPECS / version / "schemas").glob("*.json")):
        document = json.loads(path.read_text())
        resource = Resource.from_contents(document, default_specification=_draft7())
        resources.append((document.get("$id", path.name), resource))
        base = document.get("$id", "").rsplit("/", 1)[0]
        for other in (SPECS / version / "schemas").glob("*.json"):
            if base:
                loaded = json.loads(other.read_text())
                resources.append(
                    (f"{base}/{other.name}", Resource.from_contents(loaded, _draft7()))
                )
    return Registry().with_resources(resources)


def _draft7() -> Any:
    from referencing.jsonschema import DRAFT7

    return DRAFT7


def validator(version: str, name: str) -> Draft7Validator:
    schema = json.loads((SPECS / version / "schemas" / f"{name}.json").read_text())
    return Draft7Validator(schema, registry=registry(version))


def examples(kind: str) -> list[tuple[str, str, Path]]:
    return [
        (version, kind, path)
        for version in VERSIONS
        for path in sorted((SPECS / version / "examples").glob(f"*/{kind}/*.json"))
        if (SPECS / version / "schemas" / f"{path.parent.parent.name}.json").exists()
    ]


@pytest.mark.parametrize(
    ("version", "kind", "path"),
    examples("valid") + examples("invalid") if SPECS.is_dir() else [],
    ids=lambda x: x.name if isinstance(x, Path) else str(x),
)
def test_the_validator_agrees_with_the_specifications_examples(
    version: str, kind: str, path: Path
) -> None:
    """The Community Group's own examples: each valid one passes and each invalid one fails."""
    errors = list(
        validator(version, path.parent.parent.name).iter_errors(json.loads(path.read_text()))
    )
    assert (errors == []) == (kind == "valid"), errors[:1]


def test_there_are_examples_of_both_kinds() -> None:
    assert len(examples("valid")) > 20 and len(examples("invalid")) > 5


def valid(version: str, name: str, document: Any) -> Any:
    errors = [e.message for e in validator(version, name).iter_errors(document)]
    assert errors == [], (name, errors[:3], json.dumps(document)[:500])
    return document


# ---------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with project_site(Limits(timeout=10, max_results=100)) as url:
        yield url


def call(url: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def get_json(url: str) -> Any:
    status, body = call(url)
    assert status == 200, body[:300]
    return json.loads(body)


def reconcile(base: str, queries: dict[str, Any]) -> Any:
    """A batch POSTed as a form, as OpenRefine sends it."""
    form = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    status, body = call(base + "/reconcile", form, "application/x-www-form-urlencoded")
    assert status == 200, body[:300]
    return valid("0.2", "reconciliation-result-batch", json.loads(body))


def test_manifests_validate(base: str) -> None:
    plain = valid("0.2", "manifest", get_json(base + "/reconcile"))
    assert plain["identifierSpace"] == BASE and "0.2" in plain["versions"]
    assert {t["id"] for t in plain["defaultTypes"]} >= {PERSON, ONTOLOGY + "PoliticalParty"}
    draft = valid("1.0-draft", "manifest", get_json(base + "/reconcile/v1"))
    assert draft["versions"] == ["1.0-draft"] and draft["suggest"]["entity"] is True


SPREADSHEET = [  # (a name as a historian's sheet may hold it, the type given, the entity)
    ("Turar Rïsqulov", PERSON, "person/turar-risqulov"),
    ("Turar Risqulov", PERSON, "person/turar-risqulov"),
    ("Ryskulov", PERSON, "person/turar-risqulov"),
    ("Рыскулов", PERSON, "person/turar-risqulov"),
    ("Турар Рыскулов", PERSON, "person/turar-risqulov"),
    ("Rakhimbaev", PERSON, "person/abdullo-rakhimbayev"),
    ("Абдулла Рахимбаев", PERSON, "person/abdullo-rakhimbayev"),
    ("Kobozev", PERSON, "person/pyotr-kobozev"),
    ("Пётр Кобозев", PERSON, "person/pyotr-kobozev"),
    ("Turiakulov", PERSON, "person/nazir-turiakylov"),
    ("Назир Тюракулов", PERSON, "person/nazir-turiakylov"),
    ("F. Svetlov", PERSON, "person/ferdinand-svetlov"),
    ("Коммунистическая партия Туркестана", None, "organization/communist-party-of-turkestan"),
    ("Turkiston Kommunistik partiyasi", None, "organization/communist-party-of-turkestan"),
    (
        "Communist Party of Turkestan",
        ONTOLOGY + "PoliticalParty",
        "organization/communist-party-of-turkestan",
    ),
    ("Russian Communist Party", ONTOLOGY + "PoliticalParty", "organization/rcpb"),
    ("RCP(b)", None, "organization/rcpb"),
    ("Muslim Bureau", None, "organization/musbiuro"),
    ("Musbiuro", None, "organization/musbiuro"),
    ("Turkestan ASSR", None, "place/turkestan-assr"),
]


def test_a_spreadsheet_of_names_reconciles_to_the_right_entities(base: str) -> None:
    queries = {
        f"q{i}": {"query": name, **({"type": kind} if kind else {}), "limit": 3}
        for i, (name, kind, _) in enumerate(SPREADSHEET)
    }
    answers = reconcile(base, queries)
    wrong = [
        (name, [r["id"] for r in answers[f"q{i}"]["result"]][:2])
        for i, (name, _, entity) in enumerate(SPREADSHEET)
        if not answers[f"q{i}"]["result"] or answers[f"q{i}"]["result"][0]["id"] != BASE + entity
    ]
    assert wrong == []


def test_an_exact_name_of_the_right_type_is_a_match(base: str) -> None:
    answers = reconcile(base, {"q": {"query": "Turar Rïsqulov", "type": PERSON}})
    top = answers["q"]["result"][0]
    assert top["match"] is True and top["score"] == 100
    unknown = reconcile(base, {"q": {"query": "Tashkent Soviet of Workers", "type": PERSON}})
    assert not any(r["match"] for r in unknown["q"]["result"])


def test_property_constraints_move_the_score(base: str) -> None:
    def score(year: str) -> float:
        query = {
            "query": "Rakhimbaev",
            "type": PERSON,
            "properties": [{"pid": "tenure-years", "v": year}],
        }
        answers = reconcile(base, {"q": query})
        [top] = [r for r in answers["q"]["result"] if r["id"].endswith("abdullo-rakhimbayev")]
        return float(top["score"])

    assert score("1922") > score("1930")


def test_get_and_post_give_the_same_answer(base: str) -> None:
    queries = json.dumps({"q0": {"query": "Kobozev"}})
    by_get = get_json(base + "/reconcile?" + urllib.parse.urlencode({"queries": queries}))
    assert by_get == reconcile(base, json.loads(queries))


def test_suggest_preview_and_view(base: str) -> None:
    entities = valid(
        "0.2", "suggest-entities-response", get_json(base + "/reconcile/suggest/entity?prefix=Kobo")
    )
    assert entities["result"][0]["id"] == BASE + "person/pyotr-kobozev"
    types = valid(
        "0.2", "suggest-types-response", get_json(base + "/reconcile/suggest/type?prefix=party")
    )
    assert ONTOLOGY + "PoliticalParty" in {t["id"] for t in types["result"]}
    props = valid(
        "0.2",
        "suggest-properties-response",
        get_json(base + "/reconcile/suggest/property?prefix=ethn"),
    )
    assert ONTOLOGY + "ethnicity" in {p["id"] for p in props["result"]}
    for version, prefix in (("1.0-draft", "/reconcile/v1"),):
        valid(
            version,
            "suggest-entities-response",
            get_json(base + prefix + "/suggest/entity?prefix=Kobo"),
        )
    status, page = call(base + "/reconcile/preview?id=" + BASE + "person/turar-risqulov")
    assert status == 200 and b"Turar R\xc3\xafsqulov" in page and b"Kazakhs" in page
    request = urllib.request.Request(base + "/reconcile/view?id=" + BASE + "person/turar-risqulov")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.url.endswith("/person/turar-risqulov")


def test_data_extension(base: str) -> None:
    proposal = valid(
        "0.2",
        "data-extension-property-proposal",
        get_json(base + "/reconcile/properties?type=" + PERSON),
    )
    offered = {p["id"] for p in proposal["properties"]}
    assert {"tenure-years", "wikidata", ONTOLOGY + "ethnicity"} <= offered
    ask: dict[str, Any] = {
        "ids": [BASE + "person/turar-risqulov", BASE + "person/abdullo-rakhimbayev"],
        "properties": [{"id": "tenure-years"}, {"id": ONTOLOGY + "ethnicity"}],
    }
    status, body = call(base + "/reconcile?" + urllib.parse.urlencode({"extend": json.dumps(ask)}))
    extended = valid("0.2", "data-extension-response", json.loads(body))
    rakhimbayev = extended["rows"][BASE + "person/abdullo-rakhimbayev"]
    assert {"int": 1922} in rakhimbayev["tenure-years"]
    risqulov = extended["rows"][BASE + "person/turar-risqulov"]
    assert risqulov["tenure-years"] == []
    assert risqulov[ONTOLOGY + "ethnicity"] == [
        {"id": BASE + "concept/ethnic/kazakhs", "name": "Kazakhs"}
    ]
    status, body = call(base + "/reconcile/v1/extend", json.dumps(ask).encode(), "application/json")
    assert status == 200
    valid("1.0-draft", "data-extension-response", json.loads(body))


def test_the_draft_match_endpoint(base: str) -> None:
    batch = {
        "queries": [
            {
                "type": PERSON,
                "limit": 2,
                "conditions": [{"matchType": "name", "propertyValue": "Рыскулов"}],
            },
            {"conditions": [{"matchType": "name", "propertyValue": "Musbiuro"}]},
        ]
    }
    valid("1.0-draft", "reconciliation-query-batch", batch)
    status, body = call(
        base + "/reconcile/v1/match", json.dumps(batch).encode(), "application/json"
    )
    assert status == 200, body
    results = valid("1.0-draft", "reconciliation-result-batch", json.loads(body))["results"]
    assert results[0]["candidates"][0]["id"] == BASE + "person/turar-risqulov"
    assert results[1]["candidates"][0]["id"] == BASE + "organization/musbiuro"


# ---------------------------------------------------------------------- hostile requests


@pytest.mark.parametrize(
    ("path", "data", "content_type", "status", "says"),
    [
        ("/reconcile?queries=%7Bnot+json", None, None, 400, b"queries is not JSON"),
        ("/reconcile?queries=%5B1%2C2%5D", None, None, 400, b"not an object"),
        (
            "/reconcile?queries=" + urllib.parse.quote('{"q":{"query":5}}'),
            None,
            None,
            400,
            b"not a string",
        ),
        (
            "/reconcile?queries=" + urllib.parse.quote('{"q":{"query":"x","limit":-1}}'),
            None,
            None,
            400,
            b"limit",
        ),
        ("/reconcile?queries=" + urllib.parse.quote('{"q":{}}'), None, None, 400, b"neither"),
        ("/reconcile?extend=" + urllib.parse.quote('{"ids":"x"}'), None, None, 400, b"ids"),
        ("/reconcile", b'{"queries":{}}', "application/json", 415, b"form"),
        (
            "/reconcile/v1/match",
            b"queries=x",
            "application/x-www-form-urlencoded",
            415,
            b"application/json",
        ),
        ("/reconcile/v1/match", b"{", "application/json", 400, b"not JSON"),
        (
            "/reconcile/v1/match",
            b'{"queries":[{"conditions":[{"matchType":"id"}]}]}',
            "application/json",
            400,
            b"matchType",
        ),
        ("/reconcile/suggest/nothing?prefix=x", None, None, 404, b"suggest is"),
        ("/reconcile/preview?id=https://example.org/x", None, None, 404, b"no entity"),
        ("/reconcile/preview?id=" + BASE + "person/nobody", None, None, 404, b"no entity"),
        ("/reconcile/properties", None, None, 400, b"type"),
        ("/reconcile/properties?type=x&limit=abc", None, None, 400, b"limit"),
    ],
)
def test_a_bad_request_is_one_clear_line(
    base: str, path: str, data: bytes | None, content_type: str | None, status: int, says: bytes
) -> None:
    got, body = call(base + path, data, content_type)
    assert got == status and says in body, body[:200]
    assert b"Traceback" not in body and body.count(b"\n") <= 1


def test_a_huge_form_is_refused_before_it_is_read(base: str) -> None:
    import socket

    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /reconcile HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5000000\r\n\r\nqueries="
        )
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    from turkestan_kg.web.reconcile import MAX_FORM_BYTES

    assert answer.startswith(b"HTTP/1.1 413") and f"over {MAX_FORM_BYTES} bytes".encode() in answer


def test_a_batch_over_the_limit_is_refused(base: str) -> None:
    queries = {f"q{i}": {"query": "x"} for i in range(1001)}
    form = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    status, body = call(base + "/reconcile", form, "application/x-www-form-urlencoded")
    assert status == 400 and b"more than 1000" in body


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries=st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3) | JSON_VALUES)
def test_any_json_gets_an_answer_or_a_400(base: str, queries: Any) -> None:
    form = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    status, body = call(base + "/reconcile", form, "application/x-www-form-urlencoded")
    assert status in (200, 400), body[:300]
    if status == 200:
        valid("0.2", "reconciliation-result-batch", json.loads(body))


# ---------------------------------------------------------------------- names and sources


@given(st.text(max_size=40))
def test_folding_is_ascii_and_stable(text: str) -> None:
    folded = fold(text)
    assert folded.isascii() and fold(folded) == folded
    assert skeleton(folded) == skeleton(text)
    score, _ = similarity(text, text)
    assert score == 100 or not folded


def test_the_same_matcher_on_files_store_and_endpoint(tmp_path: Path) -> None:
    kg = load()
    load_store(tmp_path / "store", kg)
    from turkestan_kg.graph.store import open_store

    with oxigraph_server() as endpoint:
        data = store_payload(kg)
        request = urllib.request.Request(
            endpoint + "/store", data=data, headers={"Content-Type": "application/n-quads"}
        )
        urllib.request.urlopen(request, timeout=30).close()
        engines: dict[str, Engine] = {
            "files": OxigraphEngine(kg),
            "store": OxigraphEngine(store=open_store(tmp_path / "store")),
            "endpoint": RemoteEngine(endpoint + "/query?union-default-graph"),
        }
        tops = {}
        for name, engine in engines.items():
            answer = Service(engine).reconcile({"q": {"query": "Рыскулов", "type": PERSON}})
            tops[name] = answer["q"]["result"][0]["id"]
    assert set(tops.values()) == {BASE + "person/turar-risqulov"}, tops


# ---------------------------------------------------------------------- a browser client


CLIENT = """<!DOCTYPE html><html><body><table id="sheet"></table><script>
const names = ["Рыскулов", "Kobozev", "Musbiuro"];
const queries = {};
names.forEach((n, i) => queries["q" + i] = {query: n, limit: 1});
fetch(SERVICE, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
  body: "queries=" + encodeURIComponent(JSON.stringify(queries))})
  .then(r => r.json()).then(answers => {
    const table = document.getElementById("sheet");
    names.forEach((n, i) => {
      const row = table.insertRow();
      row.insertCell().textContent = n;
      row.insertCell().textContent = answers["q" + i].result[0].id;
    });
    document.body.dataset.done = "yes";
  });
</script></body></html>"""


@pytest.mark.skipif(not available(), reason="Debian chromium and chromium-driver are not installed")
def test_a_page_in_a_real_browser_reconciles_a_small_table(base: str, tmp_path: Path) -> None:
    """A page from another origin (a file), as a reconciliation client: CORS lets it in."""
    page = tmp_path / "client.html"
    page.write_text(CLIENT.replace("SERVICE", json.dumps(base + "/reconcile")))
    browser = Browser()
    try:
        browser.get(page.as_uri())
        browser.wait_for("return document.body.dataset.done === 'yes'")
        rows = [browser.text(cell) for cell in browser.find_all("#sheet td")]
    finally:
        browser.quit()
    assert rows == [
        "Рыскулов",
        BASE + "person/turar-risqulov",
        "Kobozev",
        BASE + "person/pyotr-kobozev",
        "Musbiuro",
        BASE + "organization/musbiuro",
    ]


@pytest.fixture(scope="module")
def service() -> Service:
    return turkestan_kg.open().reconciler


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("T. Ryskulov", "person/turar-risqulov"),
        ("P. Kobozev", "person/pyotr-kobozev"),
        ("Рыскулов", "person/turar-risqulov"),
        ("Rakhimbayev", "person/abdullo-rakhimbayev"),
        ("Turkestan ASSR", "place/turkestan-assr"),
    ],
)
def test_without_a_type_the_entity_beats_the_records_about_it(
    service: Service, name: str, entity: str
) -> None:
    result = service.reconcile({"q": {"query": name}})["q"]["result"]
    assert result[0]["id"] == BASE + entity and result[0]["match"] is True, result[:2]
    assert all(r["score"] < result[0]["score"] - 10 for r in result[1:])


@pytest.mark.parametrize("nonsense", ["xqzvw blorp", "qqq", "zzzz yyy", "Stalin", "Tashkent"])
def test_a_name_the_graph_does_not_hold_gets_no_candidate(service: Service, nonsense: str) -> None:
    assert service.reconcile({"q": {"query": nonsense}})["q"]["result"] == []


def test_a_word_inside_another_word_is_not_that_word(service: Service) -> None:
    result = service.reconcile({"q": {"query": "Lenin"}})["q"]["result"]
    assert all(r["score"] < 80 and not r["match"] for r in result), result


def test_a_record_is_first_when_its_type_is_asked_for(service: Service) -> None:
    tenure = ONTOLOGY + "Tenure"
    result = service.reconcile({"q": {"query": "P. Kobozev", "type": tenure}})["q"]["result"]
    assert result[0]["id"] == BASE + "tenure/pyotr-kobozev-1919", result[:2]
