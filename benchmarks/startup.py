"""How long the command line takes to start and to build, against the imports it cannot avoid.

    .venv/bin/python benchmarks/startup.py [--runs 9]

Each command runs as a whole process, alternating with its baseline (A B A B ...), after one
warm-up run of each; the table gives each median wall time and the median of the pairwise
ratios A/B, so a machine whose speed drifts during the run still gives a fair ratio.

- ``tkg --help`` and ``tkg queries`` against ``python -c "import click"`` (target: 3x);
- ``tkg build`` against ``python -c "import rdflib, pyshacl"`` (target: 2x).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes, its output discarded; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def pair(a: list[str], b: list[str], runs: int) -> tuple[float, float, float]:
    """(median of A, median of B, median of A/B run by run), after one warm-up each."""
    wall(a), wall(b)
    times = [(wall(a), wall(b)) for _ in range(runs)]
    ratios = [x / y for x, y in times]
    return (
        statistics.median(x for x, _ in times),
        statistics.median(y for _, y in times),
        statistics.median(ratios),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="counted runs of each command")
    args = parser.parse_args()
    tkg, python = str(BIN / "tkg"), sys.executable
    click = [python, "-c", "import click"]
    libraries = [python, "-c", "import rdflib, pyshacl"]
    with tempfile.TemporaryDirectory() as work:
        cases = [
            ("tkg --help", [tkg, "--help"], "import click", click, 3.0),
            ("tkg queries", [tkg, "queries"], "import click", click, 3.0),
            (
                "tkg build",
                [tkg, "build", "--out", f"{work}/dist"],
                "import rdflib, pyshacl",
                libraries,
                2.0,
            ),
        ]
        print("| command | median s | baseline | median s | ratio | target | met |")
        print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
        for name, a, baseline, b, target in cases:
            ta, tb, ratio = pair(a, b, args.runs)
            met = "yes" if ratio <= target else "no"
            print(
                f"| `{name}` | {ta:.3f} | `{baseline}` | {tb:.3f} | {ratio:.2f}x | {target:g}x | {met} |"
            )


if __name__ == "__main__":
    main()
