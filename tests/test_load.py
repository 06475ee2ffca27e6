"""Loading: named graphs per file, and clear errors for malformed or missing input."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from turkestan_kg import ParseError, SourceNotFound
from turkestan_kg.graph.dataset import KnowledgeGraph, load
from turkestan_kg.namespaces import GRAPH, ONTOLOGY_GRAPH, SKOS, entity_ns


def test_load_returns_a_dataset_with_a_graph_per_file(kg: KnowledgeGraph, root: Path) -> None:
    assert isinstance(kg, Dataset)
    files = [p.stem for p in (root / "data").glob("*.ttl")]
    files += [p.name.removesuffix(".sssom.tsv") for p in (root / "data").glob("*.sssom.tsv")]
    assert "wikidata-links" in files
    named = {g.identifier for g in kg.graphs() if len(g)}
    assert {GRAPH[f] for f in files} | {ONTOLOGY_GRAPH} == named
    assert kg.source_file(GRAPH["infobox"]) == root / "data" / "infobox.ttl"


def test_default_graph_is_the_union(kg: KnowledgeGraph) -> None:
    party = entity_ns("organization")["communist-party-of-turkestan"]
    labels = {str(o) for o in kg.objects(party, SKOS.prefLabel)}
    assert "Коммунистическая партия Туркестана" in labels  # from lead-1
    assert "Communist Party of Turkestan" in labels  # from the infobox


def test_files_stating_finds_every_source_of_a_triple(kg: KnowledgeGraph) -> None:
    party = entity_ns("organization")["communist-party-of-turkestan"]
    from turkestan_kg.namespaces import SCHEMA

    files = [p.name for p in kg.files_stating((party, SCHEMA.foundingDate, None))]
    assert files == ["infobox.ttl", "lead-1-formation.ttl"]


def test_malformed_data_names_file_line_and_column(data_copy: Path) -> None:
    bad = data_copy / "infobox.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(60, 'person:broken skos:prefLabel "unterminated ;')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load(data_copy)
    err = info.value
    assert err.file is not None and err.file.endswith("infobox.ttl")
    assert err.line == 61
    assert err.column is not None
    assert str(err).startswith(f"{err.file}:61:")


def test_bad_language_tag_is_a_parse_error(data_copy: Path) -> None:
    (data_copy / "extra.ttl").write_text('<https://e/x> <https://e/p> "x"@not_a_tag .\n')
    with pytest.raises(ParseError) as info:
        load(data_copy)
    assert info.value.file is not None and info.value.file.endswith("extra.ttl")
    assert info.value.line == 1


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound, match="folder not found"):
        load(tmp_path / "nope")


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound, match=r"no \.ttl files"):
        load(tmp_path)


def test_a_bad_sssom_row_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "wikidata-links.sssom.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines[header + 2] = lines[header + 2].replace("skos:exactMatch", "skos:sameThing")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not a SKOS mapping predicate") as info:
        load(data_copy)
    assert info.value.file is not None and info.value.file.endswith("wikidata-links.sssom.tsv")
    assert info.value.line == header + 3
