"""build(): validated, complete, and replacing the old output whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from turkestan_kg import KnowledgeGraph, build
from turkestan_kg.errors import InvalidData
from turkestan_kg.export import FORMATS


def test_every_triple_format_round_trips(tmp_path: Path, kg: KnowledgeGraph) -> None:
    result = build(tmp_path / "dist")
    expected = kg.data_graph()
    for fmt in FORMATS.values():
        path = tmp_path / "dist" / f"turkestan-kg{fmt.file_extension}"
        assert path in result.files
        if fmt.keeps_graphs:
            dataset = Dataset()
            dataset.parse(path, format=fmt.rdflib_name)
            union = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                union.add((s, p, o))
            assert len({g.identifier for g in dataset.graphs() if len(g)}) >= 10
            assert isomorphic(union, expected), fmt.name
        else:
            assert isomorphic(Graph().parse(path, format=fmt.rdflib_name), expected), fmt.name


def test_allow_invalid_writes_and_reports(tmp_path: Path, data_copy: Path) -> None:
    path = data_copy / "lead-3-congress-1920.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"1920"^^xsd:gYear', '"MCMXX"'))
    with pytest.raises(InvalidData):
        build(tmp_path / "dist", data_dir=data_copy)
    result = build(tmp_path / "dist", data_dir=data_copy, allow_invalid=True)
    assert not result.report.conforms
    assert (tmp_path / "dist" / "validation-report.ttl").read_text().count("sh:focusNode") >= 1


def test_old_output_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "stale.txt").write_text("from an old build")
    build(out)
    assert not (out / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
