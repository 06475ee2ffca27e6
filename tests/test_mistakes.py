"""A careless user's mistakes: each is one line naming the problem and what to do, the right
exit code (documented in ``tkg --help``), no traceback and nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turkestan_kg.cli import main
from turkestan_kg.errors import EXIT_CODES, TkgError, printable
from turkestan_kg.remote.urls import http_url


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path) -> Iterator[Path]:
    monkeypatch.setenv("TKG_HOME", str(root))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "not-a-store").mkdir()
    (tmp_path / "not-a-store" / "notes.txt").write_text("mine\n")
    yield tmp_path


def tkg(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


CASES = [
    (["query", "--store", "not-a-store", "tenures"], 1, "not-a-store is not a store"),
    (["validate", "--store", "not-a-store"], 1, "not-a-store is not a store"),
    (
        ["export", "--store", "not-a-store", "--format", "ntriples", "--out", "x.nt"],
        1,
        "not a store",
    ),
    (["serve", "--store", "not-a-store", "--port", "0"], 1, "not-a-store is not a store"),
    (["query", "--store", "nothing-here", "tenures"], 1, "no store at nothing-here"),
    (["query", "--endpoint", "not-a-url", "tenures"], 2, "'not-a-url' is not an http or https URL"),
    (["query", "--endpoint", "http://[::1", "tenures"], 2, "is not a URL"),
    (["query", "--endpoint", "ftp://example.org/", "tenures"], 2, "not an http or https URL"),
    (["link", "check", "--retries", "-1"], 2, "-1 is not in the range x>=0"),
    (["link", "check", "--timeout", "0"], 2, "is not in the range x>0"),
    (["serve", "--port", "80000"], 2, "80000 is not in the range 0<=x<=65535"),
    (
        ["load", "--store", "s", "--graph", "http://example.org/g"],
        2,
        "a graph and an update URL go with a Graph Store URL",
    ),
    (
        ["load", "--graph-store", "http://127.0.0.1:9/store", "--file", "x.nt"],
        2,
        "a graph IRI and the store's SPARQL Update URL",
    ),
    (["query", "--store", "s", "--endpoint", "http://127.0.0.1:9/q", "tenures"], 2, "not both"),
    (["synth", "--members", "0", "--out", "r.nt"], 2, "0 is not in the range x>=1"),
]


@pytest.mark.parametrize(("args", "code", "message"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_each_mistake_is_one_line_and_its_exit_code(
    work: Path, args: list[str], code: int, message: str
) -> None:
    if "x.nt" in args:
        (work / "x.nt").write_text("")
    before = sorted(p.name for p in work.iterdir())
    result = tkg(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert sorted(p.name for p in work.iterdir()) == before


def test_exit_codes_are_documented() -> None:
    helped = tkg("--help").output
    for code, meaning in EXIT_CODES.items():
        assert f"{code}  {meaning}" in helped
    reference = (Path(__file__).parents[1] / "docs" / "reference" / "cli.md").read_text()
    assert "Exit codes:" in reference


def serve(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tkg serve`` with ``args``, run to its end in a process of its own."""
    command = [sys.executable, "-m", "turkestan_kg.cli", "serve", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=root)


def test_a_port_in_use_is_one_line_before_serving_is_announced(work: Path, root: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = serve(root, "--port", port)
    assert run.returncode == 1
    assert "serving on" not in run.stdout
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
    assert "another program may be using the port" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_address_this_machine_lacks_is_one_line_naming_the_host(root: Path) -> None:
    """192.0.2.1 is set aside for documentation (RFC 5737): no machine has it, and binding to
    it sends nothing anywhere."""
    run = serve(root, "--host", "192.0.2.1", "--port", "0")
    assert run.returncode == 1
    assert "serving on" not in run.stdout
    assert "cannot listen on 192.0.2.1:0" in run.stderr
    assert "give --host an address of this machine" in run.stderr
    assert "using the port" not in run.stderr and "Traceback" not in run.stderr


def test_control_characters_in_messages_are_escaped() -> None:
    error = TkgError("unexpected byte \x00 then \x1b[2J", file="roll\x07.nt")
    shown = str(error)
    assert "\x00" not in shown and "\x1b" not in shown and "\x07" not in shown
    assert "\\x00" in shown and "\\x1b[2J" in shown


def test_a_binary_file_is_one_clean_line(work: Path) -> None:
    (work / "data").mkdir()
    (work / "data" / "bad.ttl").write_bytes(b"\x00\x01\x02\x1b[31m binary \xff\xfe")
    result = tkg("validate", "--data", "data")
    assert result.exit_code == 1
    assert "data/bad.ttl:1:" in result.output
    assert all(c.isprintable() or c == "\n" for c in result.output)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_any_text_is_a_url_or_one_clear_value_error(text: str) -> None:
    try:
        url = http_url(text)
    except ValueError as err:
        assert repr(text) in str(err) or text in str(err)
    else:
        assert url.lower().startswith(("http://", "https://"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40).filter(lambda s: not s.startswith("-")))
def test_any_endpoint_option_never_ends_in_a_traceback(endpoint: str) -> None:
    """Nothing listens on port 9 of loopback: a URL that parses fails to connect (3)."""
    result = tkg("query", "--endpoint", endpoint, "--timeout", "2", "-e", "ASK {}")
    assert result.exit_code in (2, 3), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_parameter_value_is_bound_or_refused_in_one_line(value: str) -> None:
    result = tkg("query", "leaders-in-year", "--param", f"year={value}")
    assert result.exit_code in (0, 2), result.output
    assert printable(result.output) == result.output
    if result.exit_code == 2:
        assert "bad value" in result.output and "expected a whole number" in result.output


def test_printable_keeps_what_is_printable() -> None:
    assert printable("Туркестан\nline two") == "Туркестан\nline two"
