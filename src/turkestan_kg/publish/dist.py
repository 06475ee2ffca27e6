"""Build ``dist/``: load, validate, and publish every file, replacing the old output whole.

``dist/`` holds the data in six RDF formats, the JSON-LD context and framed views, the
ontology and shapes with their HTML documentation, the VoID/DCAT description, the SHACL
validation report, ``SHA256SUMS``, and the marker ``.turkestan-kg`` that lets a later build
replace the folder (a folder without it that holds anything else is never replaced). Two
builds of the same sources are byte-identical.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import InvalidData
from ..formats import FORMATS
from ..graph.dataset import KnowledgeGraph, load
from ..graph.files import parse_file
from ..namespaces import PREFIXES
from ..paths import (
    MARKER,
    ONTOLOGY_FILE,
    SHAPES_FILE,
    check_replaceable,
    marker_text,
    project_root,
    staging_folder,
    swap_folder,
    write_atomic,
)
from ..validation.engines import validate
from ..validation.report import ValidationReport
from .description import Distribution, describe
from .htmldoc import ontology_page, shapes_page
from .jsonld import dumps, framed_views
from .model import model_svg
from .rdf import Canonical, canonical_nquads, from_canonical, serialize

DIST_NAME = "turkestan-kg"
CITATION_FILE = "CITATION.cff"


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote and the validation report it checked.

    >>> from turkestan_kg.validation.report import ValidationReport
    >>> BuildResult(Path("dist"), (), ValidationReport(True, (), Graph())).report.conforms
    True
    """

    out_dir: Path
    files: tuple[Path, ...]
    report: ValidationReport


def build(
    out_dir: Path | str = "dist",
    *,
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    allow_invalid: bool = False,
    sparql_endpoint: str | None = None,
    base: str | None = None,
) -> BuildResult:
    """Load and validate the graph, then write every published file to ``out_dir``.

    Invalid data is refused with :class:`InvalidData` unless ``allow_invalid``, which the
    dataset description then records. Relative IRIs in the data files resolve against
    ``base`` when it is given (:func:`~turkestan_kg.graph.dataset.load`). Everything is written to a temporary folder that
    replaces ``out_dir`` only at the end, so a failure leaves the previous output as it was.

    >>> result = build("dist")
    >>> [str(p.relative_to("dist")) for p in result.files][:3]
    ['.turkestan-kg', 'CITATION.cff', 'SHA256SUMS']
    >>> result.report.conforms
    True
    """
    out = Path(out_dir)
    check_replaceable(out, "dist", looks_ours=published_before)
    kg = load(data_dir, ontology_dir, base=base)
    ontology = Path(ontology_dir) if ontology_dir else project_root() / "ontology"
    report = validate(kg, shapes=ontology / SHAPES_FILE)
    if not report.conforms and not allow_invalid:
        n = len(report.problems)
        raise InvalidData(
            f"the graph has {n} validation problem{'s' * (n != 1)}; nothing was written",
            hint="run `tkg validate` to see them, or pass --allow-invalid",
        )
    files = publication(kg, ontology, report, sparql_endpoint)
    staging = staging_folder(out)
    try:
        for name, data in files.items():
            write_atomic(staging / name, data)
        check_replaceable(out, "dist", looks_ours=published_before)  # it may have changed
        swap_folder(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out, tuple(out / n for n in sorted(files)), report)


def publication(
    kg: KnowledgeGraph, ontology: Path, report: ValidationReport, sparql_endpoint: str | None = None
) -> dict[str, bytes]:
    """Every published file, by its path inside ``dist/``."""
    canonical = Canonical(kg)
    dists = {
        f"{DIST_NAME}{fmt.file_extension}": Distribution(
            f"{DIST_NAME}{fmt.file_extension}", fmt.media_type, serialize(kg, fmt, canonical)
        )
        for fmt in FORMATS.values()
    }
    files = {name: d.data for name, d in dists.items()}
    files.update(_jsonld_extras(canonical))
    files["ontology.ttl"] = (ontology / ONTOLOGY_FILE).read_bytes()
    files["shapes.ttl"] = (ontology / SHAPES_FILE).read_bytes()
    vocabulary = parse_file(ontology / ONTOLOGY_FILE)
    diagram = model_svg(vocabulary, canonical.merged)
    files["docs/model.svg"] = diagram.encode("utf-8")
    page = ontology_page(vocabulary, diagram=diagram, data=canonical.merged)
    files["docs/index.html"] = page.encode("utf-8")
    files["docs/shapes.html"] = shapes_page(parse_file(ontology / SHAPES_FILE)).encode("utf-8")
    files["validation-report.ttl"] = canonical_turtle(report.graph)
    description = describe(
        kg,
        files=dists | _supporting(files),
        conforms=report.conforms,
        problems=len(report.problems),
        sparql_endpoint=sparql_endpoint,
        data=canonical.merged,
    )
    files["void.ttl"] = canonical_turtle(description)
    files[MARKER] = marker_text("dist")  # tkg made this folder: it may replace it
    citation = project_root() / CITATION_FILE
    if citation.is_file():  # so that dist/ alone says how to cite it
        files[CITATION_FILE] = citation.read_bytes()
    files["SHA256SUMS"] = checksums(files)
    return files


SUPPORTING = {
    "ontology.ttl": ("text/turtle", "The ontology (OWL) the data uses; validate a dump with it."),
    "shapes.ttl": ("text/turtle", "The SHACL shapes the data conforms to."),
    "context.jsonld": ("application/ld+json", "The JSON-LD context of the JSON-LD dump."),
    "validation-report.ttl": ("text/turtle", "The SHACL validation report of this build."),
}
"""The files of dist/ besides the dumps that the description lists as distributions."""


def _supporting(files: dict[str, bytes]) -> dict[str, Distribution]:
    return {
        name: Distribution(name, media, files[name], about)
        for name, (media, about) in SUPPORTING.items()
    }


def _jsonld_extras(canonical: Canonical) -> dict[str, bytes]:
    context = canonical.context
    extras = {"context.jsonld": dumps(context)}
    views = framed_views(canonical.facts, context)
    extras.update({f"frames/{name}.jsonld": data for name, data in views.items()})
    return extras


def canonical_turtle(graph: Graph) -> bytes:
    """Turtle of any rdflib graph with canonical blank node labels, so it is byte-stable."""
    canonical = Graph()
    for prefix, namespace in [*graph.namespaces(), *PREFIXES.items()]:
        canonical.bind(prefix, namespace, override=True, replace=True)
    for triple in from_canonical(canonical_nquads(graph)).triples((None, None, None)):
        canonical.add(triple)
    return canonical.serialize(format="turtle", encoding="utf-8")


def checksums(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` format: one ``<hex>  <path>`` line per file, sorted by path."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ]
    return "".join(lines).encode("utf-8")


def published_before(folder: Path) -> bool:
    """Whether ``folder`` is a dist/ from before folders were marked: every file in it is
    listed in its SHA256SUMS (so replacing it loses nothing tkg did not write)."""
    sums = folder / "SHA256SUMS"
    try:
        listed = {line.split("  ", 1)[1] for line in sums.read_text().splitlines() if "  " in line}
    except (OSError, UnicodeDecodeError):
        return False
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}
    return found <= listed | {"SHA256SUMS"}
