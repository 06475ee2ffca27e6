"""The synthetic roll: deterministic, distributed like 1922, valid, and broken exactly as asked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph

from turkestan_kg.cli import main
from turkestan_kg.graph.dataset import load
from turkestan_kg.namespaces import ORG, TKG
from turkestan_kg.synth.roll import DEFECTS, PURGE, Generator, apportion, synth
from turkestan_kg.validation.engines import validate


def test_the_same_seed_gives_the_same_roll() -> None:
    assert synth(members=300, seed=3).ntriples == synth(members=300, seed=3).ntriples
    assert synth(members=300, seed=3).ntriples != synth(members=300, seed=4).ntriples


def test_distribution_and_purge_follow_1922() -> None:
    roll = synth(members=18945, seed=1)
    counts = Counter(str(o).rsplit("/", 1)[1] for o in roll.graph.objects(None, TKG.ethnicity))
    assert counts == dict(apportion(18945))
    assert counts["russians"] == 9424
    assert len(set(roll.graph.subjects(TKG.endedBy, PURGE))) == 1500
    assert len(set(roll.graph.subjects(ORG.member, None))) == 18945
    assert len(set(roll.graph.subjects(ORG.heldBy, None))) == 95  # posts: one member in 200


def test_a_generator_gives_the_same_members_each_time() -> None:
    generator = Generator(members=200, seed=3, defects=0.01)
    assert "".join(generator.members()) == "".join(generator.members())


def test_scale_multiplies_members() -> None:
    assert len(synth(members=100, scale=3, seed=1).members) == 300


def validate_roll(roll_graph: Graph, tmp_path: Path, root: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "roll.nt"
    path.write_bytes(roll_graph.serialize(format="nt", encoding="utf-8"))
    return validate(
        load(root / "data", root / "ontology", extra_files=[path]),
        shapes=root / "ontology" / "shapes.ttl",
    )


def test_a_clean_roll_passes_the_shapes(tmp_path: Path, root: Path) -> None:
    report = validate_roll(synth(members=60, seed=5).graph, tmp_path, root)
    assert report.conforms, report.to_text()


def test_injected_defects_are_caught_exactly(tmp_path: Path, root: Path) -> None:
    roll = synth(members=60, seed=5, defects=0.05)
    assert roll.expected == dict.fromkeys(DEFECTS.values(), 3)
    report = validate_roll(roll.graph, tmp_path, root)
    found = Counter(p.shape.removeprefix("tkgsh:") for p in report.problems)
    assert found == roll.expected, report.to_text()


def test_cli_writes_the_roll_and_the_expected_counts(tmp_path: Path) -> None:
    out = tmp_path / "roll.nt"
    result = CliRunner().invoke(
        main, ["synth", "--members", "50", "--defects", "0.02", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "wrote 50 members" in result.output
        and "expected 1 violations of tkgsh:S06-Interval" in result.output
    )
    assert len(Graph().parse(out, format="nt")) > 500
