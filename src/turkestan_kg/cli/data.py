"""Commands for the graph itself: validate, build, export, and the generated docs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..formats import FORMATS, REPORT_FORMATS
from ..validation import ENGINES as VALIDATION_ENGINES

if TYPE_CHECKING:
    from ..dataset.api import Dataset

from .main import (
    RegistryChoice,
    check_base,
    emit,
    endpoint_options,
    engine_option,
    folder_option,
    main,
    out_option,
    pass_dataset,
    setting,
    source_options,
    url_option,
    wrote,
)


@main.command()
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SHACL shapes file [default: ontology/shapes.ttl].",
)
@setting(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    help="text: one line per problem; turtle: the SHACL report; json: for scripts.",
)
@engine_option(
    VALIDATION_ENGINES,
    "fast: the shapes compiled to SPARQL on Oxigraph (refuses, exit 2, what it cannot compile); "
    "pyshacl: the reference engine; auto: fast, else pyshacl, saying so.",
)
@pass_dataset(
    "Validate an on-disk Oxigraph store made by `tkg load --store` (fast engine).",
    endpoint_options(
        "Validate what this SPARQL 1.1 endpoint (its query URL) holds in its default graph: "
        "the checks run there, only their results come back.",
        timeout=300.0,
        timeout_help="Seconds per check on --endpoint.",
    ),
)
def validate(dataset: Dataset, shapes: Path | None, fmt: str, engine: str) -> None:
    """Check the graph against the SHACL shapes.

    Exits 0 when the graph conforms, 1 when it does not. Each problem names the data file,
    the entity (label and IRI), the property, the shape's message and the shape.

    Example: tkg validate --format json
    """
    with ExitStack() as bars:

        def progress(total: int) -> Callable[[int], None]:
            bar = bars.enter_context(
                click.progressbar(length=total, label="checking", file=sys.stderr)
            )
            return bar.update

        report = dataset.validate(shapes=shapes, engine=engine, progress=progress)
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else 1)


@main.command()
@source_options
@folder_option("dist", "Output folder; replaced whole, only once everything is written.")
@click.option(
    "--allow-invalid",
    is_flag=True,
    help="Write the output even if validation fails; the dataset description records it.",
)
@url_option(
    "--sparql-endpoint",
    help_text="The public SPARQL endpoint serving this data, for the dataset description.",
)
def build(
    data_dir: Path | None,
    ontology_dir: Path | None,
    out_dir: Path,
    allow_invalid: bool,
    sparql_endpoint: str | None,
    base: str | None,
) -> None:
    """Load, validate and write the graph to dist/ in every RDF format.

    Writes Turtle, JSON-LD (with context.jsonld and framed views in frames/), N-Triples,
    N-Quads, TriG and RDF/XML, the ontology and shapes with HTML docs in docs/, a VoID/DCAT
    description (void.ttl), the validation report and SHA256SUMS. Two builds of the same
    sources are byte-identical. Refuses to write data that does not validate, unless
    --allow-invalid.

    Example: tkg build --out dist
    """
    from ..publish.dist import build as build_dist

    result = build_dist(
        out_dir,
        data_dir=data_dir,
        ontology_dir=ontology_dir,
        allow_invalid=allow_invalid,
        sparql_endpoint=sparql_endpoint,
        base=check_base(base),
    )
    for path in result.files:
        click.echo(f"wrote {path}")
    if not result.report.conforms:
        click.echo(f"warning: {len(result.report.problems)} validation problems", err=True)


@main.command()
@setting(
    "--format",
    "fmt",
    type=RegistryChoice(FORMATS),
    default="turtle",
    help="RDF format; nquads and trig keep the named graphs.",
)
@out_option()
@pass_dataset(
    "Export an on-disk store made by `tkg load --store` (ntriples: its default graph; "
    "nquads: every graph).",
    endpoint_options("Export the default graph of this SPARQL 1.1 endpoint (its query URL)."),
)
def export(dataset: Dataset, fmt: str, out: Path | None) -> None:
    """Write the graph in one RDF format.

    From the project's files the output is canonical and byte-stable; from a --store it is
    streamed as the store holds it (for graphs too big to canonicalize in memory); from an
    --endpoint it is its default graph, in a one-graph format.

    Example: tkg export --format jsonld --out party.jsonld
    """
    if out is None:
        emit(dataset.export(fmt), None)
        return
    written = 0

    def progress(n: int) -> None:
        nonlocal written
        written += n
        click.echo(f"\rexporting: {written / 1e6:,.1f} MB written", nl=False, err=True)

    dataset.export(fmt, out, progress=progress)
    if written:
        click.echo(err=True)
    wrote(out, fmt)


@main.command()
@folder_option("docs/reference", "Folder to write the reference pages to.")
def docs(out_dir: Path) -> None:
    """Regenerate the reference pages (CLI, Python API, shapes, stored queries) from the code.

    Example: tkg docs --out docs/reference
    """
    import turkestan_kg

    from ..publish.reference import write_reference

    api = {name: getattr(turkestan_kg, name) for name in turkestan_kg.__all__}
    for path in write_reference(out_dir, main, api):
        click.echo(f"wrote {path}")
