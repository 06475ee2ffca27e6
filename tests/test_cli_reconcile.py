"""`tkg reconcile`: a historian's spreadsheet of names matched against the graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from turkestan_kg.cli import main
from turkestan_kg.graph.dataset import load
from turkestan_kg.graph.store import load_store

BASE = "https://w3id.org/turkestan-kg/"
PERSON = "http://xmlns.com/foaf/0.1/Person"


def tkg(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def rows(text: str, dialect: str = "excel") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


SHEET = "name,letter\nРыскулов,3\nRakhimbaev,4\nKobozev,4\n,5\nTashkent Soviet,6\nРыскулов,7\n"


def test_a_sheet_gets_four_columns_and_keeps_its_own(tmp_path: Path) -> None:
    sheet = tmp_path / "names.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    result = tkg("reconcile", str(sheet), "--column", "name", "--type", PERSON)
    assert result.exit_code == 0, result.output
    found = rows(result.output)
    assert [r["letter"] for r in found] == ["3", "4", "4", "5", "6", "7"]  # order and columns kept
    assert [r["tkg_id"].removeprefix(BASE) for r in found] == [
        "person/turar-risqulov",
        "person/abdullo-rakhimbayev",
        "person/pyotr-kobozev",
        "",  # no name
        "",  # nobody by that name in the graph
        "person/turar-risqulov",
    ]
    assert found[0]["tkg_name"] == "Turar Rïsqulov" and float(found[0]["tkg_score"]) >= 85


def test_tsv_with_a_byte_order_mark_and_out(tmp_path: Path) -> None:
    sheet = tmp_path / "names.tsv"
    sheet.write_text("\ufeffwho\nMusbiuro\n", encoding="utf-8")
    out = tmp_path / "matched.tsv"
    result = tkg("reconcile", str(sheet), "--column", "who", "--out", str(out))
    assert result.exit_code == 0
    assert (
        result.output
        == "wrote " + str(out) + " (" + f"{out.stat().st_size:,}" + " bytes, 1 row, 1 matched)\n"
    )
    [row] = rows(out.read_text(), "excel-tab")
    assert row["tkg_id"] == BASE + "organization/musbiuro" and row["tkg_match"] == "true"


def test_on_an_on_disk_store(tmp_path: Path) -> None:
    load_store(tmp_path / "store", load())
    sheet = tmp_path / "names.csv"
    sheet.write_text("name\nTurar Risqulov\n", encoding="utf-8")
    result = tkg("reconcile", str(sheet), "--column", "name", "--store", str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    assert rows(result.output)[0]["tkg_id"] == BASE + "person/turar-risqulov"


@pytest.mark.parametrize(
    ("content", "args", "code", "says"),
    [
        (b"name\nx\n", ["--column", "nom"], 2, "no column 'nom' in the table (it has: name)"),
        (b"", ["--column", "name"], 2, "no column 'name' in the table (it has: no header)"),
        (b"name\n\xff\xfe\x00x\n", ["--column", "name"], 1, "is not UTF-8 text"),
        (b"name\nx\n", ["--column", "name", "--min-score", "101"], 2, "101"),
    ],
)
def test_mistakes_are_one_line(
    tmp_path: Path, content: bytes, args: list[str], code: int, says: str
) -> None:
    sheet = tmp_path / "names.csv"
    sheet.write_bytes(content)
    result = tkg("reconcile", str(sheet), *args)
    assert result.exit_code == code and says in result.output, result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = tkg("reconcile", str(tmp_path / "nothing.csv"), "--column", "name")
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"name\nA,B\n", "line 2 of the table has more cells than its header"),
        (b"name,name\nA,B\n", "the table's header names name more than once"),
        (b'name\n"Ryskulov,1\n', "the table is not well-formed"),
    ],
)
def test_a_table_that_would_lose_cells_is_refused(
    tmp_path: Path, content: bytes, says: str
) -> None:
    sheet = tmp_path / "names.csv"
    sheet.write_bytes(content)
    result = tkg("reconcile", str(sheet), "--column", "name")
    assert result.exit_code == 1 and says in result.output, result.output
    assert result.output.count("\n") == 1
