"""turkestan-kg: a knowledge graph of the Communist Party of Turkestan (1918-1924).

The data flows one way, one subpackage per step: ``graph`` (load the files, or a store) ->
``validation`` -> ``sparql`` / ``publish`` / ``wikidata`` / ``web``. The names below are the
library's flat surface; each is imported only when first used, so ``import turkestan_kg``
is quick.

>>> import turkestan_kg
>>> kg = turkestan_kg.load()
>>> turkestan_kg.validate(kg).conforms
True
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError, InvalidData, ParseError, QueryError, SourceNotFound, TkgError
from .formats import FORMATS, RdfFormat

if TYPE_CHECKING:
    __version__: str
    from .graph.source import Source
    from .publish.dist import BuildResult, build
    from .publish.rdf import serialize
    from .sparql.catalogue import StoredQuery, get_query, stored_queries
    from .sparql.run import QueryableGraph, answer, ask, construct, execute, run_query, select
    from .sparql.run import QueryableGraph as KnowledgeGraph
    from .validation.engines import validate
    from .validation.report import Problem, ValidationReport

LAZY = {
    "KnowledgeGraph": "sparql.run:QueryableGraph",  # what load() returns
    "Source": "graph.source",
    "BuildResult": "publish.dist",
    "build": "publish.dist",
    "serialize": "publish.rdf",
    "StoredQuery": "sparql.catalogue",
    "get_query": "sparql.catalogue",
    "stored_queries": "sparql.catalogue",
    "QueryableGraph": "sparql.run",
    "execute": "sparql.run",
    "run_query": "sparql.run",
    "answer": "sparql.run",
    "select": "sparql.run",
    "ask": "sparql.run",
    "construct": "sparql.run",
    "validate": "validation.engines",
    "Problem": "validation.report",
    "ValidationReport": "validation.report",
}


def load(
    data_dir: Path | str | None = None,
    ontology_dir: Path | str | None = None,
    *,
    extra_files: Iterable[Path] = (),
) -> QueryableGraph:
    """The ontology and every data file as one graph whose ``query`` also runs stored queries
    by name (see :func:`turkestan_kg.graph.dataset.load`)."""
    from .graph.dataset import read_into
    from .sparql.run import QueryableGraph

    return read_into(QueryableGraph(), data_dir, ontology_dir, extra_files=extra_files)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .about import version

        return version()
    if name in LAZY:
        module, _, attribute = LAZY[name].partition(":")
        value = getattr(importlib.import_module(f".{module}", __name__), attribute or name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "FORMATS",
    "BuildError",
    "BuildResult",
    "InvalidData",
    "KnowledgeGraph",
    "ParseError",
    "Problem",
    "QueryError",
    "QueryableGraph",
    "RdfFormat",
    "Source",
    "SourceNotFound",
    "StoredQuery",
    "TkgError",
    "ValidationReport",
    "__version__",
    "answer",
    "ask",
    "build",
    "construct",
    "execute",
    "get_query",
    "load",
    "run_query",
    "select",
    "serialize",
    "stored_queries",
    "validate",
]
