"""Apache Jena, an independent reader and SHACL engine, on what the project publishes: riot
reads every RDF file of dist/ and counts what rdflib counts; Jena's SHACL engine finds the
data conforming to the shapes, and on every shape fixture agrees with the project's engine
on conformance and on the number of results.

Jena is Debian's (libapache-jena-java, with its Java dependencies), which `python3 tasks.py
test` installs. Debian's build moves Jena's internal copy of Xerces to another package but
leaves its message files behind, so any XSD datatype stops Jena at start-up; the tests put
those files where the moved classes look for them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from turkestan_kg.graph.dataset import load
from turkestan_kg.validation.engines import validate

JAVA, JAVAC = shutil.which("java"), shutil.which("javac")
JENA = Path("/usr/share/java/jena-cmds.jar")
pytestmark = pytest.mark.skipif(
    JAVA is None or JAVAC is None or not JENA.exists(),
    reason="Jena or Java missing: run `python3 tasks.py test` as root",
)
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "shapes"
SHAPES = ROOT / "ontology" / "shapes.ttl"
# logging bindings beside the one Jena is given (slf4j-simple, whose lines reach stderr):
# several at once stop it
BINDINGS = re.compile(
    r"/(slf4j-(?!api)[a-z0-9]+|log4j-over-slf4j|jcl-over-slf4j|jul-to-slf4j)\.jar$"
)
MOVED = {  # Jena's message files -> where Debian's relocated classes look for them
    "org/apache/jena/ext/xerces/impl/msg/": "xerces/impl/msg/",
    "org/apache/jena/ext/xerces/impl/xpath/regex/": "xerces/impl/xpath/regex/",
}


def package_jars(package: str) -> set[str]:
    """The jars of a Debian package and of the Java packages it depends on, as dpkg lists
    them (the unversioned names)."""
    seen: set[str] = set()
    todo = [package]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        depends = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}", name], capture_output=True, text=True
        ).stdout
        for clause in filter(None, (c.strip() for c in depends.split(","))):
            dependency = re.split(r"[\s(:]", clause.split("|")[0].strip())[0]
            if dependency.startswith("lib") and dependency.endswith("-java"):
                todo.append(dependency)
    jars: set[str] = set()
    for name in seen:
        listed = subprocess.run(["dpkg", "-L", name], capture_output=True, text=True).stdout
        jars |= {
            f
            for f in listed.split()
            if f.startswith("/usr/share/java/") and re.search(r"[a-z]\.jar$", f)
        }
    return jars


@pytest.fixture(scope="module")
def classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Jena's jars, the moved message files, and the project's two small Java programs."""
    folder = tmp_path_factory.mktemp("jena")
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            for old, new in MOVED.items():
                if name.startswith(old) and name.endswith(".properties"):
                    target = folder / new / name[len(old) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = sorted(j for j in package_jars("libapache-jena-java") if not BINDINGS.search(j))
    path = ":".join([*jars, "/usr/share/java/slf4j-simple.jar", str(folder)])
    source = ROOT / "tests" / "jena" / "ShaclCounts.java"
    subprocess.run(
        [str(JAVAC), "-nowarn", "-cp", path, "-d", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


def riot(classpath: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(JAVA), "-cp", classpath, "riotcmd.riot", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


RDF_FILES = {
    "turkestan-kg.ttl": "turtle",
    "turkestan-kg.nt": "nt",
    "turkestan-kg.rdf": "xml",
    "turkestan-kg.nq": "nquads",
    "turkestan-kg.trig": "trig",
    "turkestan-kg.jsonld": "json-ld",
    "ontology.ttl": "turtle",
    "shapes.ttl": "turtle",
    "void.ttl": "turtle",
    "validation-report.ttl": "turtle",
}


def count(path: Path, fmt: str) -> int:
    """Statements as rdflib reads them (quads for a dataset)."""
    if fmt in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(path, format=fmt)
        return sum(1 for _ in dataset.quads())
    return len(Graph().parse(path, format=fmt))


def test_every_rdf_file_of_dist_is_read_here(dist: Path) -> None:
    """Every RDF file of dist/ is in RDF_FILES (the JSON-LD context is not RDF)."""
    kinds = (".ttl", ".nt", ".rdf", ".nq", ".trig", ".jsonld")
    found = {p.name for p in dist.iterdir() if p.suffix in kinds} - {"context.jsonld"}
    assert found == set(RDF_FILES)


def riot_count(classpath: str, path: Path) -> int:
    """What riot counts in a file, read strictly: a warning or an error fails the test.
    JSON-LD is read by Jena's JSON-LD 1.0 reader: its 1.1 reader needs a Jakarta JSON
    provider, which Debian does not package."""
    syntax = ["--syntax=jsonld10"] if path.suffix == ".jsonld" else []
    run = riot(classpath, "--strict", *syntax, "--count", str(path))
    assert run.returncode == 0, run.stderr
    assert "WARN" not in run.stderr and "ERROR" not in run.stderr, run.stderr
    counted = re.search(r": (Triples|Quads) = ([\d,]+)$", run.stderr.strip())
    assert counted, run.stderr
    return int(counted[2].replace(",", ""))


@pytest.mark.parametrize("name", sorted(RDF_FILES))
def test_riot_reads_and_counts_as_rdflib(classpath: str, dist: Path, name: str) -> None:
    assert riot_count(classpath, dist / name) == count(dist / name, RDF_FILES[name])


def test_riot_refuses_a_broken_file(classpath: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('<http://example.org/s> <http://example.org/p> "unclosed .\n')
    with pytest.raises(AssertionError):
        riot_count(classpath, broken)


def shacl_counts(classpath: str, *data: Path) -> dict[str, tuple[bool, int]]:
    run = subprocess.run(
        [str(JAVA), "-cp", classpath, "ShaclCounts", str(SHAPES), *map(str, data)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    return {Path(name).stem: (conforms == "true", int(n)) for name, conforms, n in rows}


def test_jena_shacl_finds_the_data_conforming(classpath: str, tmp_path: Path) -> None:
    merged = tmp_path / "merged.nt"
    load().merged().serialize(merged, format="nt", encoding="utf-8")
    assert shacl_counts(classpath, merged) == {"merged": (True, 0)}


def test_jena_shacl_agrees_on_every_fixture(classpath: str, tmp_path: Path) -> None:
    """Each shape's fixtures, with the base data and the ontology as the project's own test
    validates them: Jena gives the same conformance and as many results."""
    ours: dict[str, tuple[bool, int]] = {}
    files = []
    for fixture in sorted(FIXTURES.glob("S*.ttl")):
        data = tmp_path / fixture.stem
        data.mkdir()
        shutil.copy(FIXTURES / "base.ttl", data / "base.ttl")
        shutil.copy(fixture, data / fixture.name)
        kg = load(data, ROOT / "ontology")
        report = validate(kg, shapes=SHAPES)
        ours[fixture.stem] = (report.conforms, len(report.problems))
        files.append(tmp_path / f"{fixture.stem}.nt")
        kg.merged().serialize(files[-1], format="nt", encoding="utf-8")
    assert shacl_counts(classpath, *files) == ours
