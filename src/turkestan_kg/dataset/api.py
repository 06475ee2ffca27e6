"""The library in one object: a :class:`Dataset` over a source, made by :func:`open`.

>>> ds = open()
>>> sorted(row["leaderLabel"] for row in ds.query("leaders-in-year", year=1921))
['Abdullo Rakhimbayev', 'Nazir Turiakylov']
>>> ds.query("ASK { ?s a <http://xmlns.com/foaf/0.1/Person> }")
True
>>> ds.validate().conforms
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from rdflib import Graph

from ..errors import EndpointError, QueryError, UsageError
from ..formats import FORMATS, RdfFormat
from ..registry import entry
from ..sparql import DEFAULT_ENGINE, ENGINES
from .checks import (
    calls_service,
    checked,
    empty,
    from_service,
    refuse_functions,
    refuse_service,
)
from .load import LoadResult
from .options import check_base_for, check_open
from .service import Bounds, run_bounded
from .sources import Endpoint, Files, Loaded, Progress, Source, Store, Ticks

if TYPE_CHECKING:
    from rdflib.term import Identifier

    from ..graph.dataset import KnowledgeGraph
    from ..reconcile.index import Match
    from ..reconcile.service import Service
    from ..sparql.catalogue import StoredQuery
    from ..sparql.engines import Engine
    from ..sparql.results import QueryResult, Value
    from ..validation.report import ValidationReport

Rows: TypeAlias = "list[dict[str, Value]]"
"""A SELECT answer: one dict per row, variable -> Python value (int, Decimal, bool, a date,
a year as int; IRIs and other literals as str); unbound variables are left out."""
Answer: TypeAlias = "Rows | bool | Graph"
"""What :meth:`Dataset.query` answers: rows for SELECT, a bool for ASK, a graph otherwise."""
Expect = Literal["rows", "boolean", "graph", "result"]
EXPECTED = {"rows": "select", "boolean": "ask", "graph": "graph"}
FORM_NAMES = {"select": "a SELECT", "ask": "an ASK", "graph": "a CONSTRUCT or DESCRIBE"}


def open(
    data: Path | str | None = None,
    *,
    ontology: Path | str | None = None,
    store: Path | str | None = None,
    endpoint: str | None = None,
    engine: str = DEFAULT_ENGINE,
    timeout: float = 30.0,
    base: str | None = None,
) -> Dataset:
    """A :class:`Dataset` over the project's files (or the ``data`` and ``ontology`` folders
    given), an on-disk ``store`` made by ``tkg load --store``, or a SPARQL 1.1 ``endpoint``
    (its query URL). ``engine`` names the embedded query engine for files
    (:data:`turkestan_kg.sparql.ENGINES`); relative IRIs in the files resolve against
    ``base`` (an absolute IRI) when it is given, else against each file's own IRI.

    >>> open(endpoint="http://127.0.0.1:7878/query")
    <Dataset SPARQL endpoint http://127.0.0.1:7878/query>
    >>> open(store="a", endpoint="http://127.0.0.1:7878/query")
    Traceback (most recent call last):
    turkestan_kg.errors.UsageError: give a store or an endpoint, not both (drop one of the two)
    """
    entry(ENGINES, engine, "query engine")
    check_open(data, store, endpoint, engine, timeout)
    check_base_for(base, store, endpoint)
    ontology_dir = Path(ontology) if ontology is not None else None
    if store is not None:
        return Dataset(Store(Path(store), ontology_dir))
    if endpoint is not None:
        return Dataset(Endpoint(endpoint, timeout, ontology_dir))
    return Dataset(Files(Path(data) if data is not None else None, ontology_dir, engine, base))


class AnswerGraph(Graph):
    """What a CONSTRUCT or DESCRIBE query answers: an rdflib Graph, shown by its size.

    >>> open().query("describe-entity", entity="person:turar-risqulov")
    <Graph of 7 triples>
    """

    def __repr__(self) -> str:
        return f"<Graph of {len(self)} triple{'s' * (len(self) != 1)}>"

    __str__ = __repr__


class Dataset:
    """The graph a source holds, and everything the library does with it. Every method works
    on every kind of source, or says in one line why it cannot.

    >>> from turkestan_kg.dataset.sources import Files
    >>> Dataset(Files(query_engine="rdflib")).query("ASK { ?s a foaf:Person }")
    True
    """

    def __init__(self, source: Source, *, allow_service: bool = False) -> None:
        """The graph ``source`` holds. The library's own engines run a query with a SERVICE
        pattern (which fetches from the URL it names) only with ``allow_service``, in a
        process of its own within ``service_bounds`` (:mod:`.service`); an endpoint decides
        that for itself."""
        self.source = source
        self.allow_service = allow_service
        self.service_bounds = Bounds()

    @classmethod
    def of(cls, kg: KnowledgeGraph, *, engine: str = DEFAULT_ENGINE) -> Dataset:
        """A Dataset over a graph already in memory (:func:`turkestan_kg.graph.dataset.load`).

        >>> from turkestan_kg.graph.dataset import load
        >>> Dataset.of(load(), engine="rdflib")
        <Dataset a graph in memory>
        """
        return cls(Loaded(kg, engine))

    def __repr__(self) -> str:
        return f"<Dataset {self.source}>"

    @property
    def graph(self) -> KnowledgeGraph:
        """The whole graph in memory (files only: a store or an endpoint is not loaded), an
        rdflib Dataset with one named graph per file.

        >>> len(open().graph) > 500
        True
        >>> open(endpoint="http://127.0.0.1:9/query").graph
        Traceback (most recent call last):
        turkestan_kg.errors.TkgError: SPARQL endpoint http://127.0.0.1:9/query is not loaded into memory (query or export it instead)
        """
        return self.source.graph()

    @property
    def engine(self) -> Engine:
        """The engine that answers this dataset's queries.

        >>> open(engine="rdflib").engine.name
        'rdflib'
        """
        return self.source.engine()

    # ------------------------------------------------------------------ query

    @overload
    def query(
        self, query: str | StoredQuery, /, *, expect: Literal["rows"], **params: object
    ) -> Rows: ...
    @overload
    def query(
        self, query: str | StoredQuery, /, *, expect: Literal["boolean"], **params: object
    ) -> bool: ...
    @overload
    def query(
        self, query: str | StoredQuery, /, *, expect: Literal["graph"], **params: object
    ) -> Graph: ...
    @overload
    def query(
        self, query: str | StoredQuery, /, *, expect: Literal["result"], **params: object
    ) -> QueryResult: ...
    @overload
    def query(
        self, query: str | StoredQuery, /, *, expect: None = None, **params: object
    ) -> Answer: ...

    def query(
        self, query: str | StoredQuery, /, *, expect: Expect | None = None, **params: object
    ) -> Answer | QueryResult:
        """Run a stored query (by name, or a :class:`StoredQuery`, with its typed ``params``)
        or SPARQL text. The answer in Python: rows for SELECT, a bool for ASK, an rdflib Graph
        for CONSTRUCT and DESCRIBE. ``expect`` says which the caller wants (a query of another
        form is a QueryError), or ``"result"`` for the engine-independent
        :class:`~turkestan_kg.sparql.results.QueryResult` of RDF terms, which the W3C results
        formats are written from.

        >>> ds = open()
        >>> [r["leaderLabel"] for r in ds.query("leaders-in-year", year=1921, expect="rows")]
        ['Abdullo Rakhimbayev', 'Nazir Turiakylov']
        >>> len(ds.query("describe-entity", entity="person:turar-risqulov", expect="graph")) > 5
        True
        >>> ds.query("leaders-in-year", expect="boolean")
        Traceback (most recent call last):
        turkestan_kg.errors.QueryError: leaders-in-year is a SELECT query, not an ASK query
        """
        if expect not in (None, "result", *EXPECTED):
            raise UsageError(f"expect={expect!r}", hint="expect rows, boolean, graph or result")
        result = self._answered(query, params)
        if expect is None or expect == "result":
            return result if expect else _python(result)
        if result.kind != EXPECTED[expect]:
            name = query if isinstance(query, str) and _is_name(query) else "the query"
            if not isinstance(query, str):
                name = query.name
            wanted = FORM_NAMES[EXPECTED[expect]]
            raise QueryError(f"{name} is {FORM_NAMES[result.kind]} query, not {wanted} query")
        return _python(result)

    def _answered(self, query: str | StoredQuery, params: Mapping[str, object]) -> QueryResult:
        """The answer; a failed query that calls an allowed SERVICE is an endpoint error."""
        try:
            return self._run(query, params)
        except EndpointError:
            raise  # already says what the SERVICE call did (a bounded run's own words)
        except QueryError as err:
            if self.allow_service and not isinstance(self.source, Endpoint):
                raise from_service(err, query if isinstance(query, str) else query.text) from None
            raise

    def _run(self, query: str | StoredQuery, params: Mapping[str, object]) -> QueryResult:
        from ..paths import display_path

        stored = _stored(query)
        remote = isinstance(self.source, Endpoint)
        if stored is None:
            if params:
                raise QueryError(
                    "SPARQL text takes no parameters", hint="store the query with a #+ header"
                )
            assert isinstance(query, str)
            if remote:
                refuse_functions("the query", query)
            return self._engine_run(query, {})
        bindings = checked(stored, params, self.engine, remote, lambda: self.reconciler)
        try:
            result = self._engine_run(stored.text, bindings)
        except QueryError as err:
            if err.file is None:
                err.file = display_path(stored.path)
            raise
        if isinstance(self.source, Endpoint) and empty(result):
            self.source.check_default_graph()  # empty, or is the store's default graph?
        return result

    def _engine_run(self, text: str, bindings: Mapping[str, Identifier]) -> QueryResult:
        """The engine's answer; a SERVICE call by the library's own engines is refused, or,
        when allowed, run in a bounded process of its own."""
        if isinstance(self.source, Endpoint) or not calls_service(text):
            return self.engine.run(text, bindings)
        if not self.allow_service:
            refuse_service(text)
        return run_bounded(self.source, text, bindings, self.service_bounds)

    # ------------------------------------------------------------------ the other verbs

    def validate(
        self,
        *,
        shapes: Path | str | None = None,
        engine: str = "fast",
        progress: Progress | None = None,
    ) -> ValidationReport:
        """The dataset checked against the SHACL shapes (the ontology's own by default).
        ``engine`` is an entry of :data:`turkestan_kg.validation.ENGINES`; a store or an
        endpoint is checked where it lies by the fast engine, and ``progress(total)`` gives a
        callback told of each check done.

        >>> open().validate(engine="pyshacl").conforms
        True
        """
        from ..validation import ENGINES

        entry(ENGINES, engine, "validation engine")
        path = Path(shapes) if shapes is not None else self.source.shapes()
        return self.source.validate(path, engine=engine, progress=progress)

    @overload
    def export(self, fmt: RdfFormat | str, /, out: None = None) -> bytes: ...
    @overload
    def export(
        self, fmt: RdfFormat | str, /, out: Path | str, *, progress: Ticks | None = ...
    ) -> None: ...

    def export(
        self,
        fmt: RdfFormat | str,
        /,
        out: Path | str | None = None,
        *,
        progress: Ticks | None = None,
    ) -> bytes | None:
        """The dataset in one RDF format (an entry of :data:`turkestan_kg.formats.FORMATS`, or
        its name): the bytes, or written atomically to ``out`` (``progress`` told of bytes
        written). Files give canonical, byte-stable output; a store is streamed as it lies.

        >>> b"Communist Party of Turkestan" in open().export("ntriples")
        True
        """
        chosen = fmt if isinstance(fmt, RdfFormat) else FORMATS[entry(_names(), fmt, "format")]
        path = Path(out) if out is not None else None
        return self.source.export(chosen, path, progress=progress or (lambda n: None))

    def load(
        self,
        into: Path | str,
        *,
        files: Iterable[Path | str] = (),
        graph: str | None = None,
        update: str | None = None,
        timeout: float = 60.0,
        progress: Ticks | None = None,
    ) -> LoadResult:
        """Copy this dataset into an on-disk store (``into`` a folder, replaced whole once
        loaded, with ``files`` of N-Triples or N-Quads added) or a SPARQL Graph Store (``into``
        an http(s) URL: the whole dataset, or its merge into ``graph``; with one N-Triples file
        in ``files``, ``graph`` and the store's ``update`` URL, that file is streamed in).

        >>> loaded = open().load(Path("store"))
        >>> loaded.unit, loaded.count > 1000
        ('quads', True)
        >>> open(store="store").query("leaders-in-year", year=1919)[0]["leaderLabel"]
        'Pyotr Kobozev'
        """
        from .load import load_into, target

        given = [Path(file) for file in files]
        where = target(into)
        return load_into(lambda: self.graph, where, given, graph, update, timeout, progress)

    def search(self, text: str, *, limit: int = 10) -> list[Match]:
        """The entities ``text`` names, in any script or romanization, best first: the
        matcher behind reconciliation, `tkg search` and the server's search box.

        >>> open().search("T. Ryskulov")[0].name
        'Turar Rïsqulov'
        """
        return self.reconciler.search(text, limit=limit)

    @cached_property
    def reconciler(self) -> Service:
        """The Reconciliation Service API over this dataset (its name index read once): the
        documents OpenRefine reads and sends, as Python data.

        >>> open().reconciler.manifest("http://localhost:8000")["name"]
        'turkestan-kg'
        """
        from ..reconcile.service import Service

        return Service(self.engine)

    def reconcile(self, name: str, *, type: str | None = None, limit: int = 5) -> list[Match]:
        """The entities ``name`` most likely means, best first (any script or romanization).

        >>> open().reconcile("Рыскулов", limit=1)[0].name
        'Turar Rïsqulov'
        """
        types = (type,) if type else ()
        return self.reconciler.index.search(name, types=types, limit=limit)


def _python(result: QueryResult) -> Answer:
    """The answer in Python; a graph with the project's prefixes, that says what it holds."""
    answer = result.python()
    if not isinstance(answer, Graph):
        return answer
    from ..namespaces import bind_prefixes

    graph = bind_prefixes(AnswerGraph())
    graph += answer
    return graph


def _names() -> dict[str, str]:
    return {name: name for name in FORMATS}


def _is_name(text: str) -> bool:
    """A stored query's name, or a try at one: one word without a brace (a SPARQL query has
    a group, or at least a DESCRIBE and what it describes), looked up among the names, so a
    near miss ("Tenures", "tenures.rq") gets a suggestion rather than a syntax error."""
    word = text.strip()
    return bool(word) and "{" not in word and not any(c.isspace() for c in word)


def _stored(query: str | StoredQuery) -> StoredQuery | None:
    from ..sparql.catalogue import StoredQuery, get_query

    if isinstance(query, StoredQuery):
        return query
    if not isinstance(query, str):
        raise UsageError(
            f"a query is a stored query's name or SPARQL text, not {type(query).__name__}"
        )
    return get_query(query.strip()) if _is_name(query) else None
