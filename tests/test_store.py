"""The on-disk store: load a synthetic roll with progress, query it, validate it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import QuerySolutions

from compare import assert_same
from turkestan_kg import stored_queries
from turkestan_kg.cli import main
from turkestan_kg.errors import ParseError
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.store import load_store, open_store
from turkestan_kg.sparql.engines import Engine
from turkestan_kg.synth.roll import Generator, write_roll
from turkestan_kg.validation.compile import Check
from turkestan_kg.validation.engines import validate_store

LINKED_INTERVALS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT (COUNT(*) AS ?n) WHERE {
  ?m org:memberDuring ?i . ?i time:hasBeginning/time:inXSDgYear ?b ; time:hasEnd/time:inXSDgYear ?e
  FILTER(STRSTARTS(STR(?m), "https://w3id.org/turkestan-kg/synthetic/"))
}"""


def count(store, query: str) -> int:  # type: ignore[no-untyped-def]
    [row] = store.query(query)
    return int(row["n"].value)


def test_blank_nodes_stay_linked(tmp_path: Path, root: Path) -> None:
    """A member's interval is a blank node; loading must not cut it off its membership."""
    roll = tmp_path / "roll.nt"
    write_roll(roll, Generator(members=120, seed=4))
    store = load_store(tmp_path / "store", load(root / "data", root / "ontology"), extra=[roll])
    assert (
        count(
            store,
            LINKED_INTERVALS,
        )
        == 120
    )
    assert validate_store(store).conforms


def test_a_file_that_does_not_parse_leaves_the_old_store(tmp_path: Path, root: Path) -> None:
    kg = load(root / "data", root / "ontology")
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    bad.write_text('<urn:a> <urn:b> <urn:c> .\n<urn:x> <urn:y> "open .\n', encoding="utf-8")
    before = len(load_store(tmp_path / "store", kg, extra=[good]))
    with pytest.raises(ParseError) as caught:
        load_store(tmp_path / "store", kg, extra=[bad])
    assert caught.value.file is not None and caught.value.file.endswith("bad.nt")
    assert caught.value.line == 2
    assert len(open_store(tmp_path / "store")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nt", "good.nt", "store"]


def test_load_query_and_validate_a_store(tmp_path: Path) -> None:
    runner = CliRunner()
    roll = tmp_path / "roll.nt"
    assert (
        runner.invoke(
            main,
            ["synth", "--members", "300", "--seed", "2", "--defects", "0.01", "--out", str(roll)],
        ).exit_code
        == 0
    )
    store_dir = tmp_path / "store"
    result = runner.invoke(main, ["load", "--store", str(store_dir), "--file", str(roll)])
    assert result.exit_code == 0, result.output
    count = runner.invoke(
        main,
        [
            "query",
            "--store",
            str(store_dir),
            "-e",
            "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <http://www.w3.org/ns/org#Membership> }",
            "--format",
            "csv",
        ],
    )
    assert count.stdout_bytes == b"n\r\n301\r\n"  # 300 members and the Musbiuro chairman
    leaders = runner.invoke(
        main, ["query", "--store", str(store_dir), "leaders-in-year", "--param", "year=1921"]
    )
    assert "Nazir Turiakylov" in leaders.output
    report = validate_store(open_store(store_dir))
    shapes = Counter(p.shape.removeprefix("tkgsh:") for p in report.problems)
    assert shapes == {
        "S01-Label": 3,
        "S03-LabelLanguage": 3,
        "S06-Interval": 3,
        "S08-TenureInLifetime": 3,
        "S14-Provenance": 3,
    }
    broken_interval = next(p for p in report.problems if p.shape == "tkgsh:S06-Interval")
    assert "/synthetic/membership/" in broken_interval.entity  # not a blank node
    assert broken_interval.label.endswith(", member, 1922-1919")
    assert runner.invoke(main, ["validate", "--store", str(store_dir)]).exit_code == 1
    out = tmp_path / "dump.nt"
    result = runner.invoke(
        main, ["export", "--store", str(store_dir), "--format", "ntriples", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    from rdflib import Graph

    answer = open_store(store_dir).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(answer, QuerySolutions)
    [row] = answer
    assert len(Graph().parse(out, format="nt")) == int(row["n"].value)
    assert (
        runner.invoke(
            main, ["export", "--store", str(store_dir), "--format", "turtle", "--out", str(out)]
        ).exit_code
        == 2  # a format a store cannot give: a usage mistake
    )


def test_load_needs_exactly_one_target() -> None:
    assert CliRunner().invoke(main, ["load"]).exit_code == 2


@pytest.fixture(scope="module")
def two_engines(tmp_path_factory: pytest.TempPathFactory, root: Path) -> tuple[Engine, Engine]:
    """A roll with defects on an on-disk store, and the same roll in rdflib."""
    from turkestan_kg.sparql.engines import OxigraphEngine, RdflibEngine

    work = tmp_path_factory.mktemp("two-engines")
    roll = work / "roll.nt"
    write_roll(roll, Generator(members=400, seed=6, defects=0.01))
    store = load_store(work / "store", load(root / "data", root / "ontology"), extra=[roll])
    return (
        OxigraphEngine(store=store),
        RdflibEngine(load(root / "data", root / "ontology", extra_files=[roll])),
    )


@pytest.mark.parametrize("name", sorted(stored_queries()))
def test_every_stored_query_answers_the_same_on_the_store_and_on_rdflib(
    name: str,
    two_engines: tuple[Engine, Engine],
) -> None:
    """The differential check the scale benchmark runs at 1x and 10x, on a small roll."""
    on_store, on_rdflib = two_engines
    query = stored_queries()[name]
    bindings = query.bindings(query.examples())
    assert_same(on_store.run(query.text, bindings), on_rdflib.run(query.text, bindings))


PARTY = "https://w3id.org/turkestan-kg/organization/communist-party-of-turkestan"
PARTY_LABEL = f'<{PARTY}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Communist Party of Turkestan"@en .\n'
SHARED = "<urn:x:a> <urn:x:p> <urn:x:b> .\n"


def test_each_triple_is_stored_once_and_counted_once(tmp_path: Path, root: Path) -> None:
    """The default graph is the merge: a triple two files (or a file and the project) state
    is stored and counted once; a roll is not copied into a named graph; the project's
    files keep their named graphs, so the provenance queries still find them."""
    kg = load(root / "data", root / "ontology")
    roll = tmp_path / "roll.nt"
    write_roll(roll, Generator(members=50, seed=3))
    with roll.open("a", encoding="utf-8") as f:
        f.write(PARTY_LABEL + SHARED)
    other = tmp_path / "other.nt"
    other.write_text(SHARED + "<urn:x:a> <urn:x:p> <urn:x:c> .\n", encoding="utf-8")
    store = load_store(tmp_path / "store", kg, extra=[roll, other])
    expected = load(root / "data", root / "ontology", extra_files=[roll, other]).merged()
    named = sum(len(g) for g in kg.graphs() if g.identifier != kg.default_graph.identifier)
    assert len(store) == named + len(expected)
    for text in (PARTY_LABEL, SHARED):
        pattern = text.strip().removesuffix(".")
        assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}") == 1
    pattern = PARTY_LABEL.strip().removesuffix(".")
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }}") == 2
    total = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert total == len(expected)
    out = tmp_path / "dump.nt"
    from rdflib import Graph
    from rdflib.compare import graph_diff, to_isomorphic

    from turkestan_kg.formats import FORMATS
    from turkestan_kg.graph.store import dump_store

    del store
    dump_store(tmp_path / "store", FORMATS["ntriples"], out)
    _, only_dumped, only_expected = graph_diff(
        to_isomorphic(Graph().parse(out, format="nt")), to_isomorphic(expected)
    )
    assert not only_dumped and not only_expected


