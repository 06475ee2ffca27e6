"""An on-disk Oxigraph store for graphs too big for memory (a 100x membership roll).

``load_store(directory, kg, extra=[roll.nt])`` writes the project's graphs (and their merge
as the default graph) plus any N-Triples/N-Quads files into a RocksDB-backed store in
chunks, reporting progress; ``open_store`` reopens it for ``tkg query --store`` and
``tkg validate --store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .errors import BuildError, SourceNotFound
from .export import RdfFormat, store_payload
from .load import KnowledgeGraph, display_path, graph_name

CHUNK = 8 * 1024 * 1024


def open_store(directory: Path) -> ox.Store:
    """An existing on-disk store, opened read-only (readers do not lock it)."""
    if not directory.is_dir():
        raise SourceNotFound(
            f"no store at {display_path(directory)}", hint="create it with `tkg load --store DIR`"
        )
    return ox.Store.read_only(str(directory))


def chunks(data: bytes, size: int = CHUNK) -> Iterator[bytes]:
    """Line-aligned pieces of N-Triples or N-Quads text."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(len(data) - 1, start + size)) + 1 or len(data)
        yield data[start:end]
        start = end


def load_store(
    directory: Path,
    kg: KnowledgeGraph,
    *,
    extra: Iterable[Path] = (),
    progress: Callable[[int], None] = lambda n: None,
) -> ox.Store:
    """Create (or add to) the store at ``directory``; ``progress`` gets bytes loaded."""
    directory.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(directory))
    _bulk(store, store_payload(kg), ox.RdfFormat.N_QUADS, None, progress)
    for path in extra:
        data = path.read_bytes()
        is_quads = path.suffix == ".nq"
        fmt = ox.RdfFormat.N_QUADS if is_quads else ox.RdfFormat.N_TRIPLES
        _bulk(store, data, fmt, None if is_quads else ox.NamedNode(str(graph_name(path))), progress)
        if not is_quads:
            _bulk(store, data, fmt, ox.DefaultGraph(), lambda n: None)
    store.flush()
    return store


def _bulk(
    store: ox.Store,
    data: bytes,
    fmt: ox.RdfFormat,
    graph: ox.NamedNode | ox.DefaultGraph | None,
    progress: Callable[[int], None],
) -> None:
    for piece in chunks(data):
        if graph is None:
            store.bulk_load(piece, format=fmt)
        else:
            store.bulk_load(piece, format=fmt, to_graph=graph)
        progress(len(piece))


def payload_size(kg: KnowledgeGraph, extra: Iterable[Path]) -> int:
    """How many bytes ``load_store`` will report, for a progress bar."""
    return len(store_payload(kg)) + sum(p.stat().st_size for p in extra)


def dump_store(directory: Path, fmt: RdfFormat, out: Path) -> None:
    """Stream a store to ``out`` (via a temporary file): N-Triples gives the default graph
    (the merge), N-Quads every graph. Other formats are refused: they would need the whole
    graph in memory."""
    store = open_store(directory)
    formats = {"ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS}
    if fmt.name not in formats:
        raise BuildError(
            f"a store exports as ntriples or nquads, not {fmt.name}", hint="use --format ntriples"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        if fmt.name == "ntriples":
            store.dump(str(tmp), format=formats[fmt.name], from_graph=ox.DefaultGraph())
        else:
            store.dump(str(tmp), format=formats[fmt.name])
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
