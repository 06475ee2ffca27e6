"""Where a command reads the graph from: the project's files, an on-disk store, or an endpoint.

One :class:`Source` is made from the options a user gave, and each step of the flow asks it
for what it needs (the loaded graph, the opened store, the endpoint's URL), so the choice
between the three is made once, here, and not in every command.

>>> Source().kind
'files'
>>> Source(store_dir=Path("big-store")).kind
'store'
>>> str(Source(endpoint="http://127.0.0.1:7878/query"))
'SPARQL endpoint http://127.0.0.1:7878/query'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from ..errors import TkgError
from ..paths import SHAPES_FILE, display_path, project_root
from .dataset import KnowledgeGraph, load

Kind = Literal["files", "store", "endpoint"]


@dataclass(frozen=True)
class Source:
    """The project's files (``data_dir`` and ``ontology_dir``, defaulting to the project's),
    an on-disk Oxigraph store made by ``tkg load --store``, or a SPARQL 1.1 endpoint: a store
    or an endpoint when one is given (not both), else the files."""

    data_dir: Path | None = None
    ontology_dir: Path | None = None
    store_dir: Path | None = None
    endpoint: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.store_dir is not None and self.endpoint is not None:
            raise TkgError("give a store or an endpoint, not both", hint="drop one of the two")

    @property
    def kind(self) -> Kind:
        """ "files", "store" or "endpoint"."""
        return "store" if self.store_dir else "endpoint" if self.endpoint else "files"

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Source:
        """A files source whose graph is already loaded."""
        source = cls()
        source.__dict__["graph"] = kg
        return source

    def __str__(self) -> str:
        if self.kind == "store":
            return f"store {display_path(Path(str(self.store_dir)))}"
        if self.kind == "endpoint":
            return f"SPARQL endpoint {self.endpoint}"
        return "the project's files"

    @cached_property
    def graph(self) -> KnowledgeGraph:
        """The loaded files (an error for a store or an endpoint, which are not loaded whole)."""
        if self.kind != "files":
            raise TkgError(f"{self} cannot be loaded into memory", hint="use the project's files")
        return load(self.data_dir, self.ontology_dir)

    @cached_property
    def store(self) -> Any:
        """The on-disk store, opened read-only."""
        from .store import open_store

        if self.store_dir is None:
            raise TkgError(f"{self} is not an on-disk store", hint="give --store DIR")
        return open_store(self.store_dir)

    def shapes_file(self, shapes: Path | str | None = None) -> Path:
        """``shapes``, else the shapes beside the ontology in use, else the project's."""
        if shapes is not None:
            return Path(shapes)
        ontology = self.ontology_dir or project_root() / "ontology"
        return ontology / SHAPES_FILE
