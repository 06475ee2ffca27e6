"""Serve the same data with `tkg serve` and `oxigraph serve-read-only`; compare throughput.

    .venv/bin/python benchmarks/serve.py [--seconds 10] [--clients 8]

Both servers get the same mix of stored queries through the SPARQL 1.1 protocol (POST,
JSON results) from the same client, on loopback. Prints requests per second and p50/p99
latency for each server, the ratio against Oxigraph measured in the same run, and the
latency of entity pages on `tkg serve`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import free_port, oxigraph_binary, wait_until_up  # noqa: E402
from turkestan_kg import load, stored_queries  # noqa: E402
from turkestan_kg.graph.dataset import store_payload  # noqa: E402
from turkestan_kg.sparql.text import with_values  # noqa: E402


def start_tkg() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "tkg"), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/sparql?query=ASK%7B%7D", process, seconds=60)
    return process, base


def start_oxigraph(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    data = workdir / "data.nq"
    data.write_bytes(store_payload(load()))
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(workdir / "store"), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve-read-only",
            "--location",
            str(workdir / "store"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query?query=ASK%7B%7D", process)
    return process, base


def post_query(url: str, query: str) -> float:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return time.perf_counter() - start


def get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return time.perf_counter() - start


def hammer(action, items: list[str], seconds: float, clients: int) -> list[float]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds

    def client(i: int) -> list[float]:
        times, n = [], i
        while time.monotonic() < deadline:
            times.append(action(items[n % len(items)]))
            n += 1
        return times

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [t for times in pool.map(client, range(clients)) for t in times]


def summary(times: list[float], seconds: float) -> tuple[float, float, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(times) / seconds, statistics.median(ordered) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    queries = [
        with_values(q.text, q.bindings({}))
        for q in stored_queries().values()
        if "CONSTRUCT" not in q.text
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tkg, tkg_base = start_tkg()
        ox, ox_base = start_oxigraph(Path(tmp))
        try:
            rows = {}
            for name, url in (
                ("oxigraph serve-read-only", ox_base + "/query"),
                ("tkg serve", tkg_base + "/sparql"),
            ):
                times = hammer(
                    lambda q, u=url: post_query(u, q), queries, args.seconds, args.clients
                )
                rows[name] = summary(times, args.seconds)
            pages = [
                tkg_base + p
                for p in (
                    "/",
                    "/person/turar-risqulov",
                    "/organization/communist-party-of-turkestan",
                    "/tenure/abdullo-rakhimbayev-1922",
                )
            ]
            page_row = summary(hammer(get, pages, args.seconds, args.clients), args.seconds)
        finally:
            for process in (tkg, ox):
                process.terminate()
                process.wait(timeout=10)
    base_rps = rows["oxigraph serve-read-only"][0]
    print(
        f"{len(queries)} stored queries, {args.clients} clients, {args.seconds:g} s each, loopback\n"
    )
    print(f"{'server':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs oxigraph':>12}")
    for name, (rps, p50, p99) in rows.items():
        print(f"{name:<28} {rps:>8.0f} {p50:>8.2f} {p99:>8.2f} {rps / base_rps:>11.2f}x")
    rps, p50, p99 = page_row
    print(f"{'tkg serve entity pages':<28} {rps:>8.0f} {p50:>8.2f} {p99:>8.2f} {'-':>12}")


if __name__ == "__main__":
    main()
