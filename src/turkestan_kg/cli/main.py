"""The ``tkg`` group, shared options, and the commands for the graph itself:
validate, build, export, docs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import __version__
from ..build import build as build_dist
from ..docs import write_reference
from ..errors import TkgError
from ..export import FORMATS, serialize, write_atomic
from ..load import load
from ..validate import REPORT_FORMATS
from ..validate import validate as validate_graph

F = TypeVar("F", bound=Callable[..., Any])


def source_options(func: F) -> F:
    """--data and --ontology, shared by every command that reads the graph."""
    func = click.option(
        "--ontology",
        "ontology_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder with turkestan-kg.ttl and shapes.ttl [default: ./ontology].",
    )(func)
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of data .ttl files [default: ./data].",
    )(func)


def store_option(help_text: str) -> Callable[[F], F]:
    """--store DIR (an on-disk Oxigraph store made by `tkg load --store`), as ``store_dir``."""
    return click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


class TkgGroup(click.Group):
    """Turns every TkgError into one clear line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TkgError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(1)


@click.group(cls=TkgGroup)
@click.version_option(__version__, prog_name="tkg")
def main() -> None:
    """turkestan-kg: the Communist Party of Turkestan (1918-1924) as a knowledge graph."""


@main.command()
@source_options
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SHACL shapes file [default: ontology/shapes.ttl].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text: one line per problem; turtle: the SHACL report; json: for scripts.",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: the shapes compiled to SPARQL on Oxigraph; pyshacl: the reference engine.",
)
@store_option("Validate an on-disk Oxigraph store made by `tkg load --store` (fast engine).")
def validate(
    data_dir: Path | None,
    ontology_dir: Path | None,
    shapes: Path | None,
    fmt: str,
    engine: str,
    store_dir: Path | None,
) -> None:
    """Check the graph against the SHACL shapes.

    Exits 0 when the graph conforms, 1 when it does not. Each problem names the data file,
    the entity (label and IRI), the property, the shape's message and the shape.

    Example: tkg validate --format json
    """
    default_shapes = ontology_dir / "shapes.ttl" if ontology_dir else None
    if store_dir is not None:
        from ..store import open_store
        from ..validate import validate_store

        report = validate_store(
            open_store(store_dir), shapes=shapes or default_shapes, name=str(store_dir)
        )
    else:
        kg = load(data_dir, ontology_dir)
        report = validate_graph(kg, shapes=shapes or default_shapes, engine=engine)
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else 1)


@main.command()
@source_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Output folder; replaced whole, only once everything is written.",
)
@click.option(
    "--allow-invalid",
    is_flag=True,
    help="Write the output even if validation fails; the dataset description records it.",
)
@click.option(
    "--sparql-endpoint",
    metavar="URL",
    help="The public SPARQL endpoint serving this data, for the dataset description.",
)
def build(
    data_dir: Path | None,
    ontology_dir: Path | None,
    out_dir: Path,
    allow_invalid: bool,
    sparql_endpoint: str | None,
) -> None:
    """Load, validate and write the graph to dist/ in every RDF format.

    Writes Turtle, JSON-LD (with context.jsonld and framed views in frames/), N-Triples,
    N-Quads, TriG and RDF/XML, the ontology and shapes with HTML docs in docs/, a VoID/DCAT
    description (void.ttl), the validation report and SHA256SUMS. Two builds of the same
    sources are byte-identical. Refuses to write data that does not validate, unless
    --allow-invalid.

    Example: tkg build --out dist
    """
    result = build_dist(
        out_dir,
        data_dir=data_dir,
        ontology_dir=ontology_dir,
        allow_invalid=allow_invalid,
        sparql_endpoint=sparql_endpoint,
    )
    for path in result.files:
        click.echo(f"wrote {path}")
    if not result.report.conforms:
        click.echo(f"warning: {len(result.report.problems)} validation problems", err=True)


@main.command()
@source_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="turtle",
    show_default=True,
    help="RDF format; nquads and trig keep the named graphs.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
@store_option(
    "Export an on-disk store made by `tkg load --store` (ntriples: its default graph; nquads: every graph)."
)
def export(
    data_dir: Path | None,
    ontology_dir: Path | None,
    fmt: str,
    out: Path | None,
    store_dir: Path | None,
) -> None:
    """Write the graph in one RDF format.

    From the project's files the output is canonical and byte-stable; from a --store it is
    streamed as the store holds it (for graphs too big to canonicalize in memory).

    Example: tkg export --format jsonld --out party.jsonld
    """
    if store_dir is not None:
        from ..store import dump_store

        if out is None:
            raise click.UsageError("--store needs --out (the export can be large)")
        dump_store(store_dir, FORMATS[fmt], out)
        return
    data = serialize(load(data_dir, ontology_dir), FORMATS[fmt])
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(out, data)


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/reference"),
    show_default=True,
    help="Folder to write the reference pages to.",
)
def docs(out_dir: Path) -> None:
    """Regenerate the reference pages (CLI, shapes, stored queries) from the code.

    Example: tkg docs --out docs/reference
    """
    for path in write_reference(out_dir):
        click.echo(f"wrote {path}")


@main.command()
@source_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--timeout", type=float, default=10.0, show_default=True, help="Seconds a SPARQL query may run."
)
@click.option(
    "--max-results",
    type=int,
    default=10_000,
    show_default=True,
    help="Rows or triples a SPARQL query may return.",
)
@store_option(
    "Serve an on-disk Oxigraph store made by `tkg load --store` (entity pages and /sparql)."
)
def serve(
    data_dir: Path | None,
    ontology_dir: Path | None,
    host: str,
    port: int,
    timeout: float,
    max_results: int,
    store_dir: Path | None,
) -> None:
    """Serve the graph as Linked Data: entity pages, /sparql, stored queries, charts.

    Every IRI https://w3id.org/turkestan-kg/PATH is answered at http://HOST:PORT/PATH in
    HTML, Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation. With --store, pages
    and /sparql read the on-disk store (a roll of millions of members included).

    Example: tkg serve --port 8000
    """
    from ..sandbox import Limits
    from ..serve import serve as run_server

    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(
        load(data_dir, ontology_dir),
        host=host,
        port=port,
        limits=Limits(timeout, max_results),
        store_dir=store_dir,
    )


@main.command()
@click.option(
    "--members",
    type=int,
    default=18945,
    show_default=True,
    help="Members before scaling (the 1922 total).",
)
@click.option(
    "--scale", type=int, default=1, show_default=True, help="Multiply the number of members."
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed; the same seed gives the same roll.",
)
@click.option(
    "--defects",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of members to break once for each kind of defect.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="N-Triples file to write (atomically).",
)
def synth(members: int, scale: int, seed: int, defects: float, out: Path) -> None:
    """Generate a synthetic membership roll (never part of the published data).

    The roll follows the 1922 ethnic distribution and the ontology and passes the shapes,
    except for the defects asked for, whose expected count per shape is printed.

    Example: tkg synth --members 18945 --seed 1 --out roll.nt
    """
    from ..synth import Generator, write_roll

    try:
        generator = Generator(members=members, scale=scale, seed=seed, defects=defects)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    with click.progressbar(length=generator.total, label="members", file=sys.stderr) as bar:
        triples = write_roll(out, generator, progress=bar.update)
    click.echo(f"wrote {generator.total} members, {triples} triples to {out}")
    for shape, count in sorted(generator.expected.items()):
        click.echo(f"expected {count} violations of tkgsh:{shape}")
