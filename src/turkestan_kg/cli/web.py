"""The command that serves the graph as Linked Data."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .main import SECONDS, check_base, main, setting, source_options, store_option, url_option


@main.command()
@source_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@setting(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    help="Port to listen on.",
)
@setting(
    "--timeout",
    type=SECONDS,
    default=10.0,
    help="Seconds a SPARQL query may run.",
)
@setting(
    "--max-results",
    type=click.IntRange(min=1),
    default=10_000,
    help="Rows or triples a SPARQL query may return.",
)
@setting(
    "--max-memory",
    type=click.IntRange(min=64),
    default=2048,
    help="Megabytes of data each SPARQL worker may hold; a query needing more gets a 503.",
)
@setting(
    "--max-answer",
    type=click.IntRange(min=1),
    default=16,
    help="Megabytes a SPARQL answer may be; a larger one gets a 413 that says so.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="SPARQL worker processes (each holds the graph).  [default: one per core, at least 2]",
)
@setting(
    "--queue",
    type=click.IntRange(min=0),
    default=16,
    help="Queries that may wait for a free slot; past it, 503 with Retry-After at once.",
)
@setting(
    "--slots",
    type=click.IntRange(min=1, max=256),
    default=32,
    help="Queries each worker runs at once (a cheap one is not held up by long ones).",
)
@store_option(
    "Serve an on-disk Oxigraph store made by `tkg load --store` (entity pages and /sparql)."
)
@url_option(
    "--endpoint",
    help_text="Serve what this SPARQL 1.1 endpoint (its query URL) holds: pages and /sparql read it.",
)
@url_option(
    "--base-url",
    help_text="The server's public URL (behind a proxy: https://kg.example.org), under which "
    "answers name its services and resolve relative IRIs. Default: http://HOST:PORT; never "
    "the Host header a client sends.",
)
def serve(
    data_dir: Path | None,
    ontology_dir: Path | None,
    host: str,
    port: int,
    timeout: float,
    max_results: int,
    max_memory: int,
    max_answer: int,
    workers: int | None,
    queue: int,
    slots: int,
    store_dir: Path | None,
    endpoint: str | None,
    base_url: str | None,
    base: str | None,
) -> None:
    """Serve the graph as Linked Data: entity pages, /sparql, stored queries, charts.

    Every IRI https://w3id.org/turkestan-kg/PATH is answered at http://HOST:PORT/PATH in
    HTML, Turtle, JSON-LD, N-Triples or RDF/XML by content negotiation. With --store, pages
    and /sparql read the on-disk store (a roll of millions of members included); with
    --endpoint, any SPARQL 1.1 store (queries checked here, then sent on).

    Example: tkg serve --port 8000
    """
    from ..dataset.api import open as open_dataset
    from ..web.sandbox import Limits
    from ..web.server import GRACE_SECONDS, Interrupted
    from ..web.server import serve as run_server

    files = open_dataset(data_dir, ontology=ontology_dir, base=check_base(base))
    elsewhere = store_dir is not None or endpoint is not None
    served = (
        open_dataset(ontology=ontology_dir, store=store_dir, endpoint=endpoint, timeout=timeout)
        if elsewhere
        else files
    )
    try:
        run_server(
            served,
            files=files.graph,
            host=host,
            port=port,
            limits=Limits(
                timeout,
                max_results,
                memory=max_memory * 1024**2,
                max_bytes=max_answer * 1024**2,
                queue=queue,
                slots=slots,
            ),
            workers=workers,
            base_url=base_url,
            announce=lambda url: click.echo(f"serving on {url} (Ctrl-C to stop)"),
        )
    except Interrupted as stop:
        click.echo(
            f"stopped: requests under way were answered first, but {stop.stopped} SPARQL "
            f"quer{'y' if stop.stopped == 1 else 'ies'} still running after "
            f"{GRACE_SECONDS} s got 503",
            err=True,
        )
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("stopped: requests under way were answered first", err=True)
        sys.exit(130)
