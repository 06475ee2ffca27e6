"""The ontology as OWL 2 DL tools read it: the OWL API's DL profile check finds nothing;
HermiT (strict, through owlready2) finds the ontology consistent with no unsatisfiable
class; Pellet (through owlready2) finds the ontology and the ontology with the data
consistent with no unsatisfiable class.

HermiT in its strict mode refuses the data, which holds xsd:gYear, xsd:gYearMonth and
xsd:date values: OWL 2's datatype map has no such datatypes (decision 0022). The test shows
that refusal, then runs strict HermiT on the same graph with exactly those statements set
aside. The OWL API's profile check does not look at datatypes at all, so HermiT is the
check that guards the ontology from them. Each check is shown to fail on a fault.

The reasoners are Java programs that owlready2 ships; they run on Debian's Java 17, which
`python3 tasks.py test` installs when it is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.paths import project_root

owlready2 = pytest.importorskip("owlready2")

JAVA, JAVAC = shutil.which("java"), shutil.which("javac")
pytestmark = pytest.mark.skipif(
    JAVA is None, reason="no Java runtime: run `python3 tasks.py test` as root"
)
BUNDLED = Path(owlready2.__file__).parent
OWL_API = BUNDLED / "pellet" / "owlapi-distribution-3.4.3-bin.jar"
HERMIT = BUNDLED / "hermit" / "HermiT.jar"
ONTOLOGY = project_root() / "ontology" / "turkestan-kg.ttl"
NOTHING = "http://www.w3.org/2002/07/owl#Nothing"

# a fault: tenures are memberships (the ontology says so), and now also disjoint from them
DISJOINT = (
    "<https://w3id.org/turkestan-kg/ontology#Tenure> "
    "<http://www.w3.org/2002/07/owl#disjointWith> <http://www.w3.org/ns/org#Membership> .\n"
)


def ntriples(graph: Graph, path: Path, extra: str = "") -> Path:
    path.write_text(graph.serialize(format="nt").rstrip("\n") + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def profile_check(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The profile checker, compiled against the OWL API that owlready2 ships."""
    if JAVAC is None:
        pytest.skip("no Java compiler: run `python3 tasks.py test` as root")
    folder = tmp_path_factory.mktemp("profile")
    source = Path(__file__).parent / "owl" / "ProfileCheck.java"
    subprocess.run(
        [JAVAC, "-nowarn", "-cp", str(OWL_API), "-d", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder


def violations(classes: Path, *files: Path) -> list[str]:
    run = subprocess.run(
        [str(JAVA), "-cp", f"{OWL_API}:{classes}", "ProfileCheck", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = run.stdout.strip().splitlines()
    assert run.returncode == 0 and lines and lines[-1].startswith("violations: "), run.stderr
    return lines[:-1]


def reason(path: Path, reasoner: str) -> list[str]:
    """Run a reasoner through owlready2 on an N-Triples file; the unsatisfiable classes.
    An inconsistent ontology raises owlready2's OwlReadyInconsistentOntologyError."""
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    run = owlready2.sync_reasoner_pellet if reasoner == "pellet" else owlready2.sync_reasoner
    run(world, infer_property_values=False, debug=0)
    return [str(c.iri) for c in world.inconsistent_classes()]


def hermit(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """HermiT's own command line: consistency, then the unsatisfiable classes."""
    command = [str(JAVA), "-cp", str(HERMIT), "org.semanticweb.HermiT.cli.CommandLine"]
    return subprocess.run(
        [*command, *options, "-k", "-U", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_ontology_is_in_the_owl2_dl_profile(profile_check: Path) -> None:
    assert violations(profile_check, ONTOLOGY) == []


def test_the_profile_check_finds_an_undeclared_term(profile_check: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    text = ONTOLOGY.read_text(encoding="utf-8").replace("org:Membership a owl:Class .\n", "")
    broken.write_text(text, encoding="utf-8")
    found = violations(profile_check, broken)
    assert any("Use of undeclared class: <http://www.w3.org/ns/org#Membership>" in v for v in found)


@pytest.mark.parametrize("reasoner", ["hermit", "pellet"])
def test_the_ontology_is_consistent_with_no_unsatisfiable_class(
    reasoner: str, tmp_path: Path
) -> None:
    path = ntriples(Graph().parse(ONTOLOGY), tmp_path / "ontology.nt")
    assert reason(path, reasoner) == []


def test_pellet_finds_the_ontology_with_the_data_consistent(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    path = ntriples(kg.merged(), tmp_path / "all.nt")
    assert reason(path, "pellet") == []


@pytest.mark.parametrize("reasoner", ["hermit", "pellet"])
def test_a_reasoner_finds_an_unsatisfiable_class(reasoner: str, tmp_path: Path) -> None:
    path = ntriples(Graph().parse(ONTOLOGY), tmp_path / "broken.nt", DISJOINT)
    found = set(reason(path, reasoner)) - {NOTHING}
    assert found == {"https://w3id.org/turkestan-kg/ontology#Tenure"}


def test_pellet_finds_the_data_inconsistent_with_a_broken_ontology(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    """The data holds tenures, which the fault makes impossible."""
    path = ntriples(kg.merged(), tmp_path / "broken.nt", DISJOINT)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(path, "pellet")


# OWL 2's datatype map (OWL 2 Structural Specification, section 4): what HermiT, strict, holds
OWL2_DATATYPES = {
    *(
        XSD[name]
        for name in (
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        )
    ),
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    RDF.langString,
    RDFS.Literal,
    OWL.real,
    OWL.rational,
}


def within_owl2(graph: Graph) -> tuple[Graph, set[URIRef]]:
    """``graph`` without the statements OWL 2 cannot hold (a literal or a range of a datatype
    outside its datatype map), and the datatypes set aside."""
    kept, outside = Graph(), set()
    for s, p, o in graph:
        datatype = (
            o.datatype if isinstance(o, Literal) else o if str(o).startswith(str(XSD)) else None
        )
        if datatype is not None and datatype not in OWL2_DATATYPES:
            outside.add(URIRef(str(datatype)))
            continue
        kept.add((s, p, o))
    return kept, outside


def test_hermit_with_the_data(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """Strict, HermiT refuses the data: it holds years, months and dates, which OWL 2's
    datatype map has no datatype for. With exactly those statements set aside, strict HermiT
    finds the ontology with the data consistent with no unsatisfiable class (as it does with
    --ignoreUnsupportedDatatypes on the whole)."""
    whole = ntriples(kg.merged(), tmp_path / "all.nt")
    strict = hermit(whole)
    assert strict.returncode != 0 and "not part of the OWL 2 datatype map" in strict.stderr
    kept, outside = within_owl2(kg.merged())
    assert outside == {XSD.gYear, XSD.gYearMonth, XSD.date}
    for run in (
        hermit(ntriples(kept, tmp_path / "kept.nt")),
        hermit(whole, "--ignoreUnsupportedDatatypes"),
    ):
        assert run.returncode == 0, run.stderr
        assert "owl#Thing is satisfiable" in run.stdout
        unsatisfiable = run.stdout.split("Classes equivalent to 'owl:Nothing':")[1].split()
        assert unsatisfiable == ["owl:Nothing"]
