"""Scale benchmark: synthetic rolls at 1x, 10x and 100x, every step timed, one table.

    .venv/bin/python benchmarks/scale.py --scales 1 10 100 --pyshacl-up-to 1 --rdflib-up-to 10

For each scale K a roll of 18,945 x K invented members (with --defects, default one member in
1,000 broken once per kind of defect) is streamed to disk by ``tkg synth``'s writer, then:

- ours: loaded into an on-disk Oxigraph store (``tkg load --store``), validated by the fast
  engine on the store (one check per core at a time), queried with every stored query
  (those whose answer grows with the data, with a page size in their header, whole up to
  --whole-up-to and always as their first page: the ``first pages`` row), exported as
  N-Triples from the store;
- the bulk loader: pyoxigraph's ``Store.bulk_load`` of the roll file alone into a new on-disk
  store, the baseline of the load row;
- the baseline, on the same roll file: loaded into rdflib, validated by pySHACL (up to
  --pyshacl-up-to), queried with every stored query on rdflib and serialized (up to
  --rdflib-up-to).

Ours and the baseline run one after the other, each in its own process, so each peak
memory is its own and they never compete for the two cores. The ratio column divides the
baseline's time by ours. The check column says whether the fast engine found exactly the
injected defects, whether pySHACL's report has the same results (focus node, path, shape,
component, severity), and whether every stored query gave the same answer on both engines.
Each scale's rows are printed as soon as that scale is done.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
Measures = dict[str, Any]


def clock() -> float:
    return time.perf_counter()


def fingerprint(result: Any) -> str:
    """A digest of a query answer that two engines agree on when the answers are the same:
    rows as a sorted multiset, graphs in canonical blank-node form, ASK by value."""
    from rdflib.compare import to_canonical_graph

    if result.kind == "graph":
        lines = sorted(
            " ".join(t.n3() for t in triple) for triple in to_canonical_graph(result.graph)
        )
    elif result.kind == "ask":
        lines = [str(result.boolean)]
    else:
        lines = sorted(" ".join(f"{v}={row[v].n3()}" for v in sorted(row)) for row in result.rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def report_fingerprint(results: Iterable[tuple[str, ...]]) -> str:
    return hashlib.sha256("\n".join(sorted("\t".join(r) for r in results)).encode()).hexdigest()


def each_query(engine: Any, whole: bool = True) -> Iterator[tuple[str, Any, float]]:
    """Every stored query with its default parameters, or its examples where a parameter has
    no default: (name, answer, seconds to answer);
    unless ``whole``, the queries with a page size only as their first page."""
    from turkestan_kg import stored_queries

    for name, query in sorted(stored_queries().items()):
        if query.page_size and not whole:
            query = query.page(1)
        start = clock()
        result = engine.run(query.text, query.bindings(query.examples()))
        yield name, result, clock() - start


def run_queries(engine: Any, whole: bool = True) -> tuple[float, dict[str, str], dict[str, float]]:
    """Total time, each answer's fingerprint, and time per query (fingerprints untimed)."""
    prints: dict[str, str] = {}
    times: dict[str, float] = {}
    for name, result, took in each_query(engine, whole):
        prints[name], times[name] = fingerprint(result), took
    return sum(times.values()), prints, times


def first_pages(engine: Any) -> tuple[float, dict[str, float]]:
    """The slowest first page of the queries with a page size, and each one's time."""
    from turkestan_kg import stored_queries

    times = {}
    for name, query in sorted(stored_queries().items()):
        if query.page_size:
            first = query.page(1)
            start = clock()
            engine.run(first.text, first.bindings(first.examples()))
            times[name] = clock() - start
    return max(times.values()), times


