"""What the server knows while it runs: the graph, the store its pages read, the SPARQL
workers, the JSON-LD context, and the charts and tenures every page needs (computed once:
the data does not change while serving).
"""

from __future__ import annotations

import difflib
import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from anyio import CapacityLimiter
from rdflib import Graph, URIRef
from rdflib.term import Node
from starlette.requests import Request
from starlette.types import Scope

from ..dataset.api import Dataset
from ..errors import SourceNotFound
from ..graph.dataset import KnowledgeGraph, store_payload
from ..namespaces import BASE
from ..paths import project_root
from ..publish.jsonld import build_context
from ..sparql.catalogue import query_files, stored_queries
from ..sparql.engines import Engine, OxigraphEngine
from ..sparql.functions import called
from ..values import JsonObject
from . import neighbourhood
from .links import public_url
from .pages import Labeller, Value, language_preference, link
from .sandbox import Limits, QueryPool

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..reconcile.service import Service
    from .remote import RemoteLookup, RemotePool

    Pool = QueryPool | RemotePool

Tenure = tuple[str, int, int, str, str]

LOG = logging.getLogger("turkestan_kg")


class Site:
    """The graph in memory, and the store the pages and /sparql read: the graph loaded into
    Oxigraph, an on-disk store (``store_dir``) or a remote SPARQL store (``endpoint``)."""

    def __init__(
        self,
        served: Dataset,
        *,
        files: KnowledgeGraph | None = None,
        limits: Limits,
        workers: int | None = None,
        dist_dir: Path | None = None,
        base_url: str | None = None,
    ) -> None:
        kg = files if files is not None else served.graph
        self.kg = kg
        self.data = kg.merged()
        self.limits = limits
        self.dataset = served
        self.data_only = kg.data_graph()
        self.context = build_context(self.data_only)
        self.lookup, self.pool = served.source.accept(Readers(workers, limits, self.context))
        self.query_threads = CapacityLimiter(2 * self.pool.capacity)
        """Threads that wait for /sparql answers: one for each query the pool runs or keeps
        waiting, and as many again to turn the rest away at once, apart from the threads
        pages use, so neither starves the other."""
        self.tenures = self.tenure_rows()
        self.charts: dict[str, str] = {}
        self.static = Path(__file__).parent / "static"
        self.dist = dist_dir or project_root() / "dist"
        self.query_names = self.runnable_queries()
        self.base_url = public_url(base_url) if base_url else None

    def runnable_queries(self) -> frozenset[str]:
        """The stored queries this site's store runs: on a remote store, not those that call
        the project's own functions (find-by-name), which only the embedded engines have."""
        if isinstance(self.pool, QueryPool):
            return frozenset(query_files())
        return frozenset(name for name, q in stored_queries().items() if not called(q.text))

    def origin(self, scope: Scope) -> str:
        """This server's public URL (``base_url``), else the address its socket listens on:
        never the request's Host header, which any client may forge and which cached
        answers would then hand to every later client."""
        if self.base_url:
            return self.base_url
        host, port = scope.get("server") or ("127.0.0.1", 80)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    @cached_property
    def model(self) -> str:
        """The data model's picture (SVG), for the ontology page."""
        from ..namespaces import ONTOLOGY_GRAPH
        from ..publish.model import model_svg

        return model_svg(self.kg.graph(ONTOLOGY_GRAPH), self.data_only)

    @cached_property
    def provenance(self) -> Graph:
        """Each fact's reifier with its sources, as the one-graph dumps publish them."""
        from ..publish.rdf import with_provenance

        return with_provenance(self.kg)

    @property
    def reconciliation(self) -> Service:
        """The Reconciliation Service API over the served dataset (its index read on first
        use)."""
        return self.dataset.reconciler

    def tenure_rows(self) -> list[Tenure]:
        """(leader's name, first year, last year, leader IRI, tenure IRI) per tenure."""
        try:
            result = self.dataset.query("tenures", expect="result")
        except SourceNotFound as err:  # an endpoint whose default graph is empty
            LOG.warning("the served data gives no leaders chart or tenures: %s", err)
            return []
        needed = ("leaderLabel", "start", "end", "leader", "tenure")
        rows = [r for r in result.rows if all(v in r for v in needed)]
        return [
            (
                str(r["leaderLabel"]),
                int(str(r["start"])[:4]),
                int(str(r["end"])[:4]),
                str(r["leader"]),
                str(r["tenure"]),
            )
            for r in rows
        ]

    def languages(self, request: Request) -> list[str]:
        """The request's languages, best first (``?lang=``, then Accept-Language)."""
        return language_preference(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )

    def labeller(self, languages: list[str], graph: Graph | None = None) -> Labeller:
        """Labels in ``languages``, from ``graph`` (the whole graph if not given)."""
        return Labeller(self.data if graph is None else graph, languages)

    @cached_property
    def entity_paths(self) -> list[str]:
        """The path of every entity of ours that has a page (``/person/x``)."""
        iris = {str(s) for s in self.data.subjects() if isinstance(s, URIRef)}
        return sorted("/" + i[len(BASE) :] for i in iris if i.startswith(BASE) and "#" not in i)

    def closest(self, path: str, n: int = 5) -> list[Value]:
        """Links to the entities a missing ``path`` may have meant: those its last part
        names (the search's matcher: /person/ryskulov finds Turar Rïsqulov), else those
        whose paths look most like it, of the same kind (``/person/...``) first."""
        words = path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
        if found := self.found(words, ["en"], n):
            return found
        labeller = self.labeller(["en"])
        kind, _, name = path.strip("/").partition("/")
        same_kind = {
            p.rsplit("/", 1)[-1]: p for p in self.entity_paths if p.startswith(f"/{kind}/")
        }
        near = [same_kind[m] for m in difflib.get_close_matches(name, same_kind, n, 0.6)]
        if not near:
            near = difflib.get_close_matches(path, self.entity_paths, n, 0.6)
        return [link(URIRef(BASE + p.lstrip("/")), labeller) for p in near]

    def found(self, text: str, languages: list[str], limit: int = 10) -> list[Value]:
        """Links to the entities ``text`` names (the search's matcher), best first,
        labelled in ``languages``."""
        labeller = self.labeller(languages)
        return [link(URIRef(m.entity), labeller) for m in self.dataset.search(text, limit=limit)]

    def sources_of(self, node: URIRef) -> dict[tuple[Node, Node, Node], list[Node]]:
        """For each statement about ``node``, the source sections (or curators) stating it."""
        prov = "http://www.w3.org/ns/prov#"
        sources: dict[tuple[Node, Node, Node], list[Node]] = {}
        for s, p, o in self.data_only.triples((node, None, None)):
            graphs = [getattr(c, "identifier", c) for *_, c in self.kg.quads((s, p, o, None))]
            sections = [
                self.kg.value(g, URIRef(prov + "wasDerivedFrom"))
                or self.kg.value(g, URIRef(prov + "wasAttributedTo"))
                for g in graphs
            ]
            sources[(s, p, o)] = [x for x in sections if x is not None]
        return sources

    def close(self) -> None:
        """Stop the SPARQL workers."""
        self.pool.close()


