"""Real servers on free loopback ports, for the tests: Oxigraph, and small misbehaving ones."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str:
    """The `oxigraph` server installed by the `oxigraph` PyPI package beside this Python."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed; run `python3 tasks.py test`")
    return found


@contextmanager
def oxigraph_server(*extra: str) -> Iterator[str]:
    """Start `oxigraph serve` in memory on 127.0.0.1; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server answered at {url} within {seconds} s")


@contextmanager
def fake_endpoint(
    status: int, body: bytes, *, delay: float = 0.0, content_type: str = "text/html"
) -> Iterator[str]:
    """A loopback HTTP server that answers every request the same way, after ``delay`` s."""
    with scripted_endpoint([(status, {"Content-Type": content_type}, body, delay)]) as (url, _):
        yield url


@contextmanager
def scripted_endpoint(
    script: list[tuple[int, dict[str, str], bytes, float]],
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback server that answers requests with ``script`` in order (the last answer
    repeats): (status, headers, body, delay). Yields its URL and the headers it received."""
    received: list[dict[str, str]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                received.append(dict(self.headers))
                status, headers, body, delay = script[min(len(received), len(script)) - 1]
            time.sleep(delay)
            try:
                self.send_response(status)
                for key, value in {
                    "Content-Type": "application/sparql-results+json",
                    **headers,
                }.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_PUT = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", received
    finally:
        server.shutdown()
        server.server_close()
