"""Every RDF file of dist/ read by an independent parser, raptor's `rapper` (Debian's
raptor2-utils, installed by tasks.py): it parses each without error or warning, and what it
reads is the graph (or dataset) the project wrote, blank nodes aside."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, to_isomorphic

RAPPER = shutil.which("rapper")
pytestmark = pytest.mark.skipif(
    RAPPER is None, reason="raptor is not installed: apt-get install raptor2-utils"
)

GRAPHS = {
    "turkestan-kg.ttl": "turtle",
    "turkestan-kg.nt": "ntriples",
    "turkestan-kg.rdf": "rdfxml",
    "ontology.ttl": "turtle",
    "shapes.ttl": "turtle",
    "void.ttl": "turtle",
    "validation-report.ttl": "turtle",
}
DATASETS = {"turkestan-kg.nq": "nquads", "turkestan-kg.trig": "trig"}
RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "trig": "trig"}


def rapper(path: Path, syntax: str, out: str) -> str:
    """What rapper writes for ``path``; the test fails on any error or warning it reports."""
    run = subprocess.run(
        [str(RAPPER), "-q", "-i", syntax, "-o", out, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and not run.stderr.strip(), (path.name, run.stderr)
    return run.stdout


@pytest.mark.parametrize(("name", "syntax"), GRAPHS.items())
def test_rapper_reads_each_graph_as_written(dist: Path, name: str, syntax: str) -> None:
    read = Graph().parse(data=rapper(dist / name, syntax, "ntriples"), format="nt")
    ours = Graph().parse(dist / name, format=RDFLIB_NAMES[syntax])
    _, only_rapper, only_ours = graph_diff(to_isomorphic(read), to_isomorphic(ours))
    assert len(read) == len(ours) and not only_rapper and not only_ours


@pytest.mark.parametrize(("name", "syntax"), DATASETS.items())
def test_rapper_reads_each_dataset_with_its_graphs(dist: Path, name: str, syntax: str) -> None:
    read = Dataset()
    read.parse(data=rapper(dist / name, syntax, "nquads"), format="nquads")
    ours = Dataset()
    ours.parse(dist / name, format=RDFLIB_NAMES.get(syntax, "nquads"))
    assert {str(g.identifier) for g in read.graphs() if len(g)} == {
        str(g.identifier) for g in ours.graphs() if len(g)
    }
    assert sum(len(g) for g in read.graphs()) == sum(len(g) for g in ours.graphs())
