"""Registries: tables whose entries name their implementation lazily, as ``module:attribute``
inside a package (rdflib's ``plugin.register`` does the same), so a table can be read (for
``--help``, the docs, the choices of an option) without importing what it names.

>>> ENGINES = {"oxigraph": "engines:OxigraphEngine", "rdflib": "engines:RdflibEngine"}
>>> entry(ENGINES, "rdflib", "query engine")
'engines:RdflibEngine'
>>> entry(ENGINES, "jena", "query engine")
Traceback (most recent call last):
turkestan_kg.errors.UsageError: unknown query engine 'jena' (use one of oxigraph, rdflib)
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


def resolve(package: str, spec: str) -> object:
    """What a ``module:attribute`` entry names, imported from ``package`` on first use."""
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(f"{package}.{module}"), attribute)
