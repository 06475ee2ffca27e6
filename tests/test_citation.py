"""The data set can be cited and its source credited; language tags keep their registered case."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from rdflib import Literal

from turkestan_kg import Dataset
from turkestan_kg.graph.dataset import KnowledgeGraph
from turkestan_kg.namespaces import DCTERMS, entity_ns

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "https://en.wikipedia.org/wiki/Communist_Party_of_Turkestan"
SPDX = {"MIT", "CC-BY-SA-4.0"}


def citation() -> dict[str, object]:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_citation_has_what_cff_requires_and_agrees_with_the_project(kg: KnowledgeGraph) -> None:
    cff = citation()
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type", "license", "version"} <= set(cff)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert cff["version"] == project["version"]
    dataset = entity_ns("dataset")["turkestan-kg"]
    assert Literal(cff["title"], lang="en") == kg.value(dataset, DCTERMS.title)


def test_citation_names_the_software_and_credits_the_source() -> None:
    references = citation()["references"]
    assert isinstance(references, list)
    kinds = {ref["type"]: ref for ref in references}
    assert kinds["software"]["license"] in SPDX
    article = kinds["encyclopedia"]
    assert article["url"] == SOURCE and article["license"] == "CC-BY-SA-4.0"
    assert "not recorded" in article["notes"]  # no retrieval date is invented


def test_the_readme_and_the_data_name_the_source(kg: KnowledgeGraph) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SOURCE in readme and "CC BY-SA 4.0" in readme and "CITATION.cff" in readme
    comments = " ".join(str(c) for c in kg.objects(None, None) if "not recorded" in str(c))
    assert "was not recorded" in comments


REGISTERED = re.compile(r"\b(?:[a-z]{2,3})-(?:Cyrl|Latn|Arab)\b")
LOWERED = re.compile(r"(?:@|\"|')(?:[a-z]{2,3})-(?:cyrl|latn|arab)\b")


def test_language_tags_keep_their_registered_case_in_every_published_file(dist: Path) -> None:
    files = [p for p in dist.rglob("*") if p.is_file() and p.suffix != ".html"]
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    assert any(REGISTERED.search(text) for text in texts.values())
    assert {name for name, text in texts.items() if LOWERED.search(text)} == set()


def test_names_by_language_gives_registered_tags(kg: KnowledgeGraph) -> None:
    languages = {
        row["language"] for row in Dataset.of(kg).query("names-by-language", expect="rows")
    }
    assert {"en", "ru", "uz-Latn", "tg-Cyrl", "ky-Cyrl"} <= languages
