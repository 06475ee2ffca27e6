"""SERVICE through the command line's own engines: refused unless --allow-service, and then
a server that answers something else than SPARQL results is one line, not a traceback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from turkestan_kg.cli import main


@pytest.fixture()
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback server that answers every request with an HTML page; what it was sent."""
    server = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                seen.append(conn.recv(65536))
                page = b"<html>not SPARQL</html>"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                    b"Connection: close\r\n\r\n%s" % (len(page), page)
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    server.close()


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_is_refused_without_allow_service(
    listener: tuple[int, list[bytes]], engine: str
) -> None:
    port, seen = listener
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = CliRunner().invoke(main, ["query", "--engine", engine, "-e", text])
    assert result.exit_code == 2, result.output
    assert "SERVICE" in result.output and "--allow-service" in result.output
    assert seen == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_allowed_service_answering_html_is_one_line(
    listener: tuple[int, list[bytes]], engine: str
) -> None:
    port, seen = listener
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = CliRunner().invoke(main, ["query", "--engine", engine, "--allow-service", "-e", text])
    assert seen, "the query was allowed to reach the server"
    assert result.exit_code == 3, result.output  # the server SERVICE names failed
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
