"""Export the graph a :class:`~turkestan_kg.graph.Source` names in one RDF format.

From the project's files the output is canonical and byte-stable (:mod:`.rdf`); from an
on-disk store it is streamed to a file as the store holds it, for graphs too big to
canonicalize in memory.

>>> from turkestan_kg.formats import FORMATS
>>> b"Communist Party of Turkestan" in export(Source(), FORMATS["ntriples"])
True
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import BuildError
from ..formats import RdfFormat
from ..graph.source import Source
from ..paths import write_atomic
from .rdf import serialize


def export(
    source: Source,
    fmt: RdfFormat,
    out: Path | None = None,
    *,
    progress: Callable[[int], None] = lambda n: None,
) -> bytes:
    """The graph in ``fmt``; also written (atomically) to ``out`` when given. A store is
    streamed straight to ``out`` (and nothing is returned): it needs one; ``progress`` is
    told of the bytes written."""
    if source.kind == "store":
        from ..graph.store import dump_store

        if out is None or source.store_dir is None:
            raise BuildError("a store is exported to a file", hint="give --out FILE")
        dump_store(source.store_dir, fmt, out, progress=progress)
        return b""
    if source.kind == "endpoint":
        raise BuildError(f"cannot export {source} yet", hint="export the files or a --store")
    data = serialize(source.graph, fmt)
    if out is not None:
        write_atomic(out, data)
    return data
