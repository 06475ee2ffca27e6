"""One registry per concept: an entry added to a registry (here a toy query engine and a toy
validation engine, from outside the package) is used everywhere that concept is chosen: the
library's `open()` and `validate()`, the command line's choices and its `--help`."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from click.testing import CliRunner
from rdflib import Graph

import turkestan_kg
from turkestan_kg.cli import main
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.sparql import ENGINES
from turkestan_kg.sparql.engines import OxigraphEngine
from turkestan_kg.sparql.results import QueryResult
from turkestan_kg.validation import ENGINES as VALIDATION_ENGINES


class ToyEngine:
    """Answers every query as Oxigraph would, and counts them."""

    name = "toy"
    runs = 0

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.inner = OxigraphEngine(kg)

    def run(self, text: str, bindings: Mapping[str, object]) -> QueryResult:
        ToyEngine.runs += 1
        return self.inner.run(text, bindings)  # type: ignore[arg-type]


def toy_validator(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    """Says every graph conforms, with an empty report: only a test would register it."""
    return True, Graph()


@pytest.fixture
def toys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, "toy", "test_registries:ToyEngine")
    monkeypatch.setitem(VALIDATION_ENGINES, "toy", "test_registries:toy_validator")


@pytest.mark.usefixtures("toys")
def test_a_toy_query_engine_is_used_by_the_library_and_the_command_line() -> None:
    before = ToyEngine.runs
    assert turkestan_kg.open(engine="toy").query("ASK { ?s a foaf:Person }") is True
    result = CliRunner().invoke(main, ["query", "--engine", "toy", "-e", "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0, result.output
    assert ToyEngine.runs == before + 2
    assert "toy" in CliRunner().invoke(main, ["query", "--help"]).output


@pytest.mark.usefixtures("toys")
def test_a_toy_validation_engine_is_used_by_the_library_and_the_command_line() -> None:
    assert turkestan_kg.open().validate(engine="toy").problems == ()
    result = CliRunner().invoke(main, ["validate", "--engine", "toy"])
    assert result.exit_code == 0 and result.output == "conforms\n"
    assert "toy" in CliRunner().invoke(main, ["validate", "--help"]).output


def test_without_the_entry_the_name_is_refused_in_one_line() -> None:
    result = CliRunner().invoke(main, ["query", "--engine", "toy", "-e", "ASK {}"])
    assert result.exit_code == 2 and "'toy' is not one of 'oxigraph', 'rdflib'" in result.output
    with pytest.raises(turkestan_kg.UsageError, match="unknown query engine 'toy'"):
        turkestan_kg.open(engine="toy")
