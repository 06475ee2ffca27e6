"""The graph on SPARQL servers against the embedded on-disk store: load, validate, query.

    .venv/bin/python benchmarks/stores.py [--scale 1] [--members 18945]

Needs Oxigraph's server (PyPI `oxigraph`, installed by `python3 tasks.py test`) and, for its
rows, Virtuoso open source 7 (Debian `virtuoso-opensource-7-bin`). A synthetic roll of
members x scale is written once; then, for each back end in turn:

- embedded: `tkg load --store` (the project's graph and the roll into an on-disk Oxigraph
  store), `tkg validate --store`, every stored query on the store;
- each server, started on free loopback ports: the project's graph and the roll as one
  N-Triples file streamed into a named graph (`tkg load --graph-store --file`, all or nothing),
  `tkg validate --endpoint` with that graph as the default graph, every stored query.

Prints one table of seconds per step and the ratio to the embedded store (above 1: the
server is slower), and whether validation found the same number of problems everywhere.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import turkestan_kg  # noqa: E402
from servers import VIRTUOSO, oxigraph_server, virtuoso_server  # noqa: E402
from turkestan_kg import Dataset, stored_queries  # noqa: E402
from turkestan_kg.errors import TkgError  # noqa: E402
from turkestan_kg.graph.dataset import load  # noqa: E402
from turkestan_kg.graph.store import load_store  # noqa: E402
from turkestan_kg.remote.stream import stream_file  # noqa: E402
from turkestan_kg.synth.roll import Generator, write_roll  # noqa: E402

GRAPH = "https://w3id.org/turkestan-kg/graph/benchmark"


T = TypeVar("T")


def timed(step: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def run_queries(source: Dataset) -> None:
    for query in stored_queries().values():
        source.query(query)


def embedded(work: Path, roll: Path) -> dict[str, float | int]:
    kg = load()
    load_s, store = timed(lambda: load_store(work / "store", kg, extra=[roll]))
    del store  # closed, so the read-only opening below sees the store as it stays
    gc.collect()
    return checked(load_s, turkestan_kg.open(store=work / "store"))


def on_server(both: Path, graph_store: str, update: str, query: str) -> dict[str, float | int]:
    load_s, _ = timed(lambda: stream_file(both, graph_store, GRAPH, update, timeout=600))
    endpoint = query + "?" + urllib.parse.urlencode({"default-graph-uri": GRAPH})
    return checked(load_s, turkestan_kg.open(endpoint=endpoint, timeout=600))


def checked(load_s: float, source: Dataset) -> dict[str, float | int]:
    """The load's time, then validation and every stored query timed on ``source``."""
    validate_s, report = timed(lambda: source.validate())
    query_s, _ = timed(lambda: run_queries(source))
    return {
        "load": load_s,
        "validate": validate_s,
        "queries": query_s,
        "problems": len(report.problems),
    }


@contextmanager
def oxigraph() -> Iterator[tuple[str, str, str]]:
    with oxigraph_server() as base:
        yield base + "/store", base + "/update", base + "/query"


@contextmanager
def virtuoso(work: Path) -> Iterator[tuple[str, str, str]]:
    with virtuoso_server(work) as base:
        yield base + "/sparql-graph-crud", base + "/sparql", base + "/sparql"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--members", type=int, default=18945)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        roll = work / "roll.nt"
        triples = write_roll(
            roll, Generator(members=args.members, scale=args.scale, seed=1, defects=0.001)
        )
        both = work / "both.nt"
        both.write_bytes(
            load().merged().serialize(format="nt", encoding="utf-8") + roll.read_bytes()
        )
        rows = {"embedded on-disk Oxigraph store": embedded(work, roll)}
        failed: dict[str, str] = {}
        with oxigraph() as (graph_store, update, query):
            try:
                rows["Oxigraph server"] = on_server(both, graph_store, update, query)
            except TkgError as err:
                failed["Oxigraph server"] = err.message
        if VIRTUOSO is not None:
            with virtuoso(work / "virtuoso") as (graph_store, update, query):
                try:
                    rows["Virtuoso 7"] = on_server(both, graph_store, update, query)
                except TkgError as err:
                    failed["Virtuoso 7"] = err.message
    base = rows["embedded on-disk Oxigraph store"]
    print(
        f"roll of {args.members * args.scale:,} members ({triples:,} triples), scale {args.scale}\n"
    )
    print(
        "| back end | load s | validate s | stored queries s | problems | vs embedded (load / validate / queries) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, row in rows.items():
        ratios = " / ".join(f"{row[k] / base[k]:.2f}x" for k in ("load", "validate", "queries"))
        print(
            f"| {name} | {row['load']:.2f} | {row['validate']:.2f} | {row['queries']:.2f} "
            f"| {row['problems']} | {ratios} |"
        )
    for name, message in failed.items():
        print(f"| {name} | failed: {message} | | | | |")


if __name__ == "__main__":
    main()
