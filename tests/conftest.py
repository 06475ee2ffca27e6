"""Shared fixtures: the project's folders and the loaded graph (once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from turkestan_kg.graph.dataset import KnowledgeGraph, load

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return load(ROOT / "data", ROOT / "ontology")


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of dist/ for every test that only reads it."""
    from turkestan_kg import build

    out = tmp_path_factory.mktemp("build") / "dist"
    build(out)
    return out


@pytest.fixture(scope="session")
def shapes_path() -> Path:
    return ROOT / "ontology" / "shapes.ttl"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it."""
    target = tmp_path / "data"
    target.mkdir()
    for path in [*(ROOT / "data").glob("*.ttl"), *(ROOT / "data").glob("*.sssom.tsv")]:
        (target / path.name).write_bytes(path.read_bytes())
    return target
