"""The W3C SHACL test suite (core and SHACL-SPARQL), run over its manifests.

The fast engine must give the report the suite expects or refuse the shapes
(:class:`~turkestan_kg.errors.UsageError`): never another report, never "conforms" where the
suite expects a violation. ``auto`` (fast, else pySHACL) must pass what pySHACL passes.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet
from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import Namespace
from rdflib.term import Node

from compare import RESULT_KEYS
from turkestan_kg.errors import UsageError
from turkestan_kg.graph.files import parse_file
from turkestan_kg.namespaces import RDF, SH
from turkestan_kg.validation.engines import validator
from turkestan_kg.validation.support import UnsupportedShape

SUITE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "w3c-shacl-tests" / "tests"
).resolve()
"""The suite, its links resolved: a file's IRI (which the manifests' relative IRIs resolve
against) names the resolved path."""
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

PYSHACL_FAILS = {
    "core/property/uniqueLang-002": 'pySHACL reads sh:uniqueLang "1"^^xsd:boolean as true; '
    "the suite says only true activates the constraint",
    "sparql/pre-binding/shapesGraph-001": "pySHACL does not pre-bind $shapesGraph "
    "(NotImplementedError)",
}
"""The suite's tests pySHACL 0.40 fails, with why: ``auto`` fails those the fast engine
refuses (it hands them to pySHACL)."""


@dataclass(frozen=True, eq=False)
class Case:
    """One ``sht:Validate`` entry: its files and the report it expects (None: a failure)."""

    name: str
    data: Path
    shapes: Path
    expected: tuple[bool, Counter[tuple[str, ...]]] | None


# ---------------------------------------------------------------------- reading the suite


def _path(uri: Node | None) -> Path:
    return Path(str(uri).removeprefix("file://").split("#")[0])


def _manifests(manifest: Path) -> list[Path]:
    graph = parse_file(manifest, verbatim=True)
    found = [manifest]
    for included in graph.objects(None, MF.include):
        found += _manifests(_path(included))
    return found


def _cases(manifest: Path) -> list[Case]:
    graph = parse_file(manifest, verbatim=True)
    cases = []
    for lst in graph.objects(None, MF.entries):
        for entry in Collection(graph, lst):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            result = graph.value(entry, MF.result)
            name = str(manifest.relative_to(SUITE).parent / str(entry).rsplit("/", 1)[1])
            expected = None if result == SHT.Failure else _expected(graph, result)
            data, shapes = (_path(graph.value(action, k)) for k in (SHT.dataGraph, SHT.shapesGraph))
            cases.append(Case(name, data, shapes, expected))
    return cases


def _expected(graph: Graph, report: Node | None) -> tuple[bool, Counter[tuple[str, ...]]]:
    conforms = graph.value(report, SH.conforms)
    assert isinstance(conforms, Literal)
    return bool(conforms.toPython()), results(graph, report, graph)


def all_cases() -> list[Case]:
    if not SUITE.is_dir():
        return []
    return sorted(
        (c for m in _manifests(SUITE / "manifest.ttl") for c in _cases(m)), key=lambda c: c.name
    )


# ---------------------------------------------------------------------- comparing reports


KEYS = (*RESULT_KEYS, SH.sourceConstraint)  # the suite gives it for SPARQL constraints
PATHS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def show_path(graph: Graph, node: Node | None) -> str:
    """A path written out whole, so blank-node paths of two graphs compare."""
    if node is None or not isinstance(node, BNode):
        return "" if node is None else node.n3()
    if (node, RDF.first, None) in graph:
        return "(" + " ".join(show_path(graph, p) for p in Collection(graph, node)) + ")"
    for kind in PATHS:
        inner = graph.value(node, kind)
        if inner is not None:
            return f"{kind.n3()}[{show_path(graph, inner)}]"
    return "_:path"


def show(node: Node | None) -> str:
    """A term; every blank node alike (its identity is not comparable across graphs)."""
    if node is None:
        return ""
    return "_:b" if isinstance(node, BNode) else node.n3()


def results(graph: Graph, report: Node | None, paths: Graph) -> Counter[tuple[str, ...]]:
    """The report's results as a multiset of their terms (paths read from ``paths``)."""
    found: Counter[tuple[str, ...]] = Counter()
    for result in graph.objects(report, SH.result):
        key = [show(graph.value(result, k)) for k in KEYS]
        key[1] = show_path(paths, graph.value(result, SH.resultPath))
        found[tuple(key)] += 1
    return found


@functools.cache
def _graph(path: Path) -> Graph:
    """A test file as the engines get it from ``tkg validate``: literals as written."""
    return parse_file(path, verbatim=True)


@functools.cache
def outcome(case: Case, engine: str) -> tuple[bool, Counter[tuple[str, ...]]] | str:
    """The engine's (conforms, results) on ``case``, or the name of the error it raised."""
    data, shapes = _graph(case.data), _graph(case.shapes)
    try:
        conforms, report = validator(engine)(data, shapes)
    except Exception as err:
        return type(err).__name__  # UnsupportedShape: the fast engine refused before running
    [root] = report.subjects(RDF.type, SH.ValidationReport)
    return bool(conforms), results(report, root, report + shapes)


def passes(case: Case, engine: str) -> bool:
    got = outcome(case, engine)
    if case.expected is None:
        return isinstance(got, str)
    return got == case.expected


CASES = all_cases()
needs_suite = pytest.mark.skipif(not CASES, reason=f"the W3C SHACL suite is not in {SUITE}")


def _params(engine: str) -> list[ParameterSet]:
    """One parameter per test, id'd by its path in the suite; for ``auto``, pySHACL's
    failures are expected failures with their reason."""
    params = []
    for case in CASES:
        handed = engine == "auto" and fast_verdict(case) == "refused"
        reason = PYSHACL_FAILS.get(case.name) if handed else None
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def fast_verdict(case: Case) -> str:
    """ "passed", "refused" (a UsageError before any check ran) or "wrong"."""
    if passes(case, "fast"):
        return "passed"
    return "refused" if outcome(case, "fast") == UnsupportedShape.__name__ else "wrong"


@needs_suite
@pytest.mark.parametrize("case", _params("fast"))
def test_fast_gives_the_expected_report_or_refuses(case: Case) -> None:
    assert fast_verdict(case) != "wrong", (outcome(case, "fast"), case.expected)


@needs_suite
@pytest.mark.parametrize("case", _params("auto"))
def test_auto_passes(case: Case) -> None:
    assert passes(case, "auto"), (outcome(case, "auto"), case.expected)


@needs_suite
def test_the_suite_numbers() -> None:
    """The numbers docs/decisions/0018 quotes: the fast engine is never wrong, passes what
    it compiles and refuses the rest; ``auto`` passes all but pySHACL's own failures."""
    fast = Counter(fast_verdict(c) for c in CASES)
    auto = Counter(passes(c, "auto") for c in CASES)
    assert len(CASES) == 120
    assert fast == Counter(passed=120)
    assert auto[True] == len(CASES)


def test_refusals_are_usage_errors() -> None:
    assert issubclass(UnsupportedShape, UsageError)
