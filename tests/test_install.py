"""The package as a user installs it: the sdist and wheel built by `python -m build`,
checked by twine, the wheel installed into a fresh environment outside the checkout, and
`tkg` run from an empty folder (build, a stored query, validate, reconcile, serve one real
request, the library's `open()`), with no TKG_HOME and no checkout to find."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel (built from the sdist, as `python -m build` does)."""
    out = tmp_path_factory.mktemp("packages")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


@pytest.fixture(scope="module")
def installed(packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel installed (the lock's versions of its
    dependencies, as the checkout has them); its bin folder."""
    where = tmp_path_factory.mktemp("fresh") / "env"
    venv.create(where, with_pip=True)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    pip += ["--disable-pip-version-check", "-c", str(ROOT / "requirements.lock")]
    subprocess.run([*pip, str(packages["wheel"])], check=True, capture_output=True)
    return where / "bin"


@pytest.fixture()
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """An empty folder outside the checkout to run in."""
    folder = tmp_path / "work"
    folder.mkdir()
    yield folder


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TKG_HOME", "PYTHONPATH")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_twine_finds_nothing_wrong_with_either_package(packages: dict[str, Path]) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, packages.values())],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_wheel_carries_the_knowledge(packages: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(packages["wheel"]).namelist())
    for folder in ("ontology", "data", "queries"):
        for file in (ROOT / folder).iterdir():
            if file.is_file():
                assert f"turkestan_kg/knowledge/{folder}/{file.name}" in names
    assert "turkestan_kg/knowledge/CITATION.cff" in names
    templates = ROOT / "src" / "turkestan_kg" / "web" / "templates"
    assert {f"turkestan_kg/web/templates/{f.name}" for f in templates.iterdir()} <= names
    static = ROOT / "src" / "turkestan_kg" / "web" / "static"
    if static.is_dir():  # the editor's assets, when set-up had npm
        assert {f"turkestan_kg/web/static/{f.name}" for f in static.iterdir()} <= names
    assert not [n for n in names if n.startswith(("tests/", "dist/", "node_modules/"))]


def test_tkg_builds_queries_and_validates_from_an_empty_folder(
    installed: Path, elsewhere: Path
) -> None:
    built = run([str(installed / "tkg"), "build"], elsewhere)
    assert built.returncode == 0, built.stderr
    assert (elsewhere / "dist" / "turkestan-kg.ttl").is_file()
    asked = run(
        [str(installed / "tkg"), "query", "leaders-in-year", "--param", "year=1921"], elsewhere
    )
    assert asked.returncode == 0, asked.stderr
    assert "Abdullo Rakhimbayev" in asked.stdout and "Nazir Turiakylov" in asked.stdout
    checked = run([str(installed / "tkg"), "validate"], elsewhere)
    assert checked.returncode == 0 and "conforms" in checked.stdout, checked.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["dist"]


def test_reconcile_and_the_library_work_from_an_empty_folder(
    installed: Path, elsewhere: Path
) -> None:
    table = elsewhere / "names.csv"
    table.write_text("name\nTurar Risqulov\n", encoding="utf-8")
    matched = run([str(installed / "tkg"), "reconcile", str(table), "--column", "name"], elsewhere)
    assert matched.returncode == 0, matched.stderr
    assert "turar-risqulov" in matched.stdout
    code = (
        "import turkestan_kg; ds = turkestan_kg.open(); "
        "print(ds.validate().conforms, len(ds.query('leaders-in-year', year=1921)))"
    )
    library = run([str(installed / "python"), "-c", code], elsewhere)
    assert library.returncode == 0 and library.stdout.split() == ["True", "2"], library.stderr
    module = run([str(installed / "python"), "-m", "turkestan_kg", "queries"], elsewhere)
    assert module.returncode == 0 and "leaders-in-year" in module.stdout, module.stderr


def test_tkg_serve_answers_from_an_empty_folder(installed: Path, elsewhere: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("TKG_HOME", "PYTHONPATH")}
    server = subprocess.Popen(
        [str(installed / "tkg"), "serve", "--port", str(port), "--workers", "1"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # wait for it to say where it serves
            if b"serving on" in line:
                break
        base = f"http://127.0.0.1:{port}"
        page = urllib.request.Request(
            base + "/person/turar-risqulov", headers={"Accept": "text/html"}
        )
        with urllib.request.urlopen(page, timeout=30) as answer:
            assert answer.status == 200 and b"Turar" in answer.read()
        ask = base + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with urllib.request.urlopen(ask, timeout=30) as answer:
            assert b"true" in answer.read()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
