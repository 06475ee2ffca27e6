"""The benchmarks still run: each on the smallest input it takes, as a user would start it.
(They measure; these tests only check that they finish and print their table.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_query_benchmark_runs_every_stored_query_with_its_examples() -> None:
    """A query whose parameter has no default (describe-entity) runs with its example."""
    out = run("benchmarks/queries.py", "--repeat", "1")
    assert "describe-entity" in out and "all queries" in out


def test_the_scale_benchmark_runs_a_small_roll(tmp_path: Path) -> None:
    out = run(
        "benchmarks/scale.py", "--part", "ours", "--work", str(tmp_path / "roll"),
        "--members", "200", "--seed", "1", "--defects", "0.01",
        "--pyshacl-up-to", "0", "--rdflib-up-to", "0", "--whole-up-to", "0",
    )  # fmt: skip
    measures = json.loads(out.strip().splitlines()[-1])
    assert measures["defects found as injected"] is True
    assert measures["validate"] > 0


def test_the_pause_benchmark_times_both_answers_at_each_rest() -> None:
    out = run("benchmarks/cold.py", "--queries", "20", "--rounds", "1")
    rows = [line for line in out.splitlines() if line.endswith("x |")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| back to back",
        "| after 0.2 ms",
        "| after 1 ms",
    ]
    assert all(len(row.split(" | ")) == 5 for row in rows)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (Debian: wrk)")
def test_the_floor_benchmark_measures_four_servers_and_their_processor_time() -> None:
    out = run("benchmarks/serve_floor.py", "--seconds", "1", "--runs", "1")
    rows = [line.split(" | ") for line in out.splitlines() if line.startswith("| 1 |")]
    assert [row[1] for row in rows] == ["oxigraph", "floor", "pool", "tkg serve"], out
    assert rows[0][3] == "1.00x" and all(row[3].endswith("x") for row in rows)
    assert all(float(row[4]) > 0 for row in rows), out  # each server spent processor time
    assert all(float(row[5]) > 0 for row in rows[1:]), out  # and its workers
    assert [row[6].rstrip(" |") for row in rows] == ["0"] * 4, out  # and no answer failed
