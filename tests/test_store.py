"""The on-disk store: load a synthetic roll with progress, query it, validate it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from turkestan_kg.cli import main
from turkestan_kg.store import chunks, open_store
from turkestan_kg.validate import validate_store


def test_chunks_split_on_line_ends() -> None:
    data = b"".join(f"<urn:s{i}> <urn:p> <urn:o> .\n".encode() for i in range(1000))
    pieces = list(chunks(data, size=100))
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces)


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
    shapes = Counter(p.shape.rsplit("#", 1)[1] for p in report.problems)
    assert shapes == {
        "S01-Label": 3,
        "S03-LabelLanguage": 3,
        "S06-Interval": 3,
        "S08-TenureInLifetime": 3,
        "S14-Provenance": 3,
    }
    assert runner.invoke(main, ["validate", "--store", str(store_dir)]).exit_code == 1
    out = tmp_path / "dump.nt"
    result = runner.invoke(
        main, ["export", "--store", str(store_dir), "--format", "ntriples", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    from rdflib import Graph

    [row] = open_store(store_dir).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert len(Graph().parse(out, format="nt")) == int(row["n"].value)
    assert (
        runner.invoke(
            main, ["export", "--store", str(store_dir), "--format", "turtle", "--out", str(out)]
        ).exit_code
        == 1
    )


def test_load_needs_exactly_one_target() -> None:
    assert CliRunner().invoke(main, ["load"]).exit_code == 2
