"""`tkg serve --store`: a real server process on an on-disk store holding a synthetic roll."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import free_port
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.store import load_store
from turkestan_kg.namespaces import FOAF, RDF
from turkestan_kg.synth.roll import SYN, Generator, write_roll

MEMBERS = 250  # more memberships point at the party than a page lists (100)
PARTY = "/organization/communist-party-of-turkestan"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Iterator[str]:
    work = tmp_path_factory.mktemp("served-store")
    roll = work / "roll.nt"
    write_roll(roll, Generator(members=MEMBERS, seed=9))
    load_store(work / "store", load(root / "data", root / "ontology"), extra=[roll])
    port = free_port()
    tkg = Path(sys.executable).parent / "tkg"
    command = [str(tkg), "serve", "--store", str(work / "store"), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url: str, accept: str = "text/html") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def test_a_synthetic_member_has_a_page(base: str) -> None:
    person = str(SYN["person/00000007"]).removeprefix("https://w3id.org/turkestan-kg")
    status, html = get(base + person)
    assert status == 200
    assert "/synthetic/membership/00000007" in html  # the membership refers to the person
    status, turtle = get(base + person, accept="text/turtle")
    assert status == 200 and "foaf:Person" in turtle


def test_the_party_page_lists_some_referrers_and_says_so(base: str) -> None:
    status, html = get(base + PARTY)
    assert status == 200
    referrers = html.split('<table class="incoming">', 1)[1].split("</table>", 1)[0]
    assert referrers.count("<a ") == 100  # grouped by relation, one row each
    assert "/synthetic/membership/" in referrers
    assert "the first 100 that refer to it" in html
    assert "Communist Party of Turkestan" in html


def test_sparql_reads_the_store(base: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
    status, body = get(
        f"{base}/sparql?" + urllib.parse.urlencode({"query": query}),
        accept="application/sparql-results+json",
    )
    assert status == 200
    [row] = json.loads(body)["results"]["bindings"]
    in_the_article = len(set(load().merged().subjects(RDF.type, FOAF.Person)))
    assert int(row["n"]["value"]) == in_the_article + MEMBERS


def test_an_entity_not_in_the_store_is_404(base: str) -> None:
    assert get(base + "/synthetic/person/99999999")[0] == 404


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    tkg = Path(sys.executable).parent / "tkg"
    done = subprocess.run(
        [str(tkg), "serve", "--store", str(tmp_path / "nothing")], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "no store at" in done.stderr and "tkg load --store" in done.stderr


def test_a_growing_answer_is_shown_a_page_at_a_time(base: str) -> None:
    """unlinked-entities lists every member on a roll: its page shows 100 rows and links on."""
    status, page = get(base + "/queries/unlinked-entities")
    assert status == 200
    assert page.count("<tr>") == 101 and "100 rows" in page  # the header row, then 100
    assert 'rel="next"' in page and "page=2" in page and 'rel="prev"' not in page
    status, last = get(base + "/queries/unlinked-entities?page=3")
    assert status == 200 and 'rel="prev"' in last and 'rel="next"' not in last
    # 250 members and the project's own unlinked entities: 100 + 100 + the rest
    status, csv = get(base + "/queries/unlinked-entities?format=csv&page=3", accept="text/csv")
    assert status == 200 and len(csv.strip().splitlines()) - 1 == last.count("<tr>") - 1
    status, whole = get(base + "/queries/unlinked-entities?format=csv", accept="text/csv")
    firsts = get(base + "/queries/unlinked-entities?format=csv&page=1", accept="text/csv")[1]
    seconds = get(base + "/queries/unlinked-entities?format=csv&page=2", accept="text/csv")[1]
    rows = [r for part in (firsts, seconds, csv) for r in part.strip().splitlines()[1:]]
    assert sorted(rows) == sorted(whole.strip().splitlines()[1:])
    for bad in ("0", "x", "-1", "²", "99999999999999999999999"):
        assert get(base + f"/queries/unlinked-entities?page={urllib.parse.quote(bad)}")[0] == 400
