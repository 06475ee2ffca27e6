"""An on-disk Oxigraph store for graphs too big for memory (a 100x membership roll).

``load_store(directory, kg, extra=[roll.nt])`` writes the project's graphs (and their merge
as the default graph) plus any N-Triples/N-Quads files into a RocksDB-backed store through
Oxigraph's bulk loader, one call per file; ``open_store`` reopens it read-only for
``tkg query``, ``validate``, ``export`` and ``serve`` with ``--store``.

Each triple is stored once in the default graph, which queries read: the RDF merge, so a
triple two files state is there, and counted, once. The project's own files are also kept
as named graphs (a few hundred triples each) for the queries that ask which file states a
fact; a loaded N-Triples file is not, because a second copy of a roll doubles the store,
and a default graph made of several graphs (Oxigraph's union, or a list of graphs) made
every lookup, so every check and query, 1.7 times slower (decision 0016).
"""

from __future__ import annotations

import io
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import ParseError, SourceNotFound, UsageError
from ..formats import RdfFormat
from ..paths import (
    MARKER,
    atomic_path,
    check_replaceable,
    claim,
    display_path,
    existing,
    staging_folder,
    swap_folder,
)
from .dataset import KnowledgeGraph, store_payload

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

READ_SIZE = 1 << 20
"""Bytes read from a file at a time (and progress told once per read)."""


def open_store(directory: Path) -> ox.Store:
    """An existing on-disk store, opened read-only (readers do not lock it)."""
    hint = "create it with `tkg load --store DIR`"
    if not directory.is_dir():
        raise SourceNotFound(f"no store at {display_path(directory)}", hint=hint)
    if not (directory / "CURRENT").is_file():
        raise SourceNotFound(f"{display_path(directory)} is not a store", hint=hint)
    try:
        return ox.Store.read_only(str(directory))
    except OSError as err:
        raise SourceNotFound(
            f"cannot open the store at {display_path(directory)}: {err}", hint=hint
        ) from None


def load_store(
    directory: Path,
    kg: KnowledgeGraph,
    *,
    extra: Iterable[Path] = (),
    progress: Callable[[int], None] = lambda n: None,
) -> ox.Store:
    """Build the store at ``directory`` and return it, replacing any store there only
    once every file has loaded (a file that does not parse leaves the old store as it was).

    The store holds each of the project's graphs and their merge as the default graph; an
    N-Triples file in ``extra`` goes into the default graph only, an N-Quads file as it is.
    Each file is one call of Oxigraph's bulk loader, so a blank node stays one node however
    big the file is; ``progress`` gets bytes read.
    """
    directory = directory.absolute()
    check_target(directory)
    files = [existing(path) for path in extra]
    partial = staging_folder(directory)
    try:
        store = ox.Store(str(partial))
        payload = store_payload(kg)
        _bulk_load(store, io.BytesIO(payload), ox.RdfFormat.N_QUADS, "dataset", progress)
        for path in files:
            _load_file(store, path, progress)
        store.flush()
        store.optimize()  # compacted once here, every later lookup is about 3 times faster
        del store
        claim(partial, "store")
        check_target(directory)  # it may have changed while loading
        swap_folder(partial, directory)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return ox.Store(str(directory))


def _load_file(store: ox.Store, path: Path, progress: Callable[[int], None]) -> None:
    if path.suffix not in (".nq", ".nt"):
        raise ParseError(
            "a store loads N-Triples (.nt) or N-Quads (.nq) files",
            file=display_path(path),
            hint="convert it with `tkg export --format ntriples`",
        )
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.N_TRIPLES
    with path.open("rb", buffering=0) as f:
        _bulk_load(store, f, fmt, display_path(path), progress)


class _Counted(io.RawIOBase):
    """A binary stream that tells ``progress`` of the bytes read through it, and ends the
    read (so the load) with an error once ``stop`` is set."""

    def __init__(
        self,
        raw: io.RawIOBase | io.BytesIO,
        progress: Callable[[int], None],
        stop: threading.Event,
    ) -> None:
        self.raw, self.progress, self.stop = raw, progress, stop

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self.stop.is_set():
            raise InterruptedError("the load was interrupted")
        n = self.raw.readinto(buffer) or 0
        self.progress(n)
        return n


