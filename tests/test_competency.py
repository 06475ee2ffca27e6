"""The competency questions of the knowledge graph, answered through the stored queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from turkestan_kg import Dataset
from turkestan_kg.graph.dataset import KnowledgeGraph

PARTY = "https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan"


@pytest.mark.parametrize(
    ("year", "leaders"),
    [
        (1918, []),
        (1919, ["Pyotr Kobozev"]),
        (1920, ["Abdullo Rakhimbayev", "Nazir Turiakylov"]),
        (1921, ["Abdullo Rakhimbayev", "Nazir Turiakylov"]),
        (1922, ["Abdullo Rakhimbayev", "Nazir Turiakylov"]),
        (1923, ["Ferdinand Svetlov"]),
        (1924, ["Ferdinand Svetlov"]),
        (1925, []),
    ],
)
def test_who_led_the_party_in_a_year(kg: KnowledgeGraph, year: int, leaders: list[str]) -> None:
    rows = Dataset.of(kg).query("leaders-in-year", year=year, expect="rows")
    assert sorted(r["leaderLabel"] for r in rows) == leaders


def test_1921_has_two_leaders_by_default(kg: KnowledgeGraph) -> None:
    assert len(Dataset.of(kg).query("leaders-in-year", expect="rows")) == 2


def test_tenures_in_order(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("tenures", expect="rows")
    assert [(r["leaderLabel"], r["start"], r["end"]) for r in rows] == [
        ("Pyotr Kobozev", 1919, 1919),  # xsd:gYear values are ints
        ("Abdullo Rakhimbayev", 1920, 1921),
        ("Nazir Turiakylov", 1920, 1922),
        ("Abdullo Rakhimbayev", 1922, 1922),
        ("Ferdinand Svetlov", 1923, 1924),
    ]


def test_members_in_1922_and_non_russian_share(kg: KnowledgeGraph) -> None:
    [row] = Dataset.of(kg).query("non-russian-share-1922", expect="rows")
    assert row == {"nonRussian": 9521, "total": 18945, "share": Decimal("50.3")}


def test_composition_shares_recomputed_match_printed(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("composition-1922", expect="rows")
    assert len(rows) == 6
    assert sum(int(str(r["count"])) for r in rows) == 18945
    assert all(r["computedPercentage"] == r["printedPercentage"] for r in rows)


def test_bodies_under_the_party_and_under_the_rcpb(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("hierarchy", expect="rows")
    assert [(r["bodyLabel"], r["parentLabel"], r["depth"]) for r in rows] == [
        ("Communist Party of Turkestan", "Russian Communist Party (Bolsheviks)", 1),
        (
            "Territorial Committee of the Communist Party of Turkestan",
            "Communist Party of Turkestan",
            2,
        ),
        ("Muslim Bureau", "Territorial Committee of the Communist Party of Turkestan", 3),
    ]


def test_who_chaired_the_musbiuro_and_where_he_came_from(kg: KnowledgeGraph) -> None:
    [row] = Dataset.of(kg).query("musbiuro-chair", expect="rows")
    assert row["chairLabel"] == "Turar Rïsqulov"
    assert row["selectionLabel"] == "election"
    assert row["ethnicityLabel"] == "Kazakhs"
    assert row["placeLabel"] == "Awliya Ata"
    assert row["modernName"] == "Taraz"


def test_how_many_were_purged_in_1922(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("purge-1922", expect="rows")
    assert {r["religionLabel"]: r["purged"] for r in rows} == {
        "Russian Orthodox": 1500,
        "Muslim": 0,
    }
    assert {r["grounds"] for r in rows} == {"religious prejudice"}


def test_names_by_language(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("names-by-language", entity=PARTY, expect="rows")
    assert {r["language"]: r["name"] for r in rows if r["kind"] == "preferred"} == {
        "en": "Communist Party of Turkestan",
        "ru": "Коммунистическая партия Туркестана",
        "uz-Latn": "Turkiston Kommunistik partiyasi",
        "tg-Cyrl": "Ҳизби Коммунистии Туркистон",
        "ky-Cyrl": "Түркстан коммунисттик партиясы",
    }


def test_where_a_fact_comes_from(kg: KnowledgeGraph) -> None:
    rows = Dataset.of(kg).query("fact-provenance", entity=PARTY, expect="rows")
    founding = [r for r in rows if r["property"] == "http://schema.org/foundingDate"]
    assert sorted(r["sourceLabel"] for r in founding) == [
        "Infobox",
        "Lead, paragraph 1: names, parent party, republic, formation, Jadids",
    ]
    see_also = [r for r in rows if str(r["property"]).endswith("#seeAlso")]
    assert [r["source"] for r in see_also] == [
        "https://w3id.org/turkestan-kg/source/enwiki-cpt/see-also"
    ]


def test_curatorial_facts_are_attributed_to_the_curators(kg: KnowledgeGraph) -> None:
    place = "https://w3id.org/turkestan-kg/place/awliya-ata"
    rows = Dataset.of(kg).query("fact-provenance", entity=place, expect="rows")
    modern = [r for r in rows if str(r["property"]).endswith("#modernName")]
    assert [r["sourceLabel"] for r in modern] == ["turkestan-kg curators"]
