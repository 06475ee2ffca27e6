"""Edges an outside tester found: what the tool did not create is written to, never
replaced; a shapes file with no shapes, a data entry that is not a file and an address
that is not one are refused in one line with the documented exit code."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

from click.testing import CliRunner

from turkestan_kg.cli import main
from turkestan_kg.paths import project_root


def tkg(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_out_to_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    code, output = tkg("query", "leaders-in-year", "--out", str(pipe))
    reader.join(timeout=30)
    assert code == 0, output
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert b"Abdullo Rakhimbayev" in received[0]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left


def test_a_shapes_file_with_no_shapes_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    code, output = tkg("validate", "--shapes", str(data))
    assert code == 1 and "holds no SHACL shapes" in output, output
    assert output.count("\n") == 1


def test_a_data_entry_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(project_root() / "data", data)
    (data / "folder.ttl").mkdir()
    code, output = tkg("validate", "--data", str(data))
    assert code == 1 and "folder.ttl is named as data but is not a file" in output, output


def test_an_address_that_is_not_one_is_a_usage_mistake() -> None:
    code, output = tkg("serve", "--host", "nonexistent.invalid", "--port", "0")
    assert code == 2 and "give --host an address" in output, output


def test_relative_iris_resolve_against_each_files_own_iri(tmp_path: Path) -> None:
    """Valid Turtle with relative IRIs (as the W3C SHACL test files have) loads: each
    resolves against its file's IRI, as RDF 1.1 Turtle defines the base."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "<#PersonShape> a sh:NodeShape ; sh:targetClass ex:Person ;\n"
        "  sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "people.ttl").write_text("<alice> a <http://example.org/Person> .\n")
    code, output = tkg("validate", "--data", str(data), "--shapes", str(shapes))
    assert code == 1, output
    assert (data / "alice").as_uri() in output and shapes.as_uri() + "#PersonShape" in output


def test_relative_iris_resolve_against_a_base_the_user_gives(tmp_path: Path) -> None:
    """--base IRI resolves the data files' relative IRIs (an @base in a file still comes
    first); a base that is not an absolute IRI is a usage mistake."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "people.ttl").write_text(
        "<alice> a <http://example.org/Person> .\n"
        "@base <http://elsewhere.example/> .\n<bob> a <http://example.org/Person> .\n"
    )
    query = "SELECT ?p WHERE { ?p a <http://example.org/Person> } ORDER BY ?p"
    code, output = tkg(
        "query", "--data", str(data), "--base", "https://example.org/roll/", "-e", query
    )
    assert code == 0, output
    assert "https://example.org/roll/alice" in output and "http://elsewhere.example/bob" in output
    code, output = tkg("query", "--data", str(data), "--base", "roll/", "-e", query)
    assert code == 2 and "not an absolute IRI" in output, output
    code, output = tkg("query", "--store", str(tmp_path), "--base", "https://x.org/", "-e", query)
    assert code == 2 and "goes with files" in output, output
