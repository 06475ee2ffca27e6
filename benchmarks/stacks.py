"""How fast each candidate Python web stack answers, under wrk: the measurement behind
docs/decisions/0014-web-stack.md.

    python -m venv /tmp/stacks && /tmp/stacks/bin/pip install starlette uvicorn httptools \\
        uvloop werkzeug waitress granian pyoxigraph
    /tmp/stacks/bin/python benchmarks/stacks.py [--seconds 5] [--connections 32]

Each stack serves the same two routes: /page, 8 kB of bytes made at start-up (what a kept
page costs), and /lookup/7, an index lookup in an in-memory Oxigraph store (what an
entity's RDF costs). Stacks whose packages are not installed are skipped. Needs wrk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APPS = """
import pyoxigraph as ox

store = ox.Store()
for i in range(2000):
    store.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://p"), ox.Literal(f"v{i}")))
PAGE = b"<html>" + b"x" * 8000 + b"</html>"


def lookup(i):
    quads = store.quads_for_pattern(ox.NamedNode(f"http://e/{i}"), None, None)
    return ",".join(q.object.value for q in quads).encode()


def wsgi(environ, start_response):
    path = environ["PATH_INFO"]
    body = PAGE if path == "/page" else lookup(int(path.rsplit("/", 1)[1]))
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    return [body]


def werkzeug_app():
    from werkzeug.routing import Map, Rule
    from werkzeug.wrappers import Request, Response

    urls = Map([Rule("/page", endpoint="page"), Rule("/lookup/<int:i>", endpoint="lookup")])

    @Request.application
    def app(request):
        endpoint, args = urls.bind_to_environ(request.environ).match()
        return Response(PAGE if endpoint == "page" else lookup(args["i"]), content_type="text/html")

    return app


def starlette_app():
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def page(request):
        return Response(PAGE, media_type="text/html")

    async def one(request):
        return Response(lookup(request.path_params["i"]), media_type="text/plain")

    return Starlette(routes=[Route("/page", page), Route("/lookup/{i:int}", one)])


asgi = wz = None
try:
    asgi = starlette_app()
except ImportError:
    pass
try:
    wz = werkzeug_app()
except ImportError:
    pass
"""

RUNNERS = {
    "wsgiref (threads)": (
        [],
        "import socketserver, sys\n"
        "from wsgiref.simple_server import make_server, WSGIServer, WSGIRequestHandler\n"
        "from apps import wsgi\n"
        "class Q(WSGIRequestHandler):\n    def log_message(self, *a): pass\n"
        "class T(socketserver.ThreadingMixIn, WSGIServer): daemon_threads = True\n"
        "make_server('127.0.0.1', int(sys.argv[1]), wsgi, server_class=T, handler_class=Q)"
        ".serve_forever()\n",
    ),
    "werkzeug on waitress": (
        ["werkzeug", "waitress"],
        "import sys, waitress\nfrom apps import werkzeug_app\n"
        "waitress.serve(werkzeug_app(), host='127.0.0.1', port=int(sys.argv[1]), threads=8,"
        " _quiet=True)\n",
    ),
    "werkzeug on granian (WSGI)": (
        ["werkzeug", "granian"],
        "import sys\nfrom granian import Granian\n"
        "Granian('apps:wz', address='127.0.0.1', port=int(sys.argv[1]), interface='wsgi',"
        " workers=1).serve()\n",
    ),
    "starlette on uvicorn": (
        ["starlette", "uvicorn"],
        "import sys, uvicorn\nfrom apps import asgi\n"
        "uvicorn.run(asgi, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning',"
        " access_log=False, backlog=2048)\n",
    ),
    "starlette on granian, embedded": (
        ["starlette", "granian"],
        "import asyncio, sys\nfrom granian.server.embed import Server\nfrom apps import asgi\n"
        "asyncio.run(Server(asgi, address='127.0.0.1', port=int(sys.argv[1])).serve())\n",
    ),
    "starlette on granian (own processes)": (
        ["starlette", "granian"],
        "import sys\nfrom granian import Granian\n"
        "Granian('apps:asgi', address='127.0.0.1', port=int(sys.argv[1]), interface='asgi',"
        " workers=1).serve()\n",
    ),
}


def installed(module: str) -> bool:
    probe = [sys.executable, "-c", f"import {module}"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk(url: str, seconds: float, connections: int) -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"(?m)^\s+99%\s+(\S+)", out)
    return (float(rps.group(1)) if rps else 0.0), (p99.group(1) if p99 else "?")


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian), then run this again")
    if not installed("pyoxigraph"):
        sys.exit("pyoxigraph is not installed in this Python: see the set-up in this file")
    print(f"| stack | /page req/s | p99 | /lookup req/s | p99 |  ({args.connections} connections)")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "apps.py").write_text(APPS)
        for name, (modules, runner) in RUNNERS.items():
            if not all(installed(m) for m in modules):
                print(f"| {name} | not installed | | | |")
                continue
            (Path(tmp) / "run.py").write_text(runner)
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, "run.py", str(port)],
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(port)
                base = f"http://127.0.0.1:{port}"
                page = wrk(base + "/page", args.seconds, args.connections)
                one = wrk(base + "/lookup/7", args.seconds, args.connections)
                print(f"| {name} | {page[0]:,.0f} | {page[1]} | {one[0]:,.0f} | {one[1]} |")
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
