"""Every subcommand driven with generated bad arguments and awkward paths (hypothesis): a
file where a folder is expected, a folder that cannot be written, a file that is not
UTF-8, a missing one, odd text. Whatever it is given, `tkg` answers with the documented
exit code and one line, never a traceback."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turkestan_kg.cli import main

EXIT_CODES = {0, 1, 2, 3}


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Awkward paths: a plain file, a path below it, a folder no one may write to, a
    file that is not UTF-8, an empty file, a missing file, a folder."""
    root = tmp_path_factory.mktemp("places")
    plain = root / "plain.txt"
    plain.write_text("name\nRyskulov\n", encoding="utf-8")
    latin = root / "latin1.csv"
    latin.write_bytes("name\nRïsqulov\n".encode("latin-1"))
    binary = root / "binary.rq"
    binary.write_bytes(bytes(range(256)))
    empty = root / "empty.rq"
    empty.write_bytes(b"")
    locked = root / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    folder = root / "folder"
    folder.mkdir()
    yield {
        "plain": plain,
        "below-a-file": plain / "x.ttl",
        "locked": locked / "out.ttl",
        "latin1": latin,
        "binary": binary,
        "empty": empty,
        "missing": root / "missing.csv",
        "folder": folder,
    }
    locked.chmod(stat.S_IRWXU)


PATHS = st.sampled_from(
    ["plain", "below-a-file", "locked", "latin1", "binary", "empty", "missing", "folder"]
)
TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=30,
)


def commands(path: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Command lines with one awkward path or value each."""
    return st.one_of(
        st.tuples(path).map(lambda p: ["export", "--out", p[0]]),
        st.tuples(path, st.sampled_from(["turtle", "jsonld", "nquads", "xml", "bogus"])).map(
            lambda p: ["export", "--format", p[1], "--out", p[0]]
        ),
        st.tuples(path).map(lambda p: ["query", "leaders-in-year", "--out", p[0]]),
        st.tuples(path).map(lambda p: ["query", "--file", p[0]]),
        st.tuples(TEXT).map(lambda t: ["query", "-e", t[0]]),
        st.tuples(TEXT).map(lambda t: ["query", "leaders-in-year", "--param", t[0]]),
        st.tuples(TEXT).map(lambda t: ["query", "describe-entity", "--param", "entity=" + t[0]]),
        st.tuples(TEXT).map(lambda t: ["query", t[0]]),
        st.tuples(path).map(lambda p: ["synth", "--members", "3", "--out", p[0]]),
        st.tuples(path).map(lambda p: ["build", "--out", p[0]]),
        st.tuples(path).map(lambda p: ["validate", "--shapes", p[0]]),
        st.tuples(path).map(lambda p: ["validate", "--data", p[0]]),
        st.tuples(path, TEXT).map(lambda p: ["reconcile", p[0], "--column", p[1] or "name"]),
        st.tuples(path).map(lambda p: ["reconcile", p[0], "--column", "name", "--out", p[0]]),
        st.tuples(TEXT).map(lambda t: ["reconcile", "--type", t[0], "x.csv", "--column", "n"]),
        st.tuples(TEXT).map(lambda t: ["queries", "--format", t[0]]),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(line=commands(PATHS))
def test_any_bad_argument_is_one_line_and_a_documented_exit_code(
    places: dict[str, Path], line: list[str]
) -> None:
    args = [str(places[a]) if a in places else a for a in line]
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    assert result.exit_code in EXIT_CODES, (args, result.output)
    unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not unexpected, (args, repr(result.exception))
    assert "Traceback" not in result.output, (args, result.output)
    if result.exit_code != 0:
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1, (args, result.output)
    assert not any(p.name.startswith(".") for p in places["folder"].parent.iterdir() if p.is_file())
