"""The docs cannot drift: generated pages are current, and everything is documented."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import click
import pytest

import turkestan_kg
from turkestan_kg.cli import main
from turkestan_kg.publish.reference import module_map, readme_with_map, reference_pages

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = {name: getattr(turkestan_kg, name) for name in turkestan_kg.__all__}
PAGES = reference_pages(ROOT, group=main, api=PUBLIC)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_reference_is_current(name: str) -> None:
    committed = (ROOT / "docs" / "reference" / name).read_text(encoding="utf-8")
    assert committed == PAGES[name], f"docs/reference/{name} is stale: run `tkg docs`"


def test_readme_module_map_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    current = readme_with_map(readme, module_map(ROOT / "src" / "turkestan_kg"))
    assert readme == current, "the README's module map is stale: run `tkg docs`"


def test_every_module_is_on_the_map() -> None:
    table = PAGES["modules.md"]
    for path in (ROOT / "src" / "turkestan_kg").rglob("*.py"):
        if path.name.startswith("__"):
            continue
        relative = path.relative_to(ROOT / "src" / "turkestan_kg").with_suffix("")
        assert f"| `{relative.as_posix()}` |" in table


def all_commands() -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(main.commands.items()):
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in sorted(command.commands.items())]
    return found


@pytest.mark.parametrize(("command", "obj"), all_commands(), ids=[c for c, _ in all_commands()])
def test_every_command_is_documented_with_an_example(command: str, obj: click.Command) -> None:
    assert f"## tkg {command}\n" in PAGES["cli.md"]
    assert "Example: tkg " in (obj.help or "")
    assert f"tkg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_query_and_shape_is_documented() -> None:
    for query in (ROOT / "queries").glob("*.rq"):
        assert f"## {query.stem}\n" in PAGES["queries.md"]
    shapes = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    for line in shapes.splitlines():
        if line.startswith("tkgsh:S") and "a sh:NodeShape" in line:
            shape_id = line.split()[0].removeprefix("tkgsh:")
            assert f"shapes#{shape_id}`" in PAGES["shapes.md"]


MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(turkestan_kg.__path__, prefix="turkestan_kg.")
    if not m.name.endswith(".__main__")  # importing it runs the command
)
LIBRARY = {name: getattr(turkestan_kg, name) for name in turkestan_kg.__all__}


@pytest.mark.parametrize("module", ["turkestan_kg", *MODULES])
def test_docstring_examples_run(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TKG_HOME", str(ROOT))
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, globs={**LIBRARY, **vars(mod)}, report=True)
    assert result.failed == 0


def public_callables() -> list[tuple[str, object]]:
    """Every public function, and every public method and property of the public classes
    (error classes aside: their docstrings say when they are raised)."""
    found: list[tuple[str, object]] = []
    for name, obj in sorted(PUBLIC.items()):
        if inspect.isfunction(obj):
            found.append((name, obj))
        elif inspect.isclass(obj) and not issubclass(obj, BaseException):
            found.append((name, obj))
            for attribute, member in sorted(vars(obj).items()):
                if attribute.startswith("_"):
                    continue
                member = getattr(member, "__func__", getattr(member, "fget", member))
                if inspect.isfunction(member):
                    found.append((f"{name}.{attribute}", member))
    return found


@pytest.mark.parametrize(
    ("name", "obj"), public_callables(), ids=[n for n, _ in public_callables()]
)
def test_every_public_name_has_an_example_the_tests_run(name: str, obj: object) -> None:
    """Each docstring's examples run in test_docstring_examples_run; here: there is one."""
    assert ">>>" in (inspect.getdoc(obj) or ""), f"{name} has no example in its docstring"


def test_the_readme_counts_the_stored_queries_there_are() -> None:
    """Every "N stored queries" the README states is the catalogue's count."""
    from turkestan_kg import stored_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = [int(n) for n in re.findall(r"(\d+) stored queries", readme)]
    assert stated and set(stated) == {len(stored_queries())}