def test_checks_run_at_once_give_the_same_report(tmp_path: Path, root: Path) -> None:
    roll = tmp_path / "roll.nt"
    write_roll(roll, Generator(members=300, seed=5, defects=0.02))
    store = load_store(tmp_path / "store", load(root / "data", root / "ontology"), extra=[roll])
    ticks: list[int] = []
    one = validate_store(store, workers=1)
    two = validate_store(store, workers=2, progress=lambda total: ticks.append)
    assert not one.conforms and one.problems == two.problems
    assert len(ticks) == len(compile_checks()) and set(ticks) == {1}
    from rdflib.compare import to_isomorphic

    assert to_isomorphic(one.graph) == to_isomorphic(two.graph)


def test_a_failing_check_stops_the_others_with_its_error(tmp_path: Path, root: Path) -> None:
    from turkestan_kg.validation.execute import CheckFailed, run_on_store

    store = load_store(tmp_path / "store", load(root / "data", root / "ontology"))
    good = compile_checks()[0]
    bad = Check("SELECT ?this WHERE { ?this ", good.source_shape, good.component, None, None)
    with pytest.raises(CheckFailed, match=r"the check of shape .* could not run on Oxigraph"):
        run_on_store(store, [good, bad, good], workers=2)


def compile_checks() -> list[Check]:
    from turkestan_kg.graph.files import parse_file
    from turkestan_kg.validation.compile import compile_shapes
    from turkestan_kg.validation.engines import default_shapes

    return compile_shapes(parse_file(default_shapes()))


def test_ctrl_c_during_a_load_leaves_the_old_store(tmp_path: Path, root: Path) -> None:
    """Ctrl-C reaches a load running in Oxigraph's bulk loader at its next read: one line,
    exit 130, no staging folder left, and the store is the one loaded before."""
    import os
    import signal
    import subprocess
    import sys
    import time

    small = tmp_path / "small.nt"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    kg = load(root / "data", root / "ontology")
    before = len(load_store(tmp_path / "store", kg, extra=[small]))
    roll = tmp_path / "roll.nt"
    write_roll(roll, Generator(members=120_000, seed=2))
    tkg = Path(sys.executable).parent / "tkg"
    command = [str(tkg), "load", "--store", "store", "--file", "roll.nt"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".store-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # into the roll
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    text = err.decode()
    assert process.returncode == 130, text
    assert "stopped:" in text and "Traceback" not in text
    assert not list(tmp_path.glob(".store-*"))
    assert len(open_store(tmp_path / "store")) == before
