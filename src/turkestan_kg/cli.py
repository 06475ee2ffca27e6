"""The ``tkg`` command: a thin layer over the library.

Exit codes: 0 ok, 1 a failed check or an error, 2 bad usage.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .build import build as build_dist
from .docs import write_reference
from .engine import ENGINES, query_form
from .errors import TkgError
from .export import FORMATS, serialize, write_atomic
from .link import accept, check, reconcile, write_review
from .load import load
from .namespaces import PREFIXES
from .publish import publish
from .query import StoredQuery, execute, get_query, stored_queries
from .quickstatements import quickstatements, unlinked_for_creation
from .results import SELECT_FORMATS, QueryResult, render
from .sssom import curated_path, read_mappings
from .validate import REPORT_FORMATS
from .validate import validate as validate_graph
from .wikidata import WDQS, WikidataClient, default_cache_dir
from .wikidiff import diff

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
def validate(
    data_dir: Path | None, ontology_dir: Path | None, shapes: Path | None, fmt: str
) -> None:
    """Check the graph against the SHACL shapes.

    Exits 0 when the graph conforms, 1 when it does not. Each problem names the data file,
    the entity (label and IRI), the property, the shape's message and the shape.

    Example: tkg validate --format json
    """
    kg = load(data_dir, ontology_dir)
    default_shapes = ontology_dir / "shapes.ttl" if ontology_dir else None
    report = validate_graph(kg, shapes=shapes or default_shapes)
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
def export(data_dir: Path | None, ontology_dir: Path | None, fmt: str, out: Path | None) -> None:
    """Write the graph in one RDF format.

    Example: tkg export --format jsonld --out party.jsonld
    """
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


@main.command(name="queries")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_queries(fmt: str) -> None:
    """List the stored queries: name, summary and parameters.

    Example: tkg queries
    """
    catalogue = stored_queries()
    if fmt == "json":
        click.echo(_catalogue_json(catalogue))
        return
    width = max(len(n) for n in catalogue)
    for name, q in catalogue.items():
        params = " ".join(f"{p.name}={p.default}" for p in q.params)
        click.echo(f"{name.ljust(width)}  {q.summary}" + (f"  [{params}]" if params else ""))


def _catalogue_json(catalogue: dict[str, StoredQuery]) -> str:
    return json.dumps(
        [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "params": [
                    {"name": p.name, "type": p.type, "default": p.default} for p in q.params
                ],
            }
            for q in catalogue.values()
        ],
        indent=2,
        ensure_ascii=False,
    )


QUERY_FORMATS = sorted(SELECT_FORMATS) + sorted(FORMATS)


@main.command()
@click.argument("name", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Run the SPARQL in this file.",
)
@click.option("-e", "--expression", help="Run this SPARQL text.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the stored query; repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    help="table|csv|tsv|json|xml|markdown for SELECT/ASK; an RDF format for CONSTRUCT/DESCRIBE. [default: table, or turtle]",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="oxigraph",
    show_default=True,
    help="Embedded SPARQL engine.",
)
@click.option(
    "--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint (its query URL) instead."
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for --endpoint."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically).",
)
@source_options
def query(
    name: str | None,
    query_file: Path | None,
    expression: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    engine: str,
    endpoint: str | None,
    timeout: float,
    out: Path | None,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """Run a stored query by NAME, or SPARQL from --file or -e.

    Parameters are typed by the query's header and bound as RDF terms.

    Example: tkg query leaders-in-year --param year=1921
    """
    target = _query_target(name, query_file, expression)
    text = target if isinstance(target, str) else target.text
    form = query_form(text)
    fmt = _check_format(fmt, form)
    kg = None if endpoint else load(data_dir, ontology_dir)
    result = execute(
        target, _parse_params(params), kg=kg, engine=engine, endpoint=endpoint, timeout=timeout
    )
    output = _render(result, fmt)
    if out is None:
        click.echo(output, nl=False)
    else:
        write_atomic(out, output.encode("utf-8"))


def _query_target(
    name: str | None, query_file: Path | None, expression: str | None
) -> StoredQuery | str:
    given = [x for x in (name, query_file, expression) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of NAME, --file or -e")
    if name is not None:
        return get_query(name)
    if query_file is not None:
        return query_file.read_text(encoding="utf-8")
    assert expression is not None
    return expression


def _check_format(fmt: str | None, form: str) -> str:
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if fmt is None:
        return "turtle" if graph_form else "table"
    if graph_form != (fmt in FORMATS):
        kind = "an RDF format" if graph_form else "table, csv, tsv, json, xml or markdown"
        raise click.UsageError(f"--format {fmt} does not fit a {form} query; use {kind}")
    return fmt


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {item!r}: write it as KEY=VALUE, e.g. year=1921")
        parsed[key] = value
    return parsed


def _render(result: QueryResult, fmt: str) -> str:
    if result.kind == "graph":
        assert result.graph is not None
        for prefix, namespace in PREFIXES.items():
            result.graph.bind(prefix, namespace, override=True)
        return result.graph.serialize(format=FORMATS[fmt].rdflib_name)
    return render(result, fmt)


@main.command(name="load")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store.",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Replace only this graph ('default' for the default graph) with the merged graph.",
)
@click.option(
    "--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the store."
)
@source_options
def load_command(
    endpoint: str,
    graph: str | None,
    timeout: float,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """Publish the graph to a SPARQL store, replacing what it held, in one request.

    Without --graph the whole dataset is replaced: every named graph, with their merge as
    the default graph. A store that refuses the data keeps what it had.

    Example: tkg load --endpoint http://localhost:7878/store
    """
    result = publish(load(data_dir, ontology_dir), endpoint, graph=graph, timeout=timeout)
    click.echo(f"loaded {result.statements} statements into {result.url} (HTTP {result.status})")


if __name__ == "__main__":
    main()


# ------------------------------------------------------------------ Wikidata


def client_options(func: F) -> F:
    """--endpoint, --contact, --timeout, --retries and the cache, for Wikidata commands."""
    options = [
        click.option(
            "--endpoint", default=WDQS, show_default=True, help="A Wikidata-shaped SPARQL endpoint."
        ),
        click.option(
            "--contact",
            envvar="TKG_CONTACT",
            help="Your e-mail or URL for the User-Agent (or $TKG_CONTACT).",
        ),
        click.option(
            "--timeout", type=float, default=60.0, show_default=True, help="Seconds per request."
        ),
        click.option(
            "--retries",
            type=int,
            default=4,
            show_default=True,
            help="Retries after 429/5xx or a cut-off answer.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Answer cache [default: ~/.cache/turkestan-kg/wikidata].",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Ask the endpoint even if the answer is cached."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(
    endpoint: str,
    contact: str | None,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
) -> WikidataClient:
    cache = None if no_cache else (cache_dir or default_cache_dir())
    return WikidataClient(
        endpoint, contact=contact, timeout=timeout, retries=retries, cache_dir=cache
    )


@main.group()
def link() -> None:
    """Link entities to Wikidata: reconcile, accept reviewed candidates, check curated links.

    Example: tkg link wikidata --contact you@example.org
    """


@link.command(name="wikidata")
@client_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("wikidata-candidates.sssom.tsv"),
    show_default=True,
    help="The SSSOM review file to write.",
)
@click.option("--limit", type=int, default=5, show_default=True, help="Candidates per entity.")
@source_options
def link_wikidata(
    endpoint: str,
    contact: str | None,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
    out: Path,
    limit: int,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """Find ranked Wikidata candidates for every linkable entity and write them for review.

    Names in every language we hold are matched against labels and aliases; the type (P31)
    and dates (birth/death, inception/dissolution) raise or lower each score. Nothing is
    written unless the whole run succeeds.

    Example: tkg link wikidata --contact you@example.org
    """
    client = _client(endpoint, contact, timeout, retries, cache_dir, no_cache)
    candidates = reconcile(load(data_dir, ontology_dir), client, limit=limit)
    write_review(candidates, out)
    click.echo(
        f"wrote {len(candidates)} candidates for review to {out} ({client.requests} requests)"
    )


@link.command(name="accept")
@click.argument("ids", nargs=-1, required=True)
@click.option(
    "--review",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=Path("wikidata-candidates.sssom.tsv"),
    show_default=True,
)
@click.option(
    "--replace", is_flag=True, help="Replace an existing curated link of the same entity."
)
@click.option("--reviewer", default="turkestan-kg curators", show_default=True)
@click.option(
    "--curated",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The curated mapping file [default: data/wikidata-links.sssom.tsv].",
)
def link_accept(
    ids: tuple[str, ...], review: Path, replace: bool, reviewer: str, curated: Path | None
) -> None:
    """Promote reviewed candidates (QID, or SUBJECT=QID) into data/wikidata-links.sssom.tsv.

    Example: tkg link accept Q12345 person:turar-risqulov=Q67890
    """
    target = curated or curated_path()
    for m in accept(review, target, list(ids), replace=replace, reviewer=reviewer):
        click.echo(f"accepted {m.subject_id} skos:exactMatch {m.object_id} ({m.object_label})")


@link.command(name="check")
@client_options
@source_options
def link_check(
    endpoint: str,
    contact: str | None,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """Check every curated link: the item exists, is no redirect, and its type and label fit.

    Exits 1 when any link needs attention.

    Example: tkg link check --contact you@example.org
    """
    client = _client(endpoint, contact, timeout, retries, cache_dir, no_cache)
    data = data_dir or curated_path().parent
    results = check(
        load(data_dir, ontology_dir), read_mappings(data / "wikidata-links.sssom.tsv"), client
    )
    for result in results:
        click.echo(str(result))
    sys.exit(0 if all(r.status == "ok" for r in results) else 1)


@main.group()
def wikidata() -> None:
    """Compare the graph with Wikidata and prepare edits.

    Example: tkg wikidata diff --contact you@example.org
    """


@wikidata.command(name="diff")
@client_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@source_options
def wikidata_diff(
    endpoint: str,
    contact: str | None,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
    fmt: str,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """For linked items, compare our facts with Wikidata: agree, missing, conflict, unlinked.

    Example: tkg wikidata diff --contact you@example.org
    """
    client = _client(endpoint, contact, timeout, retries, cache_dir, no_cache)
    results = diff(load(data_dir, ontology_dir), client)
    if fmt == "json":
        rows = [
            {
                "status": r.status,
                "entity": r.fact.subject.curie,
                "property": r.fact.pid,
                "ours": str(r.fact.value),
                "qualifiers": {p: str(v) for p, v in r.fact.qualifiers},
                "wikidata": r.wikidata,
                "note": r.note,
            }
            for r in results
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for result in results:
        click.echo(str(result))


@wikidata.command(name="quickstatements")
@client_options
@click.option(
    "--create",
    is_flag=True,
    help="Also write CREATE blocks for people and organizations with no Wikidata item.",
)
@click.option(
    "--retrieved",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Retrieval date for S813 [default: today].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically).",
)
@source_options
def wikidata_quickstatements(
    endpoint: str,
    contact: str | None,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    no_cache: bool,
    create: bool,
    retrieved: dt.datetime | None,
    out: Path | None,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """QuickStatements for the sourced facts Wikidata lacks, each with its reference.

    Example: tkg wikidata quickstatements --contact you@example.org --out edits.qs
    """
    client = _client(endpoint, contact, timeout, retries, cache_dir, no_cache)
    kg = load(data_dir, ontology_dir)
    day = (retrieved or dt.datetime.now()).date()
    blocks = unlinked_for_creation(kg) if create else []
    text = quickstatements(diff(kg, client), retrieved=day, create=blocks)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text.encode("utf-8"))
