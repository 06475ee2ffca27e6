"""The package's shape: imports follow the flow, form no cycle, and heavy ones are lazy.

Imports are read from the source (every ``import`` statement, at module level, inside
functions and under ``TYPE_CHECKING`` alike), so a lazy import that closes a cycle is caught
as surely as an eager one.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from turkestan_kg.publish.reference import FLOW as MAP_ORDER

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "turkestan_kg"
SHARED = {
    "about",
    "confine",
    "errors",
    "formats",
    "matcher",
    "namespaces",
    "paths",
    "registry",
    "values",
}
# The steps in the order data flows through them, as the module map lists them; ``synth``
# and ``cli`` stand aside.
STEPS = MAP_ORDER
FLOW = tuple(s for s in MAP_ORDER if s not in ("synth", "cli"))
RANK = {"graph": 1, "synth": 1, "sparql": 2, "remote": 3, "validation": 3}
RANK |= {"reconcile": 4, "publish": 4}
RANK |= {"dataset": 5, "wikidata": 5, "web": 6, "cli": 7}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name ``from ... import`` refers to, from inside ``module``."""
    if node.level == 0:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> Iterator[str]:
    """Every module of the package that ``module`` imports, anywhere in its source."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, node)
            names = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            names = names or [target]
        else:
            continue
        yield from (n for n in names if n in MODULES and n != module)


GRAPH = {m: sorted(set(imports_of(m))) for m in MODULES}


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def step(module: str) -> str:
    """The step a module belongs to: a subpackage, "shared", or "root" (the facade)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    if parts[1] in ("__main__", "console"):  # `python -m turkestan_kg` and `tkg` start here
        return "cli"
    return parts[1] if parts[1] in STEPS else "shared"


def test_the_reader_sees_every_module() -> None:
    assert {"turkestan_kg.graph.dataset", "turkestan_kg.web.app"} <= set(MODULES)
    assert "turkestan_kg.graph.dataset" in GRAPH["turkestan_kg.sparql.engines"]
    assert "turkestan_kg.web.charts" in GRAPH["turkestan_kg.web.entities"]  # from . import


def test_no_import_cycle_lazy_or_not() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_one() -> None:
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_flow(module: str) -> None:
    """Shared modules import only shared ones; a step imports shared modules, its own, and
    the steps before it; nothing but the command line imports the package root."""
    mine = step(module)
    for target in GRAPH[module]:
        theirs = step(target)
        assert theirs != "root" or mine in ("root", "cli"), f"{module} imports the facade"
        if mine == "shared":
            assert theirs == "shared", f"shared {module} imports the step {target}"
        elif mine in RANK and theirs in RANK:
            assert RANK[theirs] <= RANK[mine], f"{module} imports {target}, later in the flow"
            assert theirs == mine or RANK[theirs] < RANK[mine], f"{module} imports {target}"


def test_a_module_that_runs_back_up_the_flow_is_caught() -> None:
    """The rule above, applied to a made-up import of web from validation."""
    assert RANK[step("turkestan_kg.web.app")] > RANK[step("turkestan_kg.validation.engines")]


LIGHT = """
import sys
from click.testing import CliRunner
from turkestan_kg.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
assert result.exit_code == 0, result.output
heavy = ("rdflib", "pyshacl", "pyoxigraph", "SPARQLWrapper", "pyld", "importlib.metadata")
print(" ".join(sorted(m for m in heavy if m in sys.modules)))
"""


@pytest.mark.parametrize(
    ("args", "allowed"),
    [(["--help"], set()), (["queries"], set()), (["validate", "--help"], set())],
    ids=["help", "queries", "validate-help"],
)
def test_the_cli_starts_without_heavy_imports(args: list[str], allowed: set[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", LIGHT, *args], capture_output=True, text=True, check=True
    )
    assert set(run.stdout.split()) <= allowed


def test_importing_the_package_is_light() -> None:
    code = "import sys, turkestan_kg; print('rdflib' in sys.modules, 'pyshacl' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]


def test_modules_stay_small() -> None:
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert max(sizes.values()) <= 400, max(sizes, key=lambda m: sizes[m])


def test_the_flow_is_written_once() -> None:
    """The order above is the order the module map, the package docstring and the decision
    record give."""
    import turkestan_kg
    from turkestan_kg.publish.reference import FLOW as MAP_FLOW

    assert tuple(s for s in MAP_FLOW if s in FLOW) == FLOW
    doc = turkestan_kg.__doc__ or ""
    assert [doc.index(f"``{step}``") for step in FLOW] == sorted(
        doc.index(f"``{step}``") for step in FLOW
    )
    assert all(RANK[a] <= RANK[b] for a, b in itertools.pairwise(FLOW))
    decision = (SRC.parent / "docs" / "decisions" / "0017-one-way-in.md").read_text("utf-8")
    assert " -> ".join(f"`{step}`" for step in FLOW) in decision


def test_no_block_is_graded_c_or_worse() -> None:
    """radon's cyclomatic complexity: every function and class an A or a B (10 or less)."""
    from radon.complexity import cc_rank, cc_visit

    graded = [
        f"{name}:{block.name} {cc_rank(block.complexity)} ({block.complexity})"
        for name, path in MODULES.items()
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if cc_rank(block.complexity) not in ("A", "B")
    ]
    assert graded == []


def test_any_is_not_used_where_a_type_exists() -> None:
    """``typing.Any`` appears nowhere in the package: pyoxigraph, rdflib and click have types,
    JSON has ``values.Json``, and what is truly unknown is ``object``."""
    uses = [
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name | ast.alias)
        and getattr(node, "id", getattr(node, "name", "")) == "Any"
    ]
    assert uses == []
