"""`tkg serve` side by side with `oxigraph serve-read-only` on the same data, under wrk.

    .venv/bin/python benchmarks/serve.py [--seconds 15] [--connections 32] [--soak 60]

Needs wrk (Debian: `apt-get install wrk`). Both servers get the same requests over HTTP/1.1
keep-alive on loopback, each workload for --seconds after a one-second warm-up:

- a point lookup and a COUNT over everything, the same query each time (GET /sparql);
- new point lookups, every request a query text neither server has seen (a different
  LIMIT each time), which no cache can answer;
- entity pages in HTML and Turtle, against Oxigraph's DESCRIBE of the same entity;
- a trivial ASK (each a new text) on one connection while --attackers connections keep sending cartesian
  products to count, each a new text (its latency is the figure that matters).

Prints requests per second, p50 and p99 latency, errors (non-2xx and socket errors) and the
ratio to Oxigraph in the same run; then --soak seconds of entity pages and queries on
`tkg serve` alone, with its memory (RSS of the server and its workers) before and after.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import free_port, oxigraph_binary, wait_until_up  # noqa: E402
from turkestan_kg.graph.dataset import load, store_payload  # noqa: E402

PERSON = "https://w3id.org/turkestan-kg/person/turar-risqulov"
POINT = f"SELECT ?o WHERE {{ <{PERSON}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RESULTS = "application/sparql-results+json"
# wrk script: each request a query text of its own, HEAD .. a number .. TAIL (no cache can
# answer it): the number is the run's (a random one wrk passes to init), the thread's and
# the request's, so no two threads of a run, and no two runs, send the same text (each of
# wrk's threads has its own Lua state, whose math.random gives the same numbers in each)
NEW_TEXTS = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
init = function(args)
  run_id = args[1] or "1"
end
counter = 0
request = function()
  counter = counter + 1
  local n = run_id .. thread_id .. string.format("%%09d", counter)
  local q = %(head)s .. n .. %(tail)s
  local encoded = string.gsub(q, "[^%%w%%-_%%.~]", function(c)
    return string.format("%%%%%%02X", string.byte(c)) end)
  return wrk.format("GET", %(endpoint)s .. "?query=" .. encoded)
end
"""
NEW_LOOKUP = (
    f"SELECT ?o WHERE {{ <{PERSON}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }} LIMIT ",
    "",
)
ADVERSARIAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } LIMIT ", "")
"""A different cartesian product to count each time."""
TRIVIAL = ("ASK { FILTER (", " > 0) }")
"""A trivial query, each time a new text (the answer cache cannot help)."""


def new_texts(endpoint: str, query: tuple[str, str]) -> str:
    """The wrk script that sends ``endpoint`` the query HEAD .. a counter .. TAIL."""
    head, tail = query
    return NEW_TEXTS % {
        k: json.dumps(v) for k, v in (("head", head), ("tail", tail), ("endpoint", endpoint))
    }


@dataclass
class Run:
    """One wrk run: throughput, latency percentiles (ms), errors."""

    rps: float
    p50: float
    p99: float
    errors: int


def run_number() -> str:
    """A random number for a wrk run, which :data:`NEW_TEXTS` scripts read in ``init``."""
    return str(secrets.randbelow(900_000) + 100_000)