def _bulk_load(
    store: ox.Store,
    source: io.RawIOBase | io.BytesIO,
    fmt: ox.RdfFormat,
    name: str,
    progress: Callable[[int], None],
) -> None:
    """One call of Oxigraph's bulk loader: quads as they are, triples into the default graph.
    It runs in a thread, so that Ctrl-C (which Python only sees between its own steps)
    stops it at its next read and reaches the caller as KeyboardInterrupt."""
    stop = threading.Event()
    counted = io.BufferedReader(_Counted(source, progress, stop), buffer_size=READ_SIZE)
    try:
        _in_thread(lambda: store.bulk_load(counted, format=fmt), stop=stop)
    except SyntaxError as err:
        raise ParseError(
            str(err.msg),
            file=name,
            line=err.lineno,
            column=err.offset,
            hint="fix the file and load again",
        ) from None


ROCKSDB_FILE = re.compile(
    r"CURRENT|IDENTITY|LOCK|LOG(\.old\..*)?|(MANIFEST|OPTIONS)-\d+|\d+\.(sst|log|blob)"
)


def check_target(directory: Path) -> None:
    """Refuse a target folder that is not empty and not a store tkg made, or that holds
    anything besides the store's own files (see :func:`turkestan_kg.paths.check_replaceable`).
    An unmarked RocksDB folder is refused too: it may be another program's database."""
    check_replaceable(directory, "store", holds_only_ours=store_files_only)


def store_files_only(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but a RocksDB database's files and tkg's marker."""
    return all(
        p.is_file() and not p.is_symlink() and (p.name == MARKER or ROCKSDB_FILE.fullmatch(p.name))
        for p in folder.iterdir()
    )


def payload_size(kg: KnowledgeGraph, extra: Iterable[Path]) -> int:
    """How many bytes ``load_store`` will report, for a progress bar."""
    return len(store_payload(kg)) + sum(p.stat().st_size for p in extra)


def dump_store(
    directory: Path,
    fmt: RdfFormat,
    out: Path,
    *,
    progress: Callable[[int], None] = lambda n: None,
) -> None:
    """Stream a store to ``out`` (via a temporary file): N-Triples gives the default graph
    (the merge), N-Quads every graph. Other formats are refused: they would need the whole
    graph in memory. ``progress`` is told of the bytes written, twice a second."""
    store = open_store(directory)
    if fmt.name not in ("ntriples", "nquads"):
        raise UsageError(
            f"a store exports as ntriples or nquads, not {fmt.name}", hint="use --format ntriples"
        )
    with atomic_path(out) as tmp:

        def dump() -> None:
            if fmt.keeps_graphs:
                store.dump(str(tmp), format=fmt.oxigraph())
            else:
                store.dump(str(tmp), format=fmt.oxigraph(), from_graph=ox.DefaultGraph())

        _watched(dump, tmp, progress)


def _watched(work: Callable[[], None], file: Path, progress: Callable[[int], None]) -> None:
    """Run ``work`` in a thread, telling ``progress`` how much ``file`` grew meanwhile."""
    done = 0

    def tick() -> None:
        nonlocal done
        size = file.stat().st_size if file.exists() else done
        progress(size - done)
        done = size

    _in_thread(work, tick=tick)


def _in_thread(
    work: Callable[[], object],
    *,
    tick: Callable[[], None] = lambda: None,
    stop: threading.Event | None = None,
) -> None:
    """Run ``work`` in a thread and wait, calling ``tick`` twice a second; its error is
    raised here. On Ctrl-C, ``stop`` is set and the work is waited for before the
    KeyboardInterrupt goes on (the caller then removes what it was building)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as err:  # handed to the caller's thread below
            failure.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.5)
            tick()
    except KeyboardInterrupt:
        if stop is not None:
            stop.set()
            worker.join()
        raise
    if failure:
        raise failure[0]
