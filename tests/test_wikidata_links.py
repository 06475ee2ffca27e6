"""Curated Wikidata links use only identifiers from the reviewed reference list."""

from __future__ import annotations

from pathlib import Path

import pytest

from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import WD

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "wikidata-ids.tsv"


def reviewed_ids() -> set[str]:
    if not REFERENCE.is_file():
        pytest.skip(f"reference list not found at {REFERENCE} (it sits beside the checkout in CI)")
    rows = [line.split("\t") for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    return {row[0] for row in rows if row and row[0].startswith("Q")}


def test_every_wikidata_item_in_the_data_is_reviewed(kg: KnowledgeGraph) -> None:
    used = {
        str(o).removeprefix(str(WD))
        for _, _, o in kg.data_graph()
        if str(o).startswith(str(WD)) and str(o).removeprefix(str(WD)).startswith("Q")
    }
    assert used, "expected some curated links"
    assert used <= reviewed_ids(), sorted(used - reviewed_ids())


def test_known_wrong_guesses_are_absent(kg: KnowledgeGraph) -> None:
    for qid in ("Q179248", "Q485150", "Q484464", "Q7257", "Q1774814", "Q2305208"):
        assert WD[qid] not in set(kg.data_graph().objects()), qid


def test_a_link_still_to_be_confirmed_is_not_given_full_confidence(root: Path) -> None:
    from turkestan_kg.graph.sssom import read_mappings

    for mapping in read_mappings(root / "data" / "wikidata-links.sssom.tsv"):
        if "to be confirmed" in mapping.comment or "confirm by" in mapping.comment:
            assert float(mapping.confidence) < 1.0, mapping.subject_id
