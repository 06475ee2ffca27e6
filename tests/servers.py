"""Real servers on free loopback ports, for the tests: Oxigraph, Virtuoso, and small
misbehaving ones."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from turkestan_kg.web.app import LinkedDataApp
    from turkestan_kg.web.sandbox import Limits


def wait_for(condition: Callable[[], object], seconds: float = 30) -> bool:
    """Whether ``condition`` holds within ``seconds`` (asked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


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


VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
VIRTUOSO_INI = """[Database]
DatabaseFile = db/virtuoso.db
ErrorLogFile = db/virtuoso.log
LockFile = db/virtuoso.lck
TransactionFile = db/virtuoso.trx
xa_persistent_file = db/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = db/virtuoso-temp.db
TransactionFile = db/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = .
TransactionAfterImageLimit = {after_image_limit}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(workdir: Path, *, after_image_limit: int = 2_000_000_000) -> Iterator[str]:
    """Start Debian's Virtuoso open source 7 in ``workdir`` (a new database, its own ini, free
    loopback ports), let its anonymous SPARQL user update, and yield its base URL: /sparql
    answers queries and updates, /sparql-graph-crud is its Graph Store. One transaction may
    write ``after_image_limit`` bytes (Virtuoso's default, 50 MB, refuses to swap in a graph
    of a few million triples)."""
    if VIRTUOSO is None or ISQL is None:
        raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
    (workdir / "db").mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            sql_port=sql_port, http_port=http_port, after_image_limit=after_image_limit
        )
    )
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", process, seconds=60)
        grant = 'GRANT SPARQL_UPDATE TO "SPARQL";'
        subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={grant}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
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


@contextmanager
def project_app(limits: Limits) -> Iterator[LinkedDataApp]:
    """The Linked Data application over the project's files, with these limits (the
    workers are stopped at the end)."""
    from turkestan_kg import Dataset
    from turkestan_kg.graph.dataset import load
    from turkestan_kg.web.app import LinkedDataApp

    app = LinkedDataApp(Dataset.of(load()), limits=limits)
    try:
        yield app
    finally:
        app.close()


@contextmanager
def project_site(limits: Limits) -> Iterator[str]:
    """:func:`project_app` served on a free loopback port; its base URL."""
    from turkestan_kg.web.server import running

    with project_app(limits) as app, running(app) as url:
        yield url
