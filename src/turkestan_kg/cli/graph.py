"""Commands that make graphs: load the graph into a store, and generate a synthetic roll."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from .main import SECONDS, check_base, main, setting, source_options, store_option, url_option


@main.command(name="load")
@url_option(
    "--graph-store",
    "graph_store",
    help_text="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store.",
)
@store_option("Or an on-disk Oxigraph store (created if missing), for graphs too big for memory.")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="With --store: also load this N-Triples/N-Quads file (e.g. a synthetic roll). "
    "With --graph-store: stream this N-Triples file into --graph instead of the project's graph.",
)
@url_option(
    "--update",
    "update_url",
    help_text="With --graph-store and --file: the store's SPARQL Update URL (Oxigraph: /update, "
    "Virtuoso: /sparql), which swaps the streamed file in at the end.",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Replace only this graph ('default' for the default graph) with the merged graph.",
)
@setting(
    "--timeout",
    type=SECONDS,
    default=60.0,
    help="Seconds to wait for the store.",
)
@source_options
def load_command(
    graph_store: str | None,
    store_dir: Path | None,
    files: tuple[Path, ...],
    update_url: str | None,
    graph: str | None,
    timeout: float,
    data_dir: Path | None,
    ontology_dir: Path | None,
    base: str | None,
) -> None:
    """Publish the graph to a SPARQL store, replacing what it held, in one request.

    Without --graph the whole dataset is replaced: every named graph, with their merge as
    the default graph. A store that refuses the data keeps what it had.

    With --store, the graph (and any --file) goes into an on-disk Oxigraph store instead,
    with a progress bar; `tkg query --store` and `tkg validate --store` then use it.

    With --graph-store and --file, the file (N-Triples, any size) is streamed in chunks into
    --graph, with a progress bar, and swapped in at the end by one SPARQL Update: the graph is
    the whole file or what it was before, never half of it.

    Example: tkg load --graph-store http://localhost:7878/store
    """
    from ..dataset.api import open as open_dataset
    from ..dataset.load import check, size_of

    if (graph_store is None) == (store_dir is None):
        raise click.UsageError("give exactly one of --graph-store or --store")
    into: Path | str = store_dir if store_dir is not None else str(graph_store)
    check(into, list(files), graph, update_url)
    dataset = open_dataset(data_dir, ontology=ontology_dir, base=check_base(base))
    label = "loading" if store_dir is not None else "streaming"
    size = size_of(lambda: dataset.graph, into, list(files))
    bar = click.progressbar(length=size, label=label, file=sys.stderr)
    try:
        with bar if size else contextlib.nullcontext(bar):
            result = dataset.load(
                into,
                files=files,
                graph=graph,
                update=update_url,
                timeout=timeout,
                progress=bar.update if size else None,
            )
    except KeyboardInterrupt:
        click.echo(f"\nstopped: {into} is as it was before this load", err=True)
        sys.exit(130)
    click.echo(str(result))


@main.command()
@setting(
    "--members",
    type=click.IntRange(min=1),
    default=18945,
    help="Members before scaling (the 1922 total).",
)
@setting(
    "--scale",
    type=click.IntRange(min=1),
    default=1,
    help="Multiply the number of members.",
)
@setting(
    "--seed",
    type=int,
    default=1,
    help="Random seed; the same seed gives the same roll.",
)
@setting(
    "--defects",
    type=float,
    default=0.0,
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
    from ..synth.roll import Generator, write_roll

    try:
        generator = Generator(members=members, scale=scale, seed=seed, defects=defects)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    with click.progressbar(length=generator.total, label="members", file=sys.stderr) as bar:
        triples = write_roll(out, generator, progress=bar.update)
    click.echo(f"wrote {generator.total} members, {triples} triples to {out}")
    for shape, count in sorted(generator.expected.items()):
        click.echo(f"expected {count} violations of tkgsh:{shape}")
