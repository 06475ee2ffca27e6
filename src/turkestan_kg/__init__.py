"""turkestan-kg: a knowledge graph of the Communist Party of Turkestan (1918-1924).

The data flows one way: ``load`` -> ``validate`` -> ``query`` / ``export`` / ``build``.

>>> import turkestan_kg
>>> kg = turkestan_kg.load()
>>> turkestan_kg.validate(kg).conforms
True
"""

from __future__ import annotations

__version__ = "0.1.0"

from .build import BuildResult, build
from .errors import BuildError, InvalidData, ParseError, QueryError, SourceNotFound, TkgError
from .export import FORMATS, RdfFormat, serialize
from .load import KnowledgeGraph, load
from .query import StoredQuery, get_query, run_query, stored_queries
from .validate import Problem, ValidationReport, validate

__all__ = [
    "FORMATS",
    "BuildError",
    "BuildResult",
    "InvalidData",
    "KnowledgeGraph",
    "ParseError",
    "Problem",
    "QueryError",
    "RdfFormat",
    "SourceNotFound",
    "StoredQuery",
    "TkgError",
    "ValidationReport",
    "__version__",
    "build",
    "get_query",
    "load",
    "run_query",
    "serialize",
    "stored_queries",
    "validate",
]
