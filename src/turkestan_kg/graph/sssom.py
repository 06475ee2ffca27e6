"""SSSOM mapping files: read them into triples, write and update them.

An SSSOM/TSV file is a YAML metadata block (each line starting with ``#``) followed by a
tab-separated table with one mapping per row. Curated mappings live in
``data/wikidata-links.sssom.tsv`` and load as the named graph ``graph:wikidata-links``;
reconciliation writes candidates to a review file in the same format.

>>> mappings = read_mappings(project_root() / "data" / "wikidata-links.sssom.tsv")
>>> [m.object_id for m in mappings if m.subject_id == "organization:rcpb"]
['wd:Q79854']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import yaml
from rdflib import Graph, URIRef

from ..errors import ParseError
from ..namespaces import PREFIXES
from ..paths import display_path, project_root

PREDICATES = {
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
}
JUSTIFICATIONS = {
    "semapv:ManualMappingCuration",
    "semapv:LexicalMatching",
    "semapv:CompositeMatching",
}
EXTRA_PREFIXES = {"semapv": "https://w3id.org/semapv/vocab/", "orcid": "https://orcid.org/"}
Metadata = dict[str, str | dict[str, str]]
"""A mapping set's metadata block: ids, title and licence, and its ``curie_map``."""


@dataclass(frozen=True)
class Mapping:
    """One SSSOM mapping row (the columns this project uses)."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    confidence: str
    mapping_date: str
    author_label: str
    reviewer_label: str
    comment: str

    def with_(self, **changes: str) -> Mapping:
        return replace(self, **changes)


COLUMNS = tuple(f.name for f in fields(Mapping))


def read_mappings(path: Path) -> list[Mapping]:
    """The rows of an SSSOM/TSV file; ParseError names the file and line of a bad row."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])), delimiter="\t")
    missing = [
        c
        for c in ("subject_id", "predicate_id", "object_id", "mapping_justification")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ParseError(
            f"missing SSSOM column(s): {', '.join(missing)}",
            file=display_path(path),
            line=start + 1,
        )
    rows = []
    for number, row in enumerate(reader, start=start + 2):
        rows.append(_mapping(row, path, number))
    return rows


def _mapping(row: dict[str, str | None], path: Path, line: int) -> Mapping:
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for column in ("subject_id", "object_id"):
        prefix = values[column].partition(":")[0]
        if prefix not in {**PREFIXES, **EXTRA_PREFIXES}:
            raise ParseError(
                f"{column} {values[column]!r} has an unknown prefix",
                file=display_path(path),
                line=line,
                hint="use a prefix from the curie_map",
            )
    if values["predicate_id"] not in PREDICATES:
        raise ParseError(
            f"predicate_id {values['predicate_id']!r} is not a SKOS mapping predicate",
            file=display_path(path),
            line=line,
            hint=f"use one of {', '.join(sorted(PREDICATES))}",
        )
    if values["mapping_justification"] not in JUSTIFICATIONS:
        raise ParseError(
            f"mapping_justification {values['mapping_justification']!r} is not known",
            file=display_path(path),
            line=line,
            hint=f"use one of {', '.join(sorted(JUSTIFICATIONS))}",
        )
    return Mapping(**values)


def expand(curie: str) -> URIRef:
    """The IRI of a CURIE with the project's prefixes."""
    prefix, _, local = curie.partition(":")
    return URIRef({**PREFIXES, **EXTRA_PREFIXES}[prefix] + local)


def mapping_graph(path: Path) -> Graph:
    """One triple per mapping row: subject, SKOS mapping predicate, object."""
    graph = Graph()
    for m in read_mappings(path):
        graph.add((expand(m.subject_id), expand(m.predicate_id), expand(m.object_id)))
    return graph


def metadata(mapping_set_id: str, title: str) -> Metadata:
    """The SSSOM metadata block for a mapping set of this project."""
    used = {p: ns for p, ns in PREFIXES.items()}
    return {
        "mapping_set_id": mapping_set_id,
        "mapping_set_title": title,
        "license": "https://creativecommons.org/licenses/by-sa/4.0/",
        "curie_map": {**used, **EXTRA_PREFIXES},
    }


def render(mappings: Iterable[Mapping], meta: Metadata) -> str:
    """SSSOM/TSV text: the metadata block, then one row per mapping in the given order."""
    header = "".join(
        f"#{line}\n"
        for line in yaml.safe_dump(meta, sort_keys=True, allow_unicode=True).splitlines()
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    for m in mappings:
        writer.writerow(asdict(m))
    return header + out.getvalue()


def curated_path() -> Path:
    """The project's curated Wikidata mapping file."""
    return project_root() / "data" / "wikidata-links.sssom.tsv"