def wrk(url: str, accept: str, seconds: float, connections: int, script: str = "") -> Run:
    """Run wrk against ``url`` with two threads (one for one connection); parse its
    --latency report."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    command += ["--timeout", "30s"]
    command += ["-H", f"Accept: {accept}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    if script:
        command += ["-s", lua.name]
    out = subprocess.run(
        [*command, url, "--", run_number()], capture_output=True, text=True, check=True
    ).stdout
    Path(lua.name).unlink()
    return report(out)


def report(out: str) -> Run:
    """A wrk --latency report, parsed."""
    return Run(
        rps=float(_find(r"Requests/sec:\s+([\d.]+)", out)),
        p50=_ms(_find(r"(?m)^\s+50%\s+(\S+)", out)),
        p99=_ms(_find(r"(?m)^\s+99%\s+(\S+)", out)),
        errors=sum(
            int(n)
            for n in re.findall(
                r"(?:Non-2xx or 3xx responses:|read|write|timeout|connect) (\d+)", out
            )
        ),
    )


def under_attack(endpoint: str, seconds: float, attackers: int) -> Run:
    """A trivial query on one connection while ``attackers`` connections keep sending
    cartesian products to count, each a new text."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(new_texts(endpoint, ADVERSARIAL))
    attack = subprocess.Popen(
        [
            *("wrk", "-t1", f"-c{attackers}", f"-d{seconds + 2:g}s", "--timeout", "30s"),
            *("-s", lua.name, "-H", f"Accept: {RESULTS}", endpoint),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        threading.Event().wait(1)  # the attack is under way
        return wrk(endpoint, RESULTS, seconds, 1, new_texts(endpoint, TRIVIAL))
    finally:
        attack.wait(timeout=seconds + 60)
        Path(lua.name).unlink()


def _find(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{text}")
    return found.group(1)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def start_tkg() -> tuple[subprocess.Popen[bytes], str]:
    return start_on_free_port(
        lambda port: [str(Path(sys.executable).parent / "tkg"), "serve", "--port", str(port)]
    )


def start_on_free_port(
    command: Callable[[int], list[str]],
) -> tuple[subprocess.Popen[bytes], str]:
    """A server started by ``command(port)`` on a free loopback port, once its /sparql
    answers; the process and its base URL."""
    port = free_port()
    process = subprocess.Popen(
        command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/sparql?query=ASK%7B%7D", process, seconds=60)
    return process, base


def start_oxigraph(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    data = workdir / "data.nq"
    data.write_bytes(store_payload(load()))
    store = str(workdir / "store")
    subprocess.run(
        [oxigraph_binary(), "load", "--location", store, "--file", str(data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", store, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query?query=ASK%7B%7D", process)
    return process, base


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def query_url(base: str, query: str) -> str:
    return base + "?query=" + urllib.parse.quote(query)


def workloads(tkg: str, ox: str) -> list[tuple[str, str, str, str, str, str]]:
    """(name, tkg URL, oxigraph URL, Accept for tkg, Accept for oxigraph, wrk script)."""
    page = tkg + "/person/turar-risqulov"
    describe = query_url(ox + "/query", f"DESCRIBE <{PERSON}>")
    return [
        (
            "point lookup",
            query_url(tkg + "/sparql", POINT),
            query_url(ox + "/query", POINT),
            RESULTS,
            RESULTS,
            "",
        ),
        (
            "COUNT",
            query_url(tkg + "/sparql", COUNT),
            query_url(ox + "/query", COUNT),
            RESULTS,
            RESULTS,
            "",
        ),
        ("new point lookups", tkg + "/sparql", ox + "/query", RESULTS, RESULTS, "new"),
        ("entity page, HTML (ox: DESCRIBE)", page, describe, "text/html", "text/turtle", ""),
        ("entity page, Turtle (ox: DESCRIBE)", page, describe, "text/turtle", "text/turtle", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--soak", type=float, default=60, help="seconds of the memory run (0: none)"
    )
    parser.add_argument(
        "--attackers", type=int, default=50, help="connections sending adversarial queries"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian), then run this again")
    with tempfile.TemporaryDirectory() as tmp:
        tkg_process, tkg = start_tkg()
        ox_process, ox = start_oxigraph(Path(tmp))
        try:
            print(f"{args.connections} connections, {args.seconds:g} s each, wrk on loopback\n")
            print(
                "| workload | tkg req/s | p50 ms | p99 ms | errors | oxigraph req/s | p50 ms | p99 ms | ratio |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for name, tkg_url, ox_url, tkg_accept, ox_accept, script in workloads(tkg, ox):
                results = []
                for url, accept in ((tkg_url, tkg_accept), (ox_url, ox_accept)):
                    lua = new_texts(url, NEW_LOOKUP) if script else ""
                    target = url.split("?")[0] if script else url
                    wrk(target, accept, 1, args.connections, lua)  # warm-up
                    results.append(wrk(target, accept, args.seconds, args.connections, lua))
                mine, theirs = results
                print(
                    f"| {name} | {mine.rps:,.0f} | {mine.p50:.2f} | {mine.p99:.2f} | {mine.errors} "
                    f"| {theirs.rps:,.0f} | {theirs.p50:.2f} | {theirs.p99:.2f} "
                    f"| {mine.rps / theirs.rps:.2f}x |"
                )
            attacked = [
                under_attack(url, args.seconds, args.attackers)
                for url in (tkg + "/sparql", ox + "/query")
            ]
            mine, theirs = attacked
            print(
                f"| a new ASK beside {args.attackers} cartesian COUNTs | {mine.rps:,.0f} "
                f"| {mine.p50:.2f} | {mine.p99:.2f} | {mine.errors} | {theirs.rps:,.0f} "
                f"| {theirs.p50:.2f} | {theirs.p99:.2f} | {mine.rps / theirs.rps:.2f}x |"
            )
            ox_process.kill()  # Oxigraph has no time limit: it may still be counting
            ox_process.wait(timeout=30)
            if args.soak:
                before = rss_mb(tkg_process.pid)
                soak = wrk(tkg + "/person/turar-risqulov", "text/html", args.soak, args.connections)
                after = rss_mb(tkg_process.pid)
                print(
                    f"\nsoak: {args.soak:g} s of entity pages on tkg serve: {soak.rps:,.0f} req/s, "
                    f"p99 {soak.p99:.2f} ms, {soak.errors} errors; memory {before:.0f} MB before, "
                    f"{after:.0f} MB after"
                )
        finally:
            for process in (tkg_process, ox_process):
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
