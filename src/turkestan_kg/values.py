"""Value types several steps share: a JSON value (the JSON-LD contexts and documents, the
Reconciliation API's answers), as the code writes it.

>>> document: JsonObject = {"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}
>>> sorted(document)
['@context']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Json: TypeAlias = Mapping[str, "Json"] | Sequence["Json"] | str | int | float | bool | None
"""A JSON value (read-only containers, so a ``list[dict[str, str]]`` is one too)."""
JsonObject: TypeAlias = dict[str, Json]
"""A JSON object."""
