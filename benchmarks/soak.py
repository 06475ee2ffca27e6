"""A soak of `tkg serve` under mixed honest and hostile traffic, with its memory and its
processes sampled as it runs.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--every 30]

Needs wrk (Debian: `apt-get install wrk`). For --minutes, three wrk clients at once on
loopback:

- honest pages: entity pages in HTML on 8 connections;
- honest queries: new point lookups (every text one the server has not seen) on 8;
- hostile queries on 20: cartesian products to count, deep nesting, answers past the byte
  bound, SERVICE to a loopback port, and text that is not SPARQL, each a new text.

Every --every seconds it prints the server's resident memory (its main process, and its
child processes together), the number of child processes (the "workers" columns: the
SPARQL workers and multiprocessing's resource tracker, so 3 for the default 2 workers), and
the main process's threads and open files. Two more rows follow once the clients stop: 2 s
after, and :data:`SETTLE` seconds later, when the queries still at work have ended. Then
each client's requests per second, p99, and its answers that were not 2xx with its socket
errors. Memory flat and the counts back where they began is the figure that matters: no
worker, thread or connection leaks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve import NEW_LOOKUP, RESULTS, Run, new_texts, report, run_number, start_tkg

HOSTILE = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * " + "{" * 3_000 + "}" * 3_000,
    "SELECT * WHERE { FILTER (" + "(" * 5_000 + "1" + ")" * 5_000 + ") }",
    "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ",
]
"""Hostile texts, sent in turn, each made new by a comment with a counter."""

HOSTILE_SCRIPT = """
texts = %(texts)s
counter = 0
request = function()
  counter = counter + 1
  local q = texts[(counter %% #texts) + 1] .. "\\n# " .. tostring(counter * 1000 + math.random(0, 999))
  local body = "query=" .. string.gsub(q, "[^%%w%%-_%%.~]", function(c)
    return string.format("%%%%%%02X", string.byte(c)) end)
  return wrk.format("POST", %(endpoint)s, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def client(
    url: str, accept: str, seconds: float, connections: int, script: str
) -> subprocess.Popen[str]:
    """A wrk run in the background; its report is its standard output."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    command += ["--timeout", "30s", "-H", f"Accept: {accept}"]
    if script:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(script)
        command += ["-s", lua.name]
    return subprocess.Popen([*command, url, "--", run_number()], stdout=subprocess.PIPE, text=True)


def sample(pid: int) -> tuple[float, float, int, int, int]:
    """(main RSS MB, children's RSS MB, children, main threads, main open files)."""
    children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return (
        _rss(pid),
        sum(_rss(child) for child in children),
        len(children),
        len(list(Path(f"/proc/{pid}/task").iterdir())),
        len(list(Path(f"/proc/{pid}/fd").iterdir())),
    )


def _rss(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # a worker ended between the listing and the reading
        return 0.0
    kb = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(kb[0]) / 1024 if kb else 0.0  # (none: a worker that ended, not yet reaped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    args = parser.parse_args()
    seconds = args.minutes * 60
    process, base = start_tkg()
    sparql = base + "/sparql"
    try:
        print("| s | main MB | workers MB | workers | threads | open files |")
        print("|---:|---:|---:|---:|---:|---:|")
        _print_sample(0, sample(process.pid))
        hostile = HOSTILE_SCRIPT % {"texts": _lua_list(HOSTILE), "endpoint": json.dumps(sparql)}
        clients = {
            "honest pages": client(base + "/person/turar-risqulov", "text/html", seconds, 8, ""),
            "honest new queries": client(
                sparql, RESULTS, seconds, 8, new_texts(sparql, NEW_LOOKUP)
            ),
            "hostile queries": client(sparql, RESULTS, seconds, 20, hostile),
        }
        started = time.monotonic()
        while any(c.poll() is None for c in clients.values()):
            time.sleep(min(args.every, max(0.1, started + seconds + 5 - time.monotonic())))
            _print_sample(time.monotonic() - started, sample(process.pid))
        time.sleep(2)  # what was under way ends, but for queries still at work
        _print_sample(time.monotonic() - started, sample(process.pid))
        time.sleep(SETTLE)  # they too: answered, or stopped at their time limit
        _print_sample(time.monotonic() - started, sample(process.pid))
        print("\n| client | req/s | p99 ms | answers not 2xx, and socket errors |")
        print("|---|---:|---:|---:|")
        for name, running in clients.items():
            run: Run = report(running.communicate()[0])
            print(f"| {name} | {run.rps:,.0f} | {run.p99:.2f} | {run.errors} |")
    finally:
        process.terminate()
        process.wait(timeout=30)


SETTLE = 12
"""Seconds for the last queries under way to end: `tkg serve`'s time limit (10 s) and 2 s
for their workers to be replaced. The last row is the server at rest again."""


def _lua_list(texts: list[str]) -> str:
    return "{" + ", ".join(json.dumps(text) for text in texts) + "}"


def _print_sample(elapsed: float, figures: tuple[float, float, int, int, int]) -> None:
    main_mb, workers_mb, workers, threads, files = figures
    print(
        f"| {elapsed:.0f} | {main_mb:.0f} | {workers_mb:.0f} | {workers} | {threads} | {files} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
