"""Registries: tables whose entries name their implementation lazily, as
``package.module:attribute`` (rdflib's ``plugin.register`` does the same), so a table can be
read (for ``--help``, the docs, the choices of an option) without importing what it names,
and an entry from outside the package is one more line.

>>> ENGINES = {"oxigraph": "turkestan_kg.sparql.engines:OxigraphEngine"}
>>> resolve(entry(ENGINES, "oxigraph", "query engine")).__name__
'OxigraphEngine'
>>> entry(ENGINES, "jena", "query engine")
Traceback (most recent call last):
turkestan_kg.errors.UsageError: unknown query engine 'jena' (use one of oxigraph)
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from .errors import UsageError


def entry(registry: Mapping[str, str], name: str, what: str) -> str:
    """The entry ``name`` of ``registry``, or one UsageError naming the choices."""
    if name not in registry:
        raise UsageError(f"unknown {what} {name!r}", hint=f"use one of {', '.join(registry)}")
    return registry[name]


def resolve(spec: str) -> object:
    """What a ``package.module:attribute`` entry names, imported on first use."""
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module), attribute)
