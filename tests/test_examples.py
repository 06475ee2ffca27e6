"""The worked example in examples/ runs top to bottom, and says what the README says."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    notebook = nbformat.read(ROOT / "examples" / "historian.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.append(str(output.get("data", {}).get("text/plain", "")))
            texts.append(str(output.get("data", {}).get("image/svg+xml", "")))
    return "\n".join(texts)


def test_the_historians_notebook_runs_and_answers(executed: nbformat.NotebookNode) -> None:
    text = outputs(executed)
    assert "Abdullo Rakhimbayev 1920 - 1921" in text and "Nazir Turiakylov 1920 - 1922" in text
    assert "9,521 of 18,945 members were not Russian: 50.3 %" in text
    assert "<svg" in text  # the two charts
    assert "Risqulov       -> https://w3id.org/turkestan-kg/person/turar-risqulov" in text
    assert "Nobody Known   -> no match" in text
    assert "agent/curators" in text  # Taraz is the curators' addition


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(ROOT / "examples" / "historian.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
