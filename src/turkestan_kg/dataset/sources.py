"""The three kinds of source a :class:`~.api.Dataset` reads, behind one protocol: the
project's files (loaded into memory), an on-disk Oxigraph store, or a SPARQL 1.1 endpoint.
Each answers the same questions its own way, so the choice between them is made once, when
the source is made, and never again.

>>> str(Files())
"the project's files"
>>> str(Endpoint("http://127.0.0.1:7878/query"))
'SPARQL endpoint http://127.0.0.1:7878/query'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..errors import SourceNotFound, TkgError, UsageError
from ..formats import RdfFormat
from ..paths import SHAPES_FILE, display_path, project_root, write_atomic
from ..sparql import DEFAULT_ENGINE

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..graph.dataset import KnowledgeGraph
    from ..sparql.engines import Engine
    from ..validation.report import ValidationReport

Progress = Callable[[int], Callable[[int], None]]
"""Given how many steps there are, a callback to tell of steps done."""
Ticks = Callable[[int], None]
"""Told of bytes written, as they are written."""
T = TypeVar("T", covariant=True)


class Visitor(Protocol[T]):
    """What a step that must do different work for each kind of source (the server: a
    neighbourhood lookup and a pool of query workers for each) gives :meth:`Source.accept`:
    the source calls the one method for its kind, so that step never asks which it has."""

    def files(self, kg: KnowledgeGraph, engine: Engine) -> T: ...

    def store(self, directory: Path, store: ox.Store, engine: Engine) -> T: ...

    def endpoint(self, url: str, engine: Engine) -> T: ...


class Source(Protocol):
    """What every kind of source answers."""

    def __str__(self) -> str: ...

    def engine(self) -> Engine:
        """The engine that answers SPARQL queries on this source."""
        ...

    def shapes(self) -> Path:
        """The shapes file that belongs with this source's ontology."""
        ...

    def validate(self, shapes: Path, *, engine: str, progress: Progress | None) -> ValidationReport:
        """The source checked against ``shapes``."""
        ...

    def export(self, fmt: RdfFormat, out: Path | None, *, progress: Ticks) -> bytes | None:
        """The source in ``fmt``: written to ``out`` when given (then None), else returned."""
        ...

    def graph(self) -> KnowledgeGraph:
        """The whole graph in memory, with the file each named graph came from."""
        ...

    def accept(self, visitor: Visitor[T]) -> T:
        """What ``visitor`` does for this kind of source."""
        ...


def _deliver(data: bytes, out: Path | None, progress: Ticks) -> bytes | None:
    """``data`` returned, or written atomically to ``out`` (then None)."""
    if out is None:
        return data
    write_atomic(out, data)
    progress(len(data))
    return None


def _project_shapes(ontology_dir: Path | None) -> Path:
    return (ontology_dir or project_root() / "ontology") / SHAPES_FILE


