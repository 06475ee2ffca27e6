"""Commands for stored and ad-hoc queries, and for publishing to a SPARQL store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..engine import ENGINES, query_form
from ..export import FORMATS, write_atomic
from ..load import load
from ..namespaces import PREFIXES
from ..publish import publish
from ..query import StoredQuery, execute, get_query, stored_queries
from ..results import SELECT_FORMATS, QueryResult, render
from .main import main, source_options, store_option


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
@store_option("Run on an on-disk Oxigraph store made by `tkg load --store`.")
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
    store_dir: Path | None,
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
    if store_dir is not None:
        from ..engine import OxigraphEngine
        from ..store import open_store

        stored = OxigraphEngine(store=open_store(store_dir))
        bindings = {} if isinstance(target, str) else target.bindings(_parse_params(params))
        result = stored.run(text, bindings)
    else:
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
    metavar="URL",
    help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store.",
)
@store_option("Or an on-disk Oxigraph store (created if missing), for graphs too big for memory.")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="With --store: also load this N-Triples/N-Quads file (e.g. a synthetic roll).",
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
    endpoint: str | None,
    store_dir: Path | None,
    files: tuple[Path, ...],
    graph: str | None,
    timeout: float,
    data_dir: Path | None,
    ontology_dir: Path | None,
) -> None:
    """Publish the graph to a SPARQL store, replacing what it held, in one request.

    Without --graph the whole dataset is replaced: every named graph, with their merge as
    the default graph. A store that refuses the data keeps what it had.

    With --store, the graph (and any --file) goes into an on-disk Oxigraph store instead,
    with a progress bar; `tkg query --store` and `tkg validate --store` then use it.

    Example: tkg load --endpoint http://localhost:7878/store
    """
    if (endpoint is None) == (store_dir is None):
        raise click.UsageError("give exactly one of --endpoint or --store")
    kg = load(data_dir, ontology_dir)
    if store_dir is not None:
        from ..store import load_store, payload_size

        with click.progressbar(
            length=payload_size(kg, files), label="loading", file=sys.stderr
        ) as bar:
            store = load_store(store_dir, kg, extra=files, progress=bar.update)
        click.echo(f"loaded {len(store)} quads into {store_dir}")
        return
    assert endpoint is not None
    result = publish(kg, endpoint, graph=graph, timeout=timeout)
    click.echo(f"loaded {result.statements} statements into {result.url} (HTTP {result.status})")