class Readers:
    """What reads a node's neighbourhood for the pages, and what runs client queries, for
    each kind of source (it is handed to the source, which picks the method for its kind)."""

    def __init__(self, workers: int | None, limits: Limits, context: JsonObject) -> None:
        self.workers, self.limits, self.context = workers, limits, context

    def files(self, kg: KnowledgeGraph, engine: Engine) -> tuple[StoreLookup | RemoteLookup, Pool]:
        """The project's files, loaded into an Oxigraph store of the workers' own."""
        store = (engine if isinstance(engine, OxigraphEngine) else OxigraphEngine(kg)).store
        pool = QueryPool(
            store_payload(kg), workers=self.workers, limits=self.limits, context=self.context
        )
        return StoreLookup(store), pool

    def store(
        self, directory: Path, store: ox.Store, engine: Engine
    ) -> tuple[StoreLookup | RemoteLookup, Pool]:
        """An on-disk store made by `tkg load --store`, which the workers open themselves."""
        pool = QueryPool(directory, workers=self.workers, limits=self.limits, context=self.context)
        return StoreLookup(store), pool

    def endpoint(self, url: str, engine: Engine) -> tuple[StoreLookup | RemoteLookup, Pool]:
        """A remote SPARQL store: pages ask it, client queries are checked and sent on."""
        from ..remote.sparql import RemoteEngine
        from .remote import RemoteLookup, RemotePool

        assert isinstance(engine, RemoteEngine)
        return RemoteLookup(engine), RemotePool(url, self.limits, self.context)


class StoreLookup:
    """A node's neighbourhood from an Oxigraph store, by index lookups."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def exists(self, node: URIRef) -> bool:
        return neighbourhood.exists(self.store, node)

    def outgoing(self, node: URIRef) -> neighbourhood.View:
        return neighbourhood.outgoing(self.store, node)

    def incoming(self, node: URIRef) -> neighbourhood.View:
        return neighbourhood.incoming(self.store, node)
