"""turkestan-kg: a knowledge graph of the Communist Party of Turkestan (1918-1924).

One way in: :func:`open` gives a :class:`Dataset` (over the project's files by default, an
on-disk store or a SPARQL endpoint) whose methods are the library. The data flows one way,
one subpackage per step: ``graph`` (the files read, or a store) -> ``sparql`` (where queries
run, and the stored queries) -> ``remote`` (the same on other servers, and every other
request this tool makes) -> ``validation`` (the shapes, compiled to SPARQL) ->
``reconcile`` / ``publish`` -> ``dataset`` (the Dataset over them) -> ``wikidata`` -> ``web``
-> ``cli``. Each name below is imported only when first used, so ``import turkestan_kg`` is
quick.

>>> import turkestan_kg
>>> ds = turkestan_kg.open()
>>> ds.validate().conforms
True
>>> [row["leaderLabel"] for row in ds.query("leaders-in-year", year=1921)]
['Abdullo Rakhimbayev', 'Nazir Turiakylov']
"""

from __future__ import annotations

from .errors import (
    BuildError,
    InvalidData,
    ParseError,
    QueryError,
    QuerySyntaxError,
    QueryUsageError,
    RemoteError,
    SourceNotFound,
    TkgError,
    UsageError,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (about 10 ms)
if TYPE_CHECKING:
    __version__: str
    from .dataset.api import Dataset, open
    from .dataset.load import LoadResult
    from .formats import FORMATS, RESULTS_FORMATS, RdfFormat, ResultsFormat
    from .publish.dist import BuildResult, build
    from .sparql.catalogue import StoredQuery, get_query, stored_queries
    from .sparql.results import QueryResult
    from .validation.report import Problem, ValidationReport

LAZY = {
    "FORMATS": "formats",
    "RESULTS_FORMATS": "formats",
    "RdfFormat": "formats",
    "ResultsFormat": "formats",
    "open": "dataset.api",
    "Dataset": "dataset.api",
    "LoadResult": "dataset.load",
    "BuildResult": "publish.dist",
    "build": "publish.dist",
    "StoredQuery": "sparql.catalogue",
    "get_query": "sparql.catalogue",
    "stored_queries": "sparql.catalogue",
    "QueryResult": "sparql.results",
    "Problem": "validation.report",
    "ValidationReport": "validation.report",
}


def __getattr__(name: str) -> object:
    if name == "__version__":
        from .about import version

        return version()
    if name in LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "FORMATS",
    "RESULTS_FORMATS",
    "BuildError",
    "BuildResult",
    "Dataset",
    "InvalidData",
    "LoadResult",
    "ParseError",
    "Problem",
    "QueryError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryUsageError",
    "RdfFormat",
    "RemoteError",
    "ResultsFormat",
    "SourceNotFound",
    "StoredQuery",
    "TkgError",
    "UsageError",
    "ValidationReport",
    "__version__",
    "build",
    "get_query",
    "open",
    "stored_queries",
]
