"""Reconciliation at the size of the 1922 party: 1,000 queries against the 1x roll in a store.

    .venv/bin/python benchmarks/reconcile.py [--members 18945] [--queries 1000] [--seed 1]

Writes a synthetic roll (one invented member per 1922 member), loads it with the project's
graph into an on-disk Oxigraph store, reads the reconciliation index from the store, then
sends one batch of queries: the names of randomly chosen members, half of them respelled
(Cyrillic written in Latin letters, a letter dropped) as a historian's sheet would have
them. Prints the time to read the index, the batch's throughput, and how often the top
candidate carries the name the query was made from. The baseline, run on the same store
side by side, is what the project offered before: the `find-by-name` stored query (a SPARQL
CONTAINS over every name), which finds only exact substrings.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from turkestan_kg.graph.dataset import load  # noqa: E402
from turkestan_kg.graph.store import load_store  # noqa: E402
from turkestan_kg.matcher import fold  # noqa: E402
from turkestan_kg.reconcile.service import Service  # noqa: E402
from turkestan_kg.sparql.catalogue import get_query  # noqa: E402
from turkestan_kg.sparql.engines import OxigraphEngine  # noqa: E402
from turkestan_kg.synth.roll import SYN, Generator, write_roll  # noqa: E402

PERSON = "http://xmlns.com/foaf/0.1/Person"


def respell(name: str, rng: random.Random) -> str:
    """A name as another hand may have written it: in Latin letters, a letter dropped."""
    latin = fold(name).title()
    if len(latin) > 6:
        i = rng.randrange(1, len(latin) - 1)
        latin = latin[:i] + latin[i + 1 :]
    return latin


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=18945)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        roll = Path(tmp) / "roll.nt"
        write_roll(roll, Generator(members=args.members, seed=args.seed))
        store = load_store(Path(tmp) / "store", load(), extra=[roll])
        engine = OxigraphEngine(store=store)
        service = Service(engine)
        started = time.perf_counter()
        index = service.index
        read = time.perf_counter() - started
        members = [(e, n) for e, n in index.names if e.startswith(str(SYN) + "person/")]
        picked = rng.sample(members, args.queries)
        asked = [
            (name if i % 2 else respell(name, rng), name) for i, (_, name) in enumerate(picked)
        ]
        batch = {
            f"q{i}": {"query": q, "type": PERSON, "limit": 3} for i, (q, _) in enumerate(asked)
        }
        started = time.perf_counter()
        answers = service.reconcile(batch)
        took = time.perf_counter() - started
        right = sum(
            1
            for i, (_, original) in enumerate(asked)
            if answers[f"q{i}"]["result"]
            and fold(_name_of(index, answers[f"q{i}"]["result"][0]["id"], original))
            == fold(original)
        )
        query = get_query("find-by-name")
        sample = asked[:100]
        started = time.perf_counter()
        found = sum(
            1 for q, _ in sample if engine.run(query.text, query.bindings({"text": q})).rows
        )
        baseline = (time.perf_counter() - started) / len(sample)
    per_query = took / len(asked)
    print(f"roll of {args.members:,} members; {len(index.names):,} names in the index\n")
    print("| | time | queries/s | found the member's name |")
    print("|---|---:|---:|---:|")
    print(f"| read the index from the store | {read:.2f} s | | |")
    print(
        f"| reconcile, batch of {len(asked):,} | {took:.2f} s | {1 / per_query:,.0f} "
        f"| {right / len(asked):.1%} |"
    )
    print(
        f"| baseline: find-by-name, first {len(sample)} | {baseline * len(sample):.2f} s "
        f"| {1 / baseline:,.0f} | {found / len(sample):.1%} (any hit) |"
    )
    print(
        f"\nper query: reconcile {per_query * 1000:.2f} ms, find-by-name {baseline * 1000:.2f} ms "
        f"({baseline / per_query:.1f}x)"
    )


def _name_of(index: object, entity: str, original: str) -> str:
    """One of the entity's names that folds like ``original``, else its display name (members
    share names, so any member carrying the name counts as found)."""
    names = [n for e, n in index.names if e == entity]  # type: ignore[attr-defined]
    return next((n for n in names if fold(n) == fold(original)), names[0] if names else "")


if __name__ == "__main__":
    main()
