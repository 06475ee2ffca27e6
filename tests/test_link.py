"""Reconciliation, review, accept, check, diff and QuickStatements against a real SPARQL
server (Oxigraph) loaded with a small Wikidata-shaped fixture."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from servers import free_port, oxigraph_server
from turkestan_kg.cli import main
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.sssom import read_mappings
from turkestan_kg.remote.graphstore import put
from turkestan_kg.wikidata.candidates import find_candidates, write_review
from turkestan_kg.wikidata.client import WikidataClient
from turkestan_kg.wikidata.curation import LinkError, accept, check
from turkestan_kg.wikidata.diff import diff
from turkestan_kg.wikidata.model import Item
from turkestan_kg.wikidata.quickstatements import quickstatements, unlinked_for_creation

FIXTURE = Path(__file__).parent / "wikidata" / "fixture.ttl"
RETRIEVED = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with oxigraph_server() as base:
        put(base + "/store?default", FIXTURE.read_bytes(), "text/turtle")
        yield base + "/query"


def client(endpoint: str) -> WikidataClient:
    return WikidataClient(endpoint, contact="curators@example.org", cache_dir=None)


def ranked(candidates, curie: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.qid for c in candidates if c.entity.curie == curie]


@pytest.fixture(scope="module")
def candidates(endpoint: str):  # type: ignore[no-untyped-def]
    return find_candidates(load(), client(endpoint))


def test_reconciliation_ranks_the_right_person_first(candidates) -> None:  # type: ignore[no-untyped-def]
    assert ranked(candidates, "person:pyotr-kobozev") == ["Q900001", "Q900002", "Q900003"]
    [best] = [c for c in candidates if c.qid == "Q900001"]
    assert "instance of Q5 fits a person" in best.reasons
    assert any("fits leading in 1919" in r for r in best.reasons)
    [late] = [c for c in candidates if c.qid == "Q900002"]
    assert any("does not fit leading in 1919" in r for r in late.reasons)
    [film] = [c for c in candidates if c.qid == "Q900003"]
    assert any("not a person" in r for r in film.reasons)
    assert best.score > late.score and best.score > film.score


def test_reconciliation_uses_aliases_and_dates(candidates) -> None:  # type: ignore[no-untyped-def]
    assert ranked(candidates, "person:turar-risqulov") == ["Q900004"]
    [turar] = [c for c in candidates if c.qid == "Q900004"]  # found by its alias
    assert "English label 'Turar Ryskulov' is our name (skeleton, 98)" in turar.reasons
    assert ranked(candidates, "organization:communist-party-of-turkestan") == [
        "Q900010",
        "Q900012",  # its uz label is our uz-Latn name (a language range)
        "Q900011",
        "Q900013",  # its mul label is our tg-Cyrl name
    ]
    [later] = [c for c in candidates if c.qid == "Q900011"]
    assert "inception 1991, ours 1918" in later.reasons


def test_redirected_items_are_not_proposed(candidates) -> None:  # type: ignore[no-untyped-def]
    assert "Q6186" not in {c.qid for c in candidates}


@pytest.fixture
def linked_data(tmp_path: Path, candidates, root: Path) -> Path:  # type: ignore[no-untyped-def]
    """A copy of data/ in which the party has been linked by review and accept."""
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    review = tmp_path / "candidates.sssom.tsv"
    write_review(candidates, review, today="2026-11-24")
    accepted = accept(review, data / "wikidata-links.sssom.tsv", ["Q900010"])
    assert [(m.subject_id, m.object_id) for m in accepted] == [
        ("organization:communist-party-of-turkestan", "wd:Q900010")
    ]
    return data


def test_review_file_is_sssom_with_scores_and_reasons(tmp_path: Path, candidates) -> None:  # type: ignore[no-untyped-def]
    review = tmp_path / "c.sssom.tsv"
    write_review(candidates, review, today="2026-11-24")
    rows = read_mappings(review)
    assert {r.mapping_justification for r in rows} == {"semapv:LexicalMatching"}
    [kobozev] = [r for r in rows if r.object_id == "wd:Q900001"]
    assert float(kobozev.confidence) >= 0.9 and "label matches" in kobozev.comment
    assert review.read_text().startswith("#curie_map:")


def test_accept_never_overwrites_a_curated_link_silently(tmp_path: Path, root: Path) -> None:
    curated = tmp_path / "curated.sssom.tsv"
    shutil.copy(root / "data" / "wikidata-links.sssom.tsv", curated)
    review = tmp_path / "review.sssom.tsv"
    rows = read_mappings(curated)
    rcpb = next(r for r in rows if r.subject_id == "organization:rcpb").with_(
        object_id="wd:Q900011", mapping_justification="semapv:LexicalMatching"
    )
    from turkestan_kg.graph.sssom import metadata, render

    review.write_text(render([rcpb], metadata("x", "y")))
    before = curated.read_bytes()
    with pytest.raises(LinkError, match="already linked to wd:Q79854"):
        accept(review, curated, ["Q900011"])
    assert curated.read_bytes() == before
    accept(review, curated, ["Q900011"], replace=True)
    assert "wd:Q900011" in curated.read_text()


def test_check_finds_redirects_deletions_and_changes(endpoint: str, root: Path) -> None:
    mappings = read_mappings(root / "data" / "wikidata-links.sssom.tsv")
    results = {r.subject: r for r in check(load(), mappings, client(endpoint))}
    assert results["ideology:communism"].status == "redirect"
    assert "wd:Q900020" in results["ideology:communism"].detail
    assert results["ethnic:karakalpaks"].status == "missing"
    assert results["ethnic:tajik"].status == "type"
    assert results["place:soviet-central-asia"].status == "label"
    assert results["ethnic:russians"].status == "ok"


def test_check_finds_a_link_to_a_namesake_whose_dates_do_not_fit(endpoint: str, root: Path) -> None:
    """Right name and right type, but born in 1950: not the man who led the party in 1919."""
    curated = read_mappings(root / "data" / "wikidata-links.sssom.tsv")
    namesake = curated[0].with_(
        subject_id="person:pyotr-kobozev", object_id="wd:Q900002", object_label="Pyotr Kobozev"
    )
    right = namesake.with_(object_id="wd:Q900001")
    wrong, ok = check(load(), [namesake, right], client(endpoint))
    assert wrong.status == "dates" and "1950" in wrong.detail and "leading in 1919" in wrong.detail
    assert ok.status == "ok"


def test_diff_classifies_each_fact(endpoint: str, linked_data: Path) -> None:
    results = diff(load(linked_data), client(endpoint))
    party = {
        (r.fact.pid, str(r.fact.value)): r
        for r in results
        if r.fact.subject.curie == "organization:communist-party-of-turkestan"
    }
    assert party[("P571", "1918-06")].status == "agree"
    assert (
        party[("P576", "1924-02")].status == "agree"
        and party[("P576", "1924-02")].note == "Wikidata is less precise"
    )
    assert party[("P749", "wd:Q79854 (Russian Communist Party (Bolsheviks))")].status == "agree"
    assert party[("P1142", "wd:Q6186 (Communism)")].status == "agree"
    # Wikidata holds Marxism only as a truthy statement, with no full statement behind it
    assert party[("P1142", "wd:Q7264 (Marxism)")].status == "agree"
    assert party[("P2124", "18945")].status == "conflict"
    assert "18000" in party[("P2124", "18945")].wikidata
    assert party[("P17", "wd:Q15180 (Soviet Union)")].status == "missing"
    assert party[("P488", "Pyotr Kobozev (no Wikidata id)")].status == "unlinked"


@pytest.fixture
def linked_leader(tmp_path: Path, candidates, root: Path) -> Path:  # type: ignore[no-untyped-def]
    """A copy of data/ in which the party and Abdullo Rakhimbayev are linked."""
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    review = tmp_path / "candidates.sssom.tsv"
    write_review(candidates, review, today="2026-11-24")
    accept(review, data / "wikidata-links.sssom.tsv", ["Q900010", "Q900005"])
    return data


def test_leaders_agree_only_for_the_same_years(endpoint: str, linked_leader: Path) -> None:
    results = diff(load(linked_leader), client(endpoint))
    leaders = [
        r
        for r in results
        if r.fact.pid == "P488" and r.fact.value == Item("Q900005", "Abdullo Rakhimbayev")
    ]
    by_years = {tuple(str(v) for _, v in r.fact.qualifiers): r for r in leaders}
    assert by_years[("1920", "1921")].status == "agree"
    other = by_years[("1922", "1922")]
    assert other.status == "missing" and "other years" in other.note


def test_a_second_statement_with_the_same_value_is_left_for_a_person(
    endpoint: str, linked_leader: Path
) -> None:
    """QuickStatements would add a 1922 P580 and P582 to the 1920-1921 statement: it says so
    instead of writing the line."""
    text = quickstatements(diff(load(linked_leader), client(endpoint)), retrieved=RETRIEVED)
    assert "P488\tQ900005" not in text
    [note] = [line for line in text.splitlines() if "Q900005" in line]
    assert note.startswith("/* by hand:") and "1922" in note and "merge" in note


QS_LINE = re.compile(
    r"^(Q\d+|LAST)\tP\d+\t(Q\d+|[+-]\d{4}-\d\d-\d\dT00:00:00Z/(9|10|11)|\d+(\.\d+)?)"
    r"(\tP\d+\t(Q\d+|[+-]\d{4}-\d\d-\d\dT00:00:00Z/(9|10|11)|\d+))*"
    r'\tS854\t"https://en\.wikipedia\.org/wiki/Communist_Party_of_Turkestan"\tS813\t\+2026-11-24T00:00:00Z/11$'
)


def test_quickstatements_for_missing_facts(endpoint: str, linked_data: Path) -> None:
    text = quickstatements(diff(load(linked_data), client(endpoint)), retrieved=RETRIEVED)
    statements = [line for line in text.splitlines() if not line.startswith("/*")]
    assert statements, text
    assert all(QS_LINE.match(line) for line in statements), text
    assert "P1142\tQ7264" not in text  # Wikidata has it (truthy only): not proposed again
    assert "Q900010\tP17\tQ15180\tP580\t+1922-12-30T00:00:00Z/11\tS854" in text
    assert "Q900010\tP2541\tQ75903\t" in text
    assert "P2124" not in text  # a conflict is for people to resolve, not a bot


def test_quickstatements_create_blocks(endpoint: str, linked_data: Path) -> None:
    kg = load(linked_data)
    text = quickstatements([], retrieved=RETRIEVED, create=unlinked_for_creation(kg))
    block = text.split("/* new item: Muslim Bureau (organization:musbiuro) */\n")[1].split("/*")[0]
    lines = block.splitlines()
    assert lines[0] == "CREATE"
    assert 'LAST\tLen\t"Muslim Bureau"' in lines and 'LAST\tAen\t"Musbiuro"' in lines
    assert "LAST\tP31\tQ7210356" in lines
    assert "LAST\tP571\t+1919-00-00T00:00:00Z/9\tS854" in block
    assert 'LAST\tLuz\t"Turkiston Kommunistik partiyasi"' not in text  # the party is linked now


def test_create_is_refused_where_wikidata_has_a_strong_candidate(
    endpoint: str, linked_data: Path, tmp_path: Path
) -> None:
    """Kobozev and Rakhimbayev have no link yet but strong candidates (Q900001, Q900005):
    proposing new items for them would make duplicates."""
    runner = CliRunner()
    common = ["--endpoint", endpoint, "--contact", "curators@example.org", "--no-cache"]
    out = tmp_path / "edits.qs"
    args = ["wikidata", "quickstatements", *common, "--data", str(linked_data), "--create"]
    refused = runner.invoke(main, [*args, "--out", str(out)])
    assert refused.exit_code == 1 and not out.exists()
    assert "person:pyotr-kobozev (wd:Q900001" in refused.output
    assert "person:abdullo-rakhimbayev (wd:Q900005" in refused.output
    assert "--force" in refused.output
    forced = runner.invoke(main, [*args, "--force", "--out", str(out)])
    assert forced.exit_code == 0, forced.output
    assert "/* new item: Pyotr Kobozev (person:pyotr-kobozev) */" in out.read_text()


def test_cli_end_to_end(endpoint: str, tmp_path: Path, root: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    review = tmp_path / "review.sssom.tsv"
    common = ["--endpoint", endpoint, "--contact", "curators@example.org", "--no-cache"]
    result = runner.invoke(
        main, ["link", "wikidata", *common, "--out", str(review), "--data", str(data)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        [
            "link",
            "accept",
            "Q900010",
            "--review",
            str(review),
            "--curated",
            str(data / "wikidata-links.sssom.tsv"),
        ],
    )
    assert (
        result.exit_code == 0
        and "accepted organization:communist-party-of-turkestan" in result.output
    )
    result = runner.invoke(main, ["wikidata", "diff", *common, "--data", str(data)])
    assert (
        result.exit_code == 0
        and "conflict organization:communist-party-of-turkestan P2124" in result.output
    )
    out = tmp_path / "edits.qs"
    result = runner.invoke(
        main,
        [
            "wikidata",
            "quickstatements",
            *common,
            "--data",
            str(data),
            "--retrieved",
            "2026-11-24",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0 and "Q900010\tP2541\tQ75903" in out.read_text()
    result = runner.invoke(main, ["link", "check", *common, "--data", str(data)])
    assert result.exit_code == 1 and "redirect ideology:communism" in result.output


def test_no_partial_review_file_when_a_run_fails(tmp_path: Path) -> None:
    review = tmp_path / "review.sssom.tsv"
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = CliRunner().invoke(
        main,
        [
            "link",
            "wikidata",
            "--endpoint",
            url,
            "--contact",
            "x@example.org",
            "--no-cache",
            "--out",
            str(review),
        ],
    )
    assert result.exit_code == 3 and "cannot reach" in result.output  # could not reach
    assert not review.exists() and list(tmp_path.iterdir()) == []
