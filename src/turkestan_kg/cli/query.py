"""Commands for stored and ad-hoc queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import QuerySyntaxError, UsageError
from ..formats import FORMATS, RESULTS_FORMATS
from ..paths import display_path
from ..sparql import ENGINES
from .main import (
    RegistryChoice,
    count,
    emit,
    endpoint_options,
    engine_option,
    main,
    out_option,
    pass_dataset,
)

if TYPE_CHECKING:
    from ..dataset.api import Dataset
    from ..sparql.catalogue import StoredQuery
    from ..sparql.results import QueryResult


@main.command(name="queries")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_queries(fmt: str) -> None:
    """List the stored queries: name, summary and parameters.

    Example: tkg queries
    """
    from ..errors import SourceNotFound
    from ..sparql.catalogue import queries_dir, stored_queries

    catalogue = stored_queries()
    if not catalogue:
        raise SourceNotFound(
            f"no stored queries in {display_path(queries_dir())}",
            hint="put .rq files there, or unset TKG_HOME to use the project's own",
        )
    if fmt == "json":
        click.echo(_catalogue_json(catalogue))
        return
    width = max(len(n) for n in catalogue)
    for name, q in catalogue.items():
        params = " ".join(
            p.name if p.default is None else f"{p.name}={p.default}" for p in q.params
        )
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
    "--allow-service",
    is_flag=True,
    help="Let a SERVICE pattern fetch from the server it names (the local engines refuse "
    "one otherwise; an --endpoint decides for itself). Such a query runs in a process of "
    "its own, within 60 s and 1,024 MB.",
)
@click.option(
    "--format",
    "fmt",
    type=RegistryChoice(RESULTS_FORMATS, FORMATS),
    help=f"For SELECT and ASK: {', '.join(RESULTS_FORMATS)}; for CONSTRUCT and DESCRIBE: "
    f"{', '.join(FORMATS)}. [default: table, or turtle]",
)
@engine_option(ENGINES, "Embedded SPARQL engine.")
@click.option(
    "--page",
    type=click.IntRange(min=1),
    help="Only this page of a stored SELECT query's rows (from 1). A query whose answer "
    "grows with the data gives its pages at once, in the store's order.",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    help="Rows per page. [default: the query's, else 100]",
)
@out_option("Write to this file (atomically).")
@pass_dataset(
    "Run on an on-disk Oxigraph store made by `tkg load --store`.",
    endpoint_options("Run on this SPARQL 1.1 endpoint (its query URL) instead."),
    query_engine=True,
)
def query(
    dataset: Dataset,
    name: str | None,
    query_file: Path | None,
    expression: str | None,
    params: tuple[str, ...],
    allow_service: bool,
    fmt: str | None,
    engine: str,
    page: int | None,
    page_size: int | None,
    out: Path | None,
) -> None:
    """Run a stored query by NAME, or SPARQL from --file or -e.

    Parameters are typed by the query's header and bound as RDF terms.

    Example: tkg query leaders-in-year --param year=1921

    Example: tkg query unlinked-entities --store roll-store --page 2
    """
    dataset.allow_service = allow_service
    target = _query_target(name, query_file, expression)
    if page is not None or page_size is not None:
        if isinstance(target, str):
            raise click.UsageError("--page goes with a stored query's NAME")
        target = target.page(page or 1, page_size)
    try:
        fmt, result = _answer(dataset, target, fmt, _parse_params(params))
    except QuerySyntaxError as err:
        if expression is None:  # a file that is not SPARQL: a bad file (1), named
            if query_file is not None and err.file is None:
                err.file = display_path(query_file)
            raise
        raise UsageError(f"-e is not SPARQL: {err}") from None  # a malformed argument (2)
    emit(_render(result, fmt), out, _size(result))
    _say_why_empty(result, page)


def _answer(
    dataset: Dataset, target: StoredQuery | str, fmt: str | None, params: dict[str, str]
) -> tuple[str, QueryResult]:
    """The format to write the answer in (checked against the query's form), and the answer."""
    from ..sparql.text import query_form

    fmt = _check_format(fmt, query_form(target if isinstance(target, str) else target.text))
    return fmt, dataset.query(target, expect="result", **params)


def _say_why_empty(result: QueryResult, page: int | None) -> None:
    """A line on stderr for an empty answer whose reason is known."""
    if result.kind == "graph" and not result.graph:
        click.echo("the query's graph is empty: nothing in the data matches it", err=True)
    elif page is not None and page > 1 and result.kind == "select" and not result.rows:
        click.echo(f"page {page} is empty: the answer ends on an earlier page", err=True)


def _size(result: QueryResult) -> str:
    if result.kind == "graph":
        return count(len(result.graph or ()), "triple")
    if result.kind == "ask":
        return f"the answer is {str(result.boolean).lower()}"
    return count(len(result.rows), "row")


def _query_target(
    name: str | None, query_file: Path | None, expression: str | None
) -> StoredQuery | str:
    given = [x for x in (name, query_file, expression) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of NAME, --file or -e")
    if name is not None:
        from ..sparql.catalogue import get_query

        return get_query(name)
    if query_file is not None:
        from ..paths import read_text
        from ..sparql.catalogue import StoredQuery

        text = read_text(query_file)
        has_header = any(line.startswith("#+") for line in text.splitlines())
        return StoredQuery.from_file(query_file) if has_header else text
    assert expression is not None
    return expression


def _check_format(fmt: str | None, form: str) -> str:
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if fmt is None:
        return "turtle" if graph_form else "table"
    if graph_form != (fmt in FORMATS):
        kind = ", ".join(FORMATS if graph_form else RESULTS_FORMATS)
        kind = f"one of {kind}"
        raise click.UsageError(f"--format {fmt} does not fit a {form} query; use {kind}")
    return fmt


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {item!r}: write it as KEY=VALUE, e.g. year=1921")
        if key in parsed:
            raise click.UsageError(f"--param {key} is given twice; give each parameter once")
        parsed[key] = value
    return parsed


def _render(result: QueryResult, fmt: str) -> str | bytes:
    """Rows by the results format's writer, a graph by the RDF format's (as the server's)."""
    from ..sparql.results import render

    if result.kind != "graph":
        return render(result, fmt)
    from ..namespaces import bind_prefixes
    from ..publish.jsonld import build_context
    from ..web.views import serialize_graph

    assert result.graph is not None
    graph = bind_prefixes(result.graph)
    return serialize_graph(graph, FORMATS[fmt].media_type, build_context(graph))
