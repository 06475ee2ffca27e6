"""The ``tkg`` command: a thin layer over the library.

Exit codes: 0 ok, 1 a failed check or an error, 2 bad usage. Each module adds its commands
to the ``main`` group.
"""

from __future__ import annotations

from . import query, wikidata  # noqa: F401 - importing them registers their commands
from .main import main

__all__ = ["main"]
