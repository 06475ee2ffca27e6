"""Copy a dataset somewhere else: into an on-disk Oxigraph store, or a SPARQL 1.1 Graph
Store (the whole dataset in one request, or one big N-Triples file streamed in chunks).
What the target is follows from what is given: a folder or a URL.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..paths import existing

if TYPE_CHECKING:
    from ..graph.dataset import KnowledgeGraph

Ticks = Callable[[int], None]
Graph = Callable[[], "KnowledgeGraph"]
"""The graph being loaded, asked for only when it is needed (a streamed file needs none)."""


@dataclass(frozen=True)
class LoadResult:
    """What :meth:`~.api.Dataset.load` put where: ``count`` statements (quads for a store).

    >>> str(LoadResult("store", 12, "quads"))
    'loaded 12 quads into store'
    """

    target: str
    count: int
    unit: str = "statements"
    note: str = ""

    def __str__(self) -> str:
        return f"loaded {self.count} {self.unit} into {self.target}{self.note}"


def load_into(
    ds: Graph,
    into: Path | str,
    files: list[Path],
    graph: str | None,
    update: str | None,
    timeout: float,
    progress: Ticks | None,
) -> LoadResult:
    """:meth:`~.api.Dataset.load`."""
    check(into, files, graph, update)
    tick = progress or (lambda n: None)
    if isinstance(into, Path):
        return _store(ds, into, files, tick)
    if files:
        assert graph is not None and update is not None
        return _stream(into, files[0], graph, update, timeout, tick)
    return _graph_store(ds, into, graph, timeout)


def target(into: Path | str) -> Path | str:
    """Where to load: a Graph Store's URL if ``into`` parses as an http(s) URL, else a folder.

    >>> target("store"), target("http://127.0.0.1:7878/store")
    (PosixPath('store'), 'http://127.0.0.1:7878/store')
    """
    if isinstance(into, Path) or urllib.parse.urlsplit(into).scheme not in ("http", "https"):
        return Path(into)
    return _url(into)


def _url(text: str) -> str:
    from ..remote.urls import http_url

    try:
        return http_url(text)
    except ValueError as err:
        raise UsageError(str(err)) from None


def check(into: Path | str, files: list[Path], graph: str | None, update: str | None) -> None:
    """A UsageError unless the arguments of :meth:`~.api.Dataset.load` go together.

    >>> check(Path("store"), [], "http://example.org/g", None)
    Traceback (most recent call last):
    turkestan_kg.errors.UsageError: a store holds every graph: a graph and an update URL go with a Graph Store URL
    """
    if isinstance(into, Path):
        if graph is not None or update is not None:
            raise UsageError(
                "a store holds every graph: a graph and an update URL go with a Graph Store URL"
            )
        return
    if files:
        _check_stream(files, graph, update)
    elif update is not None:
        raise UsageError("an update URL goes with a file streamed into a Graph Store")
    if graph not in (None, "default") and not urllib.parse.urlsplit(str(graph)).scheme:
        raise UsageError(f"{graph!r} is not an absolute IRI", hint="give the graph's full IRI")


def _check_stream(files: list[Path], graph: str | None, update: str | None) -> None:
    if len(files) != 1 or graph in (None, "default") or update is None:
        raise UsageError(
            "a file is streamed into one named graph of a Graph Store: give one file, "
            "a graph IRI and the store's SPARQL Update URL"
        )
    _url(update)


def size_of(ds: Graph, into: Path | str, files: list[Path]) -> int:
    """How many bytes :meth:`~.api.Dataset.load` will report to its ``progress`` (for a progress
    bar): what a store reads, or the file streamed; 0 for one request to a Graph Store."""
    given = [existing(path) for path in files]
    if isinstance(into, Path):
        from ..graph.store import payload_size

        return payload_size(ds(), given)
    return sum(path.stat().st_size for path in given)


def _store(ds: Graph, folder: Path, files: list[Path], tick: Ticks) -> LoadResult:
    from ..graph.store import check_target, load_store

    check_target(folder)
    store = load_store(folder, ds(), extra=files, progress=tick)
    return LoadResult(str(folder), len(store), "quads")


def _graph_store(ds: Graph, url: str, graph: str | None, timeout: float) -> LoadResult:
    from ..remote.graphstore import publish

    result = publish(ds(), url, graph=graph, timeout=timeout)
    return LoadResult(f"{result.url} (HTTP {result.status})", result.statements)


def _stream(
    url: str, file: Path, graph: str, update: str, timeout: float, tick: Ticks
) -> LoadResult:
    from ..remote.stream import stream_file

    result = stream_file(file, url, graph, update, timeout=timeout, progress=tick)
    return LoadResult(
        f"<{result.graph}>", result.triples, "triples", f" in {result.chunks} requests"
    )
