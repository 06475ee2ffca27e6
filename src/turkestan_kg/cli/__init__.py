"""The ``tkg`` command: a thin layer over the library.

Exit codes: 0 ok, 1 a failed check or an error, 2 bad usage. Each module adds its commands
to the ``main`` group: ``graph`` (load, synth), ``data`` (validate, build, export, docs),
``query`` (queries, query), ``web`` (serve), ``wikidata`` (link, wikidata).
"""

from __future__ import annotations

from . import data, graph, query, reconcile, web, wikidata  # noqa: F401 - importing them registers their commands
from .main import main

__all__ = ["main"]
