"""What a pause costs a query: a SPARQL worker's answer timed back to back, and after a rest.

    .venv/bin/python benchmarks/cold.py [--queries 4000] [--rounds 5]

In `tkg serve` under load a worker rests between jobs (it waits on its pipe), and so does the
server's main process between requests. On some machines the next piece of work after a
rest runs much slower than the same work back to back (caches and predictors emptied by
whatever ran meanwhile, a processor woken from a low-power state). This measures that for
one worker's whole answer to a new point lookup (`turkestan_kg.web.worker.answer`: the
checks, Oxigraph's parse and evaluation, the bounded writer), in one process, with no pipe
and no server; and, beside it, Oxigraph's part alone (`Store.query` and its JSON writer,
all a worker of `benchmarks/serve_floor.py` does):

- back to back: one answer after another;
- after a rest of 0.2 ms or 1 ms (`time.sleep`), which another process may fill.

Each figure is the processor time of the answer alone (`time.thread_time`), the least of
--rounds rounds; the rest itself is not counted. Prints a table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve import NEW_LOOKUP  # noqa: E402

RESTS = (("back to back", 0.0), ("after 0.2 ms", 0.0002), ("after 1 ms", 0.001))


def project_store() -> ox.Store:
    """The project's graph in an in-memory Oxigraph store, as a worker holds it."""
    import pyoxigraph as ox

    from turkestan_kg.graph.dataset import load, store_payload

    store = ox.Store()
    store.load(store_payload(load()), format=ox.RdfFormat.N_QUADS)
    return store


def worker_answer(store: ox.Store) -> Callable[[str], None]:
    """A worker's whole answer to a query text."""
    from turkestan_kg.web.jobs import Job, Setup
    from turkestan_kg.web.worker import answer

    setup = Setup()

    def run(text: str) -> None:
        reply = answer(store, Job(text), setup)
        assert reply.status == 200, reply

    return run


def oxigraph_alone(store: ox.Store) -> Callable[[str], None]:
    """Oxigraph's parse, evaluation and JSON writer, and nothing else."""
    import pyoxigraph as ox

    def run(text: str) -> None:
        found = store.query(text)
        assert isinstance(found, ox.QuerySolutions)
        found.serialize(format=ox.QueryResultsFormat.JSON)

    return run


def per_answer(run: Callable[[str], None], queries: int, rest: float, first: int) -> float:
    """Microseconds of processor time per answer, resting ``rest`` seconds before each."""
    texts = [NEW_LOOKUP[0] + str(first + n) for n in range(queries)]
    spent = 0.0
    for text in texts:
        if rest:
            time.sleep(rest)
        start = time.thread_time()
        run(text)
        spent += time.thread_time() - start
    return spent / queries * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = project_store()
    runs = (worker_answer(store), oxigraph_alone(store))
    for run in runs:
        per_answer(run, 200, 0.0, 0)  # warm the imports
    best = {(kind, name): float("inf") for kind in range(len(runs)) for name, _ in RESTS}
    first = 0
    for _ in range(args.rounds):
        for kind, run in enumerate(runs):
            for name, rest in RESTS:
                first += 1_000_000  # every text new
                spent = per_answer(run, args.queries, rest, first)
                best[kind, name] = min(best[kind, name], spent)
    print("µs of processor time per answer to a new point lookup (least of rounds):\n")
    print("| | a worker's whole answer | ratio | Oxigraph's part alone | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, _ in RESTS:
        cells = [
            f"{best[kind, name]:.1f} | {best[kind, name] / best[kind, RESTS[0][0]]:.2f}x"
            for kind in range(len(runs))
        ]
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