def bulk(work: Path) -> Measures:
    """pyoxigraph's bulk loader on the roll file alone, into a new on-disk store."""
    import pyoxigraph

    start = clock()
    store = pyoxigraph.Store(str(work / "bulk-store"))
    store.bulk_load(path=str(work / "roll.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.flush()
    out: Measures = {"load": clock() - start}
    del store
    shutil.rmtree(work / "bulk-store")
    return out


def ours(work: Path, members: int, seed: int, defects: float, whole: bool) -> Measures:
    """Generate the roll, then load, validate, query and export it through the store."""
    import pyoxigraph

    from turkestan_kg.formats import FORMATS
    from turkestan_kg.graph.dataset import load
    from turkestan_kg.graph.store import dump_store, load_store
    from turkestan_kg.sparql.engines import OxigraphEngine
    from turkestan_kg.synth.roll import Generator, write_roll
    from turkestan_kg.validation.engines import validate_store

    out: Measures = {}
    roll = work / "roll.nt"
    start = clock()
    generator = Generator(members=members, seed=seed, defects=defects)
    out["triples in roll"] = write_roll(roll, generator)
    out["generate"] = clock() - start
    kg = load(ROOT / "data", ROOT / "ontology")
    start = clock()
    store = load_store(work / "store", kg, extra=[roll])
    out["load"] = clock() - start
    answer = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    count = next(iter(answer))
    out["triples"] = int(count["n"].value)
    start = clock()
    report = validate_store(store)
    out["validate"] = clock() - start
    found = Counter(p.shape.removeprefix("tkgsh:") for p in report.problems)
    out["defects found as injected"] = found == Counter(generator.expected)
    out["report"] = report_fingerprint(problem_keys(report))
    out["peak MB"] = peak_mb()  # the process's peak so far: loading and validating
    engine = OxigraphEngine(store=store)
    out["queries"], out["answers"], out["per query"] = run_queries(engine, whole)
    out["first pages"], out["per first page"] = first_pages(engine)
    del store, engine
    start = clock()
    dump_store(work / "store", FORMATS["ntriples"], work / "export.nt")
    out["export"] = clock() - start
    out["peak MB+q"] = peak_mb()
    return out


def baseline(work: Path, with_pyshacl: bool, with_rdflib: bool) -> Measures:
    """The same roll through rdflib and pySHACL."""
    from turkestan_kg.graph.dataset import load
    from turkestan_kg.sparql.engines import RdflibEngine
    from turkestan_kg.validation.engines import validate

    out: Measures = {}
    start = clock()
    kg = load(ROOT / "data", ROOT / "ontology", extra_files=[work / "roll.nt"])
    data = kg.merged()
    out["load"] = clock() - start
    if with_pyshacl:
        start = clock()
        report = validate(kg, engine="pyshacl")  # pySHACL on the merged rdflib graph
        out["validate"] = clock() - start
        out["report"] = report_fingerprint(problem_keys(report))
    if with_rdflib:
        out["queries"], out["answers"], out["per query"] = run_queries(RdflibEngine(kg))
        start = clock()
        data.serialize(format="nt", encoding="utf-8")
        out["export"] = clock() - start
    out["peak MB+q"] = peak_mb()
    return out


def problem_keys(report: Any) -> list[tuple[str, ...]]:
    """Each problem as (entity, path, shape, severity, message); files and literal forms
    differ between a store and files by design, so they are left out."""
    return [(p.entity, p.path, p.shape, p.severity, p.message) for p in report.problems]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part(args: argparse.Namespace, name: str, work: Path, scale: int) -> Measures:
    """Run one part in a fresh process; its JSON is the last line it prints."""
    command = [sys.executable, __file__, "--part", name, "--work", str(work)]
    command += ["--members", str(args.members * scale), "--seed", str(args.seed)]
    command += ["--defects", str(args.defects)]
    command += ["--pyshacl-up-to", str(int(scale <= args.pyshacl_up_to))]
    command += ["--rdflib-up-to", str(int(scale <= args.rdflib_up_to))]
    command += ["--whole-up-to", str(int(scale <= args.whole_up_to))]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--members", type=int, default=18945, help="members at 1x")
    parser.add_argument("--pyshacl-up-to", type=int, default=1, help="largest scale for pySHACL")
    parser.add_argument("--rdflib-up-to", type=int, default=10, help="largest scale for rdflib")
    parser.add_argument(
        "--whole-up-to", type=int, default=10, help="largest scale for whole growing answers"
    )
    parser.add_argument("--defects", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="where rolls and stores go (default: a temp dir)")
    parser.add_argument(
        "--queries-on", type=Path, help="only time every stored query on this existing store"
    )
    parser.add_argument("--part", choices=("ours", "baseline", "bulk"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.queries_on:
        time_queries(args.queries_on)
        return
    if args.part == "ours":
        whole = bool(args.whole_up_to)
        print(json.dumps(ours(args.work, args.members, args.seed, args.defects, whole)))
        return
    if args.part == "bulk":
        print(json.dumps(bulk(args.work)))
        return
    if args.part == "baseline":
        print(json.dumps(baseline(args.work, bool(args.pyshacl_up_to), bool(args.rdflib_up_to))))
        return
    root = args.work or Path(tempfile.mkdtemp(prefix="tkg-scale-"))
    per_triple: dict[int, float] = {}
    print(" ".join(h.rjust(w) for h, w in zip(HEADER, WIDTHS, strict=True)), flush=True)
    for scale in args.scales:
        work = root / f"scale-{scale}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        mine = part(args, "ours", work, scale)
        loader = part(args, "bulk", work, scale)
        base = (
            part(args, "baseline", work, scale)
            if scale <= max(args.pyshacl_up_to, args.rdflib_up_to)
            else {}
        )
        print_rows(scale, args.members * scale, mine, base, loader)
        per_triple[scale] = mine["validate"] / mine["triples"]
        print_flatness(per_triple)
        shutil.rmtree(work)
    if args.work is None:
        shutil.rmtree(root, ignore_errors=True)


HEADER = (
    "scale",
    "members",
    "triples",
    "step",
    "ours s",
    "baseline s",
    "ratio",
    "us/triple",
    "check",
)
WIDTHS = (5, 9, 10, 9, 9, 10, 7, 9, 0)


def time_queries(directory: Path) -> None:
    """One line per stored query on an existing store: seconds and answer size."""
    from turkestan_kg.graph.store import open_store
    from turkestan_kg.sparql.engines import OxigraphEngine

    engine = OxigraphEngine(store=open_store(directory))
    print(f"{'query':28} {'s':>9} {'answer':>9}", flush=True)
    for name, result, took in each_query(engine):
        size = len(result.graph or ()) if result.kind == "graph" else len(result.rows)
        print(f"{name:28} {took:9.3f} {size:9d}", flush=True)
    print(f"peak MB {peak_mb():.0f}", flush=True)


def slowest(times: dict[str, float], n: int = 3) -> str:
    return ", ".join(f"{q} {t:.2f}" for q, t in sorted(times.items(), key=lambda x: -x[1])[:n])


def print_flatness(per_triple: dict[int, float]) -> None:
    """Validation time per triple at each scale against the smallest scale run."""
    first = min(per_triple)
    for scale, cost in sorted(per_triple.items()):
        if scale != first:
            ratio = cost / per_triple[first]
            print(f"validation per triple at {scale}x / at {first}x: {ratio:.2f}x", flush=True)


def slowest_ratio(mine: Measures, base: Measures) -> str:
    """The stored query ours answers least ahead of rdflib (baseline time / ours)."""
    times = base.get("per query", {})
    if not times:
        return ""
    ratios = {q: times[q] / max(t, 1e-6) for q, t in mine["per query"].items() if q in times}
    name = min(ratios, key=lambda q: ratios[q])
    return f"; least ahead of rdflib: {name} {ratios[name]:.1f}x"


def print_rows(scale: int, members: int, mine: Measures, base: Measures, loader: Measures) -> None:
    triples = mine["triples"]
    same = sum(mine["answers"][q] == a for q, a in base.get("answers", {}).items())
    base = {**base, "bulk": loader["load"]}
    checks = {
        "generate": f"{mine['triples in roll']} triples written",
        "load": "on-disk store vs rdflib Graph",
        "bulk": "ours vs pyoxigraph's bulk loader on the roll file: "
        + f"{mine['load'] / loader['load']:.2f}x the time",
        "validate": "found = injected: "
        + ("yes" if mine["defects found as injected"] else "NO")
        + (
            "; pySHACL same report: " + ("yes" if base["report"] == mine["report"] else "NO")
            if "report" in base
            else ""
        ),
        "queries": f"{len(mine['answers'])} stored queries (slowest: {slowest(mine['per query'])})"
        + (f"; same answers on rdflib: {same}/{len(mine['answers'])}" if "answers" in base else "")
        + slowest_ratio(mine, base),
        "first pages": "slowest first page of a paged query: " + slowest(mine["per first page"], 3),
        "export": "N-Triples",
        "peak MB": "the peak after loading and validating",
        "peak MB+q": "the peak of the whole run (answers of queries run whole hold every row)",
    }
    for step, check in checks.items():
        ours_value = mine["load"] if step == "bulk" else mine.get(step)
        base_value = base.get(step)
        is_time = not step.startswith("peak MB")
        cells = (
            str(scale),
            str(members),
            str(triples),
            step,
            f"{ours_value:.2f}" if is_time else f"{ours_value:.0f}",
            (f"{base_value:.2f}" if is_time else f"{base_value:.0f}") if base_value else "-",
            f"{base_value / ours_value:.1f}x" if base_value and is_time else "-",
            f"{ours_value / triples * 1e6:.1f}" if is_time else "-",
            check,
        )
        print(" ".join(c.rjust(w) for c, w in zip(cells, WIDTHS, strict=True)), flush=True)


if __name__ == "__main__":
    main()
