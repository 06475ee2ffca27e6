"""Commands that link the graph to Wikidata and compare it with Wikidata."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..wikidata import WDQS
from .main import (
    COUNT,
    SECONDS,
    URL,
    F,
    check_base,
    count,
    emit,
    main,
    out_option,
    setting,
    source_options,
)

if TYPE_CHECKING:
    from ..graph.dataset import KnowledgeGraph
    from ..wikidata.client import WikidataClient


def client_options(func: F) -> F:
    """--endpoint, --contact, --timeout, --retries and the cache; passes ``client``."""

    @functools.wraps(func)
    def wrapper(
        *args: object,
        endpoint: str,
        contact: str | None,
        timeout: float,
        retries: int,
        cache_dir: Path | None,
        no_cache: bool,
        **kwargs: object,
    ) -> object:
        from ..wikidata.client import WikidataClient, default_cache_dir

        cache = None if no_cache else (cache_dir or default_cache_dir())
        client = WikidataClient(
            endpoint, contact=contact, timeout=timeout, retries=retries, cache_dir=cache
        )
        return func(*args, client=client, **kwargs)

    options = [
        click.option(
            "--endpoint",
            type=URL,
            default=WDQS,
            show_default=True,
            help="A Wikidata-shaped SPARQL endpoint.",
        ),
        click.option(
            "--contact",
            envvar="TKG_CONTACT",
            help="Your e-mail or URL for the User-Agent (or $TKG_CONTACT).",
        ),
        click.option(
            "--timeout", type=SECONDS, default=60.0, show_default=True, help="Seconds per request."
        ),
        click.option(
            "--retries",
            type=COUNT,
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
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


@main.group()
def link() -> None:
    """Link entities to Wikidata: reconcile, accept reviewed candidates, check curated links.

    Example: tkg link wikidata --contact you@example.org
    """


@link.command(name="wikidata")
@client_options
@setting(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("wikidata-candidates.sssom.tsv"),
    help="The SSSOM review file to write.",
)
@setting(
    "--limit",
    type=click.IntRange(min=1),
    default=5,
    help="Candidates per entity.",
)
@source_options
def link_wikidata(
    client: WikidataClient,
    out: Path,
    limit: int,
    data_dir: Path | None,
    ontology_dir: Path | None,
    base: str | None,
) -> None:
    """Find ranked Wikidata candidates for every linkable entity and write them for review.

    Names in every language we hold are matched against labels and aliases; the type (P31)
    and dates (birth/death, inception/dissolution) raise or lower each score. Nothing is
    written unless the whole run succeeds.

    Example: tkg link wikidata --contact you@example.org
    """
    from ..wikidata.candidates import find_candidates, write_review

    candidates = find_candidates(_graph(data_dir, ontology_dir, base), client, limit=limit)
    write_review(candidates, out)
    click.echo(
        f"wrote {len(candidates)} candidates for review to {out} ({client.requests} requests)"
    )


@link.command(name="accept")
@click.argument("ids", nargs=-1, required=True)
@setting(
    "--review",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=Path("wikidata-candidates.sssom.tsv"),
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
    from ..graph.sssom import curated_path
    from ..wikidata.curation import accept

    target = curated or curated_path()
    for m in accept(review, target, list(ids), replace=replace, reviewer=reviewer):
        click.echo(f"accepted {m.subject_id} skos:exactMatch {m.object_id} ({m.object_label})")


@link.command(name="check")
@client_options
@source_options
def link_check(
    client: WikidataClient,
    data_dir: Path | None,
    ontology_dir: Path | None,
    base: str | None,
) -> None:
    """Check every curated link: the item exists, is no redirect, and its type and label fit.

    Exits 1 when any link needs attention.

    Example: tkg link check --contact you@example.org
    """
    from ..graph.sssom import curated_path, read_mappings
    from ..wikidata.curation import check

    data = data_dir or curated_path().parent
    results = check(
        _graph(data_dir, ontology_dir, base),
        read_mappings(data / "wikidata-links.sssom.tsv"),
        client,
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
    client: WikidataClient,
    fmt: str,
    data_dir: Path | None,
    ontology_dir: Path | None,
    base: str | None,
) -> None:
    """For linked items, compare our facts with Wikidata: agree, missing, conflict, unlinked.

    Example: tkg wikidata diff --contact you@example.org
    """
    from ..wikidata.diff import diff

    results = diff(_graph(data_dir, ontology_dir, base), client)
    if fmt == "json":
        rows = [r.as_dict() for r in results]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for result in results:
        click.echo(str(result))


@wikidata.command(name="quickstatements")
@client_options
@click.option(
    "--create",
    is_flag=True,
    help="Also write CREATE blocks for people and organizations with no Wikidata item "
    "(refused for any that Wikidata seems to have already).",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --create, propose new items even where Wikidata has a strong candidate.",
)
@click.option(
    "--retrieved",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Retrieval date for S813 [default: today].",
)
@out_option("Write to this file (atomically).")
@source_options
def wikidata_quickstatements(
    client: WikidataClient,
    create: bool,
    force: bool,
    retrieved: dt.datetime | None,
    out: Path | None,
    data_dir: Path | None,
    ontology_dir: Path | None,
    base: str | None,
) -> None:
    """QuickStatements for the sourced facts Wikidata lacks, each with its reference.

    Example: tkg wikidata quickstatements --contact you@example.org --out edits.qs
    """
    from ..wikidata.quickstatements import edits

    day = (retrieved or dt.datetime.now()).date()
    text = edits(
        _graph(data_dir, ontology_dir, base),
        client,
        retrieved=day,
        create=create,
        force=force,
    )
    statements = sum(1 for line in text.splitlines() if line and not line.startswith("/*"))
    emit(text, out, count(statements, "statement"))
    if not text:
        more = "" if create else "; --create would propose items for entities with none"
        click.echo(f"no edits: Wikidata has every sourced fact of the linked items{more}", err=True)


def _graph(data_dir: Path | None, ontology_dir: Path | None, base: str | None) -> KnowledgeGraph:
    """The graph the Wikidata commands read: the files, relative IRIs against --base."""
    from ..graph.dataset import load

    return load(data_dir, ontology_dir, base=check_base(base))