class _Source:
    """What every kind of source does alike: its engine made once, its shapes file."""

    ontology_dir: Path | None

    def _make_engine(self) -> Engine:
        raise NotImplementedError

    @cached_property
    def _engine(self) -> Engine:
        return self._make_engine()

    def engine(self) -> Engine:
        return self._engine

    def shapes(self) -> Path:
        return _project_shapes(self.ontology_dir)

    def __getstate__(self) -> dict[str, object]:
        """What a copy in another process needs (:mod:`.service`): the fields and a graph
        already loaded, not the engine or open store, which that process makes again."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_engine", "store")}


class _Unloaded(_Source):
    """A source too big, or too far, to hold in memory."""

    def graph(self) -> KnowledgeGraph:
        raise TkgError(f"{self} is not loaded into memory", hint="query or export it instead")


@dataclass(frozen=True)
class Files(_Source):
    """The ontology and data files (the project's by default), loaded into memory on first use
    and queried by an embedded engine (``engine``, an entry of
    :data:`turkestan_kg.sparql.ENGINES`). Relative IRIs in the data files resolve against
    ``base`` when it is given, else against each file's own IRI."""

    data_dir: Path | None = None
    ontology_dir: Path | None = None
    query_engine: str = DEFAULT_ENGINE
    base: str | None = None

    def __str__(self) -> str:
        if self.data_dir is None and self.ontology_dir is None:
            return "the project's files"
        return f"the files in {display_path(self.data_dir or project_root() / 'data')}"

    @cached_property
    def loaded(self) -> KnowledgeGraph:
        from ..graph.dataset import load

        return load(self.data_dir, self.ontology_dir, base=self.base)

    def graph(self) -> KnowledgeGraph:
        return self.loaded

    def accept(self, visitor: Visitor[T]) -> T:
        return visitor.files(self.loaded, self.engine())

    def _make_engine(self) -> Engine:
        from ..sparql.engines import embedded_engine

        return embedded_engine(self.loaded, self.query_engine)

    def validate(self, shapes: Path, *, engine: str, progress: Progress | None) -> ValidationReport:
        from ..validation.engines import validate

        return validate(self.loaded, shapes=shapes, engine=engine)

    def export(self, fmt: RdfFormat, out: Path | None, *, progress: Ticks) -> bytes | None:
        from ..publish.rdf import serialize

        data = serialize(self.loaded, fmt)
        return _deliver(data, out, progress)


class Loaded(Files):
    """A graph already in memory (a :class:`KnowledgeGraph` built by the caller)."""

    def __init__(self, kg: KnowledgeGraph, query_engine: str = DEFAULT_ENGINE) -> None:
        super().__init__(query_engine=query_engine)
        self.__dict__["loaded"] = kg

    def __str__(self) -> str:
        return "a graph in memory"


@dataclass(frozen=True)
class Store(_Unloaded):
    """An on-disk Oxigraph store made by ``tkg load --store``, opened read-only; its default
    graph is the merge of every graph. Too big to load whole: queried, validated and exported
    by Oxigraph where it lies."""

    directory: Path
    ontology_dir: Path | None = None

    def __str__(self) -> str:
        return f"the store at {display_path(self.directory)}"

    @cached_property
    def store(self) -> ox.Store:
        from ..graph.store import open_store

        return open_store(self.directory)

    def _make_engine(self) -> Engine:
        from ..sparql.engines import OxigraphEngine

        return OxigraphEngine(store=self.store)

    def accept(self, visitor: Visitor[T]) -> T:
        return visitor.store(self.directory, self.store, self.engine())

    def validate(self, shapes: Path, *, engine: str, progress: Progress | None) -> ValidationReport:
        from ..validation.engines import validate_store

        _fast_only(self, engine)
        return validate_store(
            self.store, shapes=shapes, name=str(self.directory), progress=progress
        )

    def export(self, fmt: RdfFormat, out: Path | None, *, progress: Ticks) -> bytes | None:
        from ..graph.store import dump_store

        if fmt.name not in ("ntriples", "nquads"):
            raise UsageError(
                f"a store exports as ntriples or nquads, not {fmt.name}",
                hint="use --format ntriples",
            )
        if out is None:
            graph = None if fmt.keeps_graphs else _default_graph()
            return self.store.dump(format=fmt.oxigraph(), from_graph=graph)
        dump_store(self.directory, fmt, out, progress=progress)
        return None


def _default_graph() -> ox.DefaultGraph:
    import pyoxigraph as ox

    return ox.DefaultGraph()


def _fast_only(source: object, engine: str) -> None:
    """A store or an endpoint is validated where it lies, by the fast engine (``auto`` too:
    a refusal of the shapes stays a refusal)."""
    if engine not in ("fast", "auto"):
        raise UsageError(
            f"{source} is validated by the fast engine only (pySHACL needs the graph in memory)",
            hint="drop --engine or validate the files",
        )


@dataclass(frozen=True)
class Endpoint(_Unloaded):
    """A SPARQL 1.1 Protocol endpoint (its query URL): queries and the compiled shape checks
    run there; only their answers cross the network."""

    url: str
    timeout: float = 30.0
    ontology_dir: Path | None = None

    def __str__(self) -> str:
        return f"SPARQL endpoint {self.url}"

    def _make_engine(self) -> Engine:
        from ..remote.sparql import RemoteEngine

        return RemoteEngine(self.url, timeout=self.timeout)

    def accept(self, visitor: Visitor[T]) -> T:
        return visitor.endpoint(self.url, self.engine())

    def check_default_graph(self) -> None:
        """SourceNotFound if the endpoint's default graph holds nothing (its data only in
        named graphs, as after a plain N-Quads upload): the stored queries and the shapes
        read the default graph."""
        engine = self.engine()
        if engine.run("ASK { ?s ?p ?o }", {}).boolean:
            return
        named = engine.run("ASK { GRAPH ?g { ?s ?p ?o } }", {}).boolean
        raise SourceNotFound(
            f"the default graph of {self} is empty: "
            + ("its data is only in named graphs" if named else "it holds no data"),
            hint="load it with `tkg load --graph-store URL`, which also writes every graph's "
            "merge as the default graph",
        )

    def validate(self, shapes: Path, *, engine: str, progress: Progress | None) -> ValidationReport:
        from ..validation.remote import validate_engine

        _fast_only(self, engine)
        self.check_default_graph()
        return validate_engine(self.engine(), shapes, name=str(self), progress=progress)

    def export(self, fmt: RdfFormat, out: Path | None, *, progress: Ticks) -> bytes | None:
        if fmt.keeps_graphs:
            raise UsageError(
                f"{self} exports its default graph, in one-graph formats only",
                hint="use --format ntriples or turtle",
            )
        answer = self.engine().run("CONSTRUCT WHERE { ?s ?p ?o }", {})
        assert answer.graph is not None
        if not answer.graph:
            self.check_default_graph()
        data = answer.graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
        return _deliver(data, out, progress)
