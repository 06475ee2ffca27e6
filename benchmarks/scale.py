"""Scale benchmark: synthetic rolls at 1x, 10x (and more), every step timed, one table.

    .venv/bin/python benchmarks/scale.py --scales 1 10 [--pyshacl-up-to 1] [--seed 1]

For each scale K a roll of 18,945 x K invented members is generated, merged with the data,
and then: loaded into rdflib and into Oxigraph, validated by the fast engine (and by pySHACL
on rdflib, the baseline, for scales up to --pyshacl-up-to), queried with every stored query
on Oxigraph (and on rdflib, the baseline, at the same scales), and exported as N-Triples.
Each scale runs in its own process so its peak memory is its own. Ratio columns divide the
baseline's time by ours, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(scale: int, seed: int, with_baseline: bool) -> dict[str, float]:
    import pyoxigraph as ox
    import pyshacl

    from turkestan_kg import load, stored_queries
    from turkestan_kg.engine import OxigraphEngine, RdflibEngine
    from turkestan_kg.fastshacl import validate_graph
    from turkestan_kg.load import parse_file
    from turkestan_kg.synth import SYNTHETIC_GRAPH, synth

    out: dict[str, float] = {}
    start = time.perf_counter()
    roll = synth(members=18945, scale=scale, seed=seed)
    out["generate"] = time.perf_counter() - start
    nt = roll.ntriples
    start = time.perf_counter()
    kg = load(ROOT / "data", ROOT / "ontology")
    kg.graph(SYNTHETIC_GRAPH).parse(data=nt, format="nt")
    out["load rdflib"] = time.perf_counter() - start
    data = kg.merged()
    out["triples"] = len(data)
    store = ox.Store()
    start = time.perf_counter()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    out["load oxigraph"] = time.perf_counter() - start
    shapes = parse_file(ROOT / "ontology" / "shapes.ttl")
    start = time.perf_counter()
    conforms, _ = validate_graph(data, shapes)
    out["validate fast"] = time.perf_counter() - start
    out["conforms"] = float(conforms)
    if with_baseline:
        start = time.perf_counter()
        pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
        out["validate pyshacl"] = time.perf_counter() - start
    engines = {"oxigraph": OxigraphEngine(kg)}
    if with_baseline:
        engines["rdflib"] = RdflibEngine(kg)
    for name, engine in engines.items():
        start = time.perf_counter()
        for query in stored_queries().values():
            engine.run(query.text, query.bindings({}))
        out[f"queries {name}"] = time.perf_counter() - start
    start = time.perf_counter()
    data.serialize(format="nt", encoding="utf-8")
    out["export nt"] = time.perf_counter() - start
    out["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument(
        "--pyshacl-up-to", type=int, default=1, help="run the baselines up to this scale"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.seed, args.one <= args.pyshacl_up_to)))
        return
    print_header()
    for scale in args.scales:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(scale),
                "--seed",
                str(args.seed),
                "--pyshacl-up-to",
                str(args.pyshacl_up_to),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        # one row as soon as each scale is done, so a later failure loses nothing
        print_row(scale, json.loads(done.stdout.strip().splitlines()[-1]))


def ratio(base: float | None, ours: float) -> str:
    return f"{base / ours:.0f}x" if base else "-"


def seconds(value: float | None) -> str:
    return f"{value:.1f}" if value else "-"


HEADER = (
    "scale",
    "members",
    "triples",
    "load ox s",
    "valid. fast s",
    "pySHACL s",
    "ratio",
    "queries ox s",
    "rdflib s",
    "ratio",
    "export s",
    "peak MB",
)
WIDTHS = (5, 9, 10, 9, 13, 10, 7, 12, 9, 7, 9, 8)


def print_header() -> None:
    print(" ".join(h.rjust(w) for h, w in zip(HEADER, WIDTHS, strict=True)), flush=True)


def print_row(scale: int, r: dict[str, float]) -> None:
    base_v, base_q = r.get("validate pyshacl"), r.get("queries rdflib")
    cells = (
        str(scale),
        str(18945 * scale),
        str(int(r["triples"])),
        f"{r['load oxigraph']:.1f}",
        f"{r['validate fast']:.2f}",
        seconds(base_v),
        ratio(base_v, r["validate fast"]),
        f"{r['queries oxigraph']:.2f}",
        seconds(base_q),
        ratio(base_q, r["queries oxigraph"]),
        f"{r['export nt']:.1f}",
        f"{r['peak MB']:.0f}",
    )
    print(" ".join(c.rjust(w) for c, w in zip(cells, WIDTHS, strict=True)), flush=True)


if __name__ == "__main__":
    main()
