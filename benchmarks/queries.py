"""Time every stored query on each embedded engine and print a table.

    .venv/bin/python benchmarks/queries.py [--repeat N]

The baseline is rdflib's engine, measured in the same run; the ratio column says how many
times faster Oxigraph answered (median of N runs, after one warm-up run). Store set-up
(loading the graph into the engine) is timed on its own row.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

from turkestan_kg import stored_queries
from turkestan_kg.graph.dataset import load
from turkestan_kg.sparql.engines import OxigraphEngine, RdflibEngine


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kg = load()
    rows = [
        (
            "(engine set-up)",
            median_ms(lambda: RdflibEngine(kg), args.repeat),
            median_ms(lambda: OxigraphEngine(kg), args.repeat),
        ),
    ]
    engines = RdflibEngine(kg), OxigraphEngine(kg)
    for name, query in stored_queries().items():
        bindings = query.bindings(query.examples())
        rdflib_ms, oxigraph_ms = (
            median_ms(partial(e.run, query.text, bindings), args.repeat) for e in engines
        )
        rows.append((name, rdflib_ms, oxigraph_ms))
    print(f"{len(kg)} quads, median of {args.repeat} runs (ms)\n")
    print(f"{'query':<24} {'rdflib':>9} {'oxigraph':>9} {'ratio':>7}")
    setup, *_ = rows
    print(f"{setup[0]:<24} {setup[1]:>9.2f} {setup[2]:>9.2f} {'-':>7}")
    for name, base, fast in rows[1:]:
        print(f"{name:<24} {base:>9.2f} {fast:>9.2f} {base / fast:>6.1f}x")
    queries = rows[1:]
    total_base, total_fast = sum(r[1] for r in queries), sum(r[2] for r in queries)
    print(
        f"{'all queries':<24} {total_base:>9.2f} {total_fast:>9.2f} {total_base / total_fast:>6.1f}x"
    )


if __name__ == "__main__":
    main()
