"""Serve the graph as Linked Data: entity pages, a SPARQL endpoint, stored queries, charts.

Every IRI under ``https://w3id.org/turkestan-kg/`` is answered at the same path on this
server, directly (200 with ``Content-Location``), not with a 303 redirect: the entity and
the document describing it share a path, the representation is chosen by the ``Accept``
header (``Vary: Accept``), and each representation also has its own URL (``.ttl``,
``.jsonld``, ``.nt``, ``.rdf``, ``.html``). See docs/decisions/0009-linked-data-server.md.
"""

from __future__ import annotations

import json
import re
import socketserver
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from rdflib import Graph, Literal, URIRef

from . import charts, neighbourhood
from .compact import build_context
from .conneg import choose
from .engine import OxigraphEngine
from .errors import QueryError
from .export import store_payload
from .htmldoc import ontology_page, shapes_page
from .load import SHAPES_FILE, KnowledgeGraph, parse_file, project_root
from .namespaces import BASE, ONTOLOGY_GRAPH, RDF, RDFS, TKG, VOID, bind_prefixes
from .pages import Labeller, entity_page, language_preference, page, results_table
from .query import get_query, stored_queries
from .results import MEDIA_TYPES, SELECT_FORMATS, QueryResult, render
from .sandbox import Limits, QueryPool, SandboxError
from .store import open_store

Start = Callable[[str, list[tuple[str, str]]], Any]
RDF_TYPES = {
    "text/turtle": ("turtle", ".ttl"),
    "application/ld+json": ("json-ld", ".jsonld"),
    "application/n-triples": ("nt", ".nt"),
    "application/rdf+xml": ("xml", ".rdf"),
}
SUFFIXES = {suffix: media for media, (_, suffix) in RDF_TYPES.items()}
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
SERVICE_KEYWORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)
ENTITY_PATH = re.compile(r"^/[a-z]+(/[A-Za-z0-9._~-]+)+$")
STATIC_ROOT = "node_modules/@zazuko/yasgui/build"
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Response:
    status: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class HttpError(Exception):
    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LinkedDataApp:
    """The WSGI application. Pages and stored queries run in-process; SPARQL sent by clients
    runs in stoppable worker processes (see :mod:`turkestan_kg.sandbox`)."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        limits: Limits = DEFAULT_LIMITS,
        max_query_bytes: int = 64_000,
        workers: int = 2,
        dist_dir: Path | None = None,
        store_dir: Path | None = None,
    ) -> None:
        self.kg = kg
        self.data = kg.merged()
        self.limits = limits
        self.max_query_bytes = max_query_bytes
        if store_dir is None:  # the project's files, in memory
            self.engine = OxigraphEngine(kg)
            self.pool = QueryPool(store_payload(kg), workers=workers, limits=limits)
        else:  # an on-disk store made by `tkg load --store` (say, with a roll in it)
            self.engine = OxigraphEngine(store=open_store(store_dir))
            self.pool = QueryPool(store_dir, workers=workers, limits=limits)
        self.data_only = kg.data_graph()
        self.context = build_context(self.data_only)
        # The data does not change while serving: compute what every page needs once.
        self.tenures = self._tenure_rows()
        self.charts = {
            "composition": self.composition_svg(),
            "leaders": self.timeline_svg(),
            "hierarchy": self.hierarchy_svg(),
        }
        self.static = project_root() / STATIC_ROOT
        self.dist = dist_dir or project_root() / "dist"

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        try:
            response = self.route(environ)
        except HttpError as err:
            response = self.error(err.status, err.message, environ)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Access-Control-Allow-Origin", "*"),
            *response.headers,
        ]
        start_response(response.status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def route(self, environ: dict[str, Any]) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if method == "OPTIONS":
            return Response(
                "204 No Content",
                b"",
                "text/plain",
                (
                    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                ),
            )
        if path == "/sparql":
            return self.sparql(environ)
        if method not in ("GET", "HEAD"):
            raise HttpError("405 Method Not Allowed", f"{method} is not allowed on {path}")
        if path == "/":
            return self.home(environ)
        if path == "/editor":
            return self.editor()
        if path.startswith("/static/"):
            return self.static_file(path)
        if path.startswith("/queries/"):
            return self.stored_query(path.removeprefix("/queries/"), environ)
        if path.startswith("/dist/"):
            return self.dist_file(path.removeprefix("/dist/"))
        if path in ("/ontology", "/ontology.ttl", "/ontology.html") or re.fullmatch(
            r"/ontology/[0-9.]+", path
        ):
            return self.vocabulary(environ, path, "turkestan-kg.ttl", ontology_page)
        if path in ("/shapes", "/shapes.ttl", "/shapes.html"):
            return self.vocabulary(environ, path, SHAPES_FILE, shapes_page)
        return self.entity(path, environ)

    def error(self, status: str, message: str, environ: dict[str, Any]) -> Response:
        accept = environ.get("HTTP_ACCEPT", "")
        if choose(accept, ["text/html", "text/plain"]) == "text/html" and "html" in accept:
            body = page(status, [f"<h1>{escape(status)}</h1>", f"<p>{escape(message)}</p>"])
            return Response(status, body.encode())
        return Response(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    # ------------------------------------------------------------------ entities

    def entity(self, path: str, environ: dict[str, Any]) -> Response:
        base_path, suffix = _split_suffix(path)
        if not ENTITY_PATH.match(base_path) or ".." in base_path:
            raise HttpError("404 Not Found", f"nothing at {path}")
        node = URIRef(BASE + base_path.lstrip("/"))
        if not neighbourhood.exists(self.engine.store, node):
            raise HttpError("404 Not Found", f"no entity {node}")
        offers = ["text/html", *RDF_TYPES]
        media = (
            SUFFIXES.get(suffix, "text/html" if suffix == ".html" else None)
            if suffix
            else choose(environ.get("HTTP_ACCEPT"), offers)
        )
        if media is None:
            raise HttpError("406 Not Acceptable", f"{path} is available as {', '.join(offers)}")
        location = base_path + (suffix or _suffix_for(media))
        vary = (("Vary", "Accept, Accept-Language"), ("Content-Location", location))
        description = neighbourhood.describe(self.engine.store, node)
        if media == "text/html":
            html = self.entity_html(node, description, environ)
            return Response("200 OK", html.encode(), "text/html; charset=utf-8", vary)
        body = _serialize(description.graph, media, self.context)
        return Response("200 OK", body, f"{media}; charset=utf-8", vary)

    def entity_html(
        self, node: URIRef, description: neighbourhood.View, environ: dict[str, Any]
    ) -> str:
        referrers = neighbourhood.incoming(self.engine.store, node)
        shown = description.graph + referrers.graph
        labeller = self._labeller(environ, shown)
        sources = {}
        for s, p, o in self.data_only.triples((node, None, None)):
            graphs = [getattr(c, "identifier", c) for *_, c in self.kg.quads((s, p, o, None))]
            sections = [
                self.kg.value(g, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
                or self.kg.value(g, URIRef("http://www.w3.org/ns/prov#wasAttributedTo"))
                for g in graphs
            ]
            sources[(s, p, o)] = [x for x in sections if x is not None]
        path = "/" + str(node)[len(BASE) :]
        alternates = {media: path + suffix for media, (_, suffix) in RDF_TYPES.items()}
        jsonld = _serialize(description.graph, "application/ld+json", self.context).decode()
        return entity_page(
            node,
            shown,
            labeller,
            sources=sources,
            alternates=alternates,
            jsonld=jsonld,
            extra=self.entity_chart(node) + _cut_note(node, description, referrers),
        )

    def entity_chart(self, node: URIRef) -> str:
        """A tenure timeline on the pages of the party and of its leaders."""
        rows = self.tenures
        organization = URIRef("http://www.w3.org/ns/org#organization")
        mine = [
            r for r in rows if r[3] == str(node) or (URIRef(r[4]), organization, node) in self.data
        ]
        if not mine:
            return ""
        chart = charts.timeline_chart(
            [(n, s, e) for n, s, e, _, _ in mine],
            first=min(r[1] for r in rows),
            last=max(r[2] for r in rows),
        )
        return f'<h2>Tenures</h2><figure class="chart">{chart}</figure>'

    def _tenure_rows(self) -> list[tuple[str, int, int, str, str]]:
        """(leader's name, first year, last year, leader IRI, tenure IRI) per tenure."""
        result = self.engine.run(get_query("tenures").text, {})
        return [
            (
                str(r["leaderLabel"]),
                int(str(r["start"])[:4]),
                int(str(r["end"])[:4]),
                str(r["leader"]),
                str(r["tenure"]),
            )
            for r in result.rows
        ]

    def _labeller(self, environ: dict[str, Any], graph: Graph | None = None) -> Labeller:
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        languages = language_preference(
            (params.get("lang") or [None])[0], environ.get("HTTP_ACCEPT_LANGUAGE")
        )
        return Labeller(self.data if graph is None else graph, languages)

    # ------------------------------------------------------------------ home, queries, vocabularies

    def home(self, environ: dict[str, Any]) -> Response:
        labeller = self._labeller(environ)
        dataset = URIRef(BASE + "dataset/turkestan-kg")
        body = [
            f"<h1>{escape(labeller.label(dataset))}</h1>",
            f"<p>{escape(str(self.data.value(dataset, URIRef('http://purl.org/dc/terms/description')) or ''))}</p>",
            f'<p class="src">{escape(str(self.data.value(dataset, URIRef("http://purl.org/dc/terms/rights")) or ""))}</p>',
            "<h2>Membership in 1922</h2>",
            f'<figure class="chart" id="composition">{self.charts["composition"]}</figure>',
            "<h2>Leaders</h2>",
            f'<figure class="chart" id="leaders">{self.charts["leaders"]}</figure>',
            "<h2>Hierarchy</h2>",
            f'<figure class="chart" id="hierarchy">{self.charts["hierarchy"]}</figure>',
            "<h2>Entities</h2>",
            self.entity_lists(labeller),
            "<h2>Stored queries</h2>",
            self.query_forms(),
        ]
        return Response(
            "200 OK",
            page("turkestan-kg", body, lang=labeller.languages[0]).encode(),
            headers=(("Vary", "Accept-Language"),),
        )

    def composition_svg(self) -> str:
        rows = self.engine.run(get_query("composition-1922").text, {}).rows
        return charts.composition_chart(
            [
                (str(r["categoryLabel"]), int(str(r["count"])), str(r["printedPercentage"]))
                for r in rows
            ]
        )

    def timeline_svg(self) -> str:
        rows = self._tenure_rows()
        return charts.timeline_chart(
            [(n, s, e) for n, s, e, _, _ in rows],
            first=min(r[1] for r in rows),
            last=max(r[2] for r in rows),
        )

    def hierarchy_svg(self) -> str:
        rows = self.engine.run(get_query("hierarchy").text, {}).rows
        return charts.hierarchy_chart(
            [(str(r["bodyLabel"]), str(r["parentLabel"]), int(str(r["depth"]))) for r in rows]
        )

    def entity_lists(self, labeller: Labeller) -> str:
        groups = [
            (TKG.PoliticalParty, "Parties"),
            (TKG.PartyBody, "Party bodies"),
            (URIRef("http://xmlns.com/foaf/0.1/Person"), "People"),
            (TKG.Tenure, "Tenures"),
            (TKG.Event, "Events"),
            (TKG.State, "States"),
            (TKG.Place, "Places"),
            (URIRef("http://purl.org/linked-data/cube#DataSet"), "Statistics"),
        ]
        out = []
        for cls, heading in groups:
            members = {s for s in self.data.subjects(RDF.type, cls) if isinstance(s, URIRef)}
            members |= {
                s
                for sub in self.data.subjects(RDFS.subClassOf, cls)
                for s in self.data.subjects(RDF.type, sub)
                if isinstance(s, URIRef)
            }
            items = "".join(
                f'<li><a href="/{escape(str(s)[len(BASE) :])}">{escape(labeller.label(s))}</a></li>'
                for s in sorted(members, key=lambda s: labeller.label(s))
            )
            out.append(f"<h3>{heading}</h3><ul>{items}</ul>")
        return "".join(out)

    def query_forms(self) -> str:
        forms = []
        for name, q in stored_queries().items():
            inputs = "".join(
                f'<label>{escape(p.name)} <input name="{escape(p.name)}" value="{escape(p.default or "")}"></label> '
                for p in q.params
            )
            forms.append(
                f'<form class="q" action="/queries/{escape(name)}"><b>{escape(q.summary)}</b><br>{inputs}<button>Run</button></form>'
            )
        return "".join(forms)

    def stored_query(self, name: str, environ: dict[str, Any]) -> Response:
        params = {
            k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()
        }
        fmt = params.pop("format", None)
        lang = params.pop("lang", None)
        try:
            query = get_query(name)
            result = self.engine.run(query.text, query.bindings(params))
        except QueryError as err:
            raise HttpError("400 Bad Request", err.message) from None
        if fmt:
            return _format_result(result, fmt, self.context)
        labeller = self._labeller({**environ, "QUERY_STRING": f"lang={lang}" if lang else ""})
        qs = urllib.parse.urlencode(params)
        links = " · ".join(
            f'<a href="/queries/{escape(name)}?{escape(qs)}&amp;format={f}">{f}</a>'
            for f in ("csv", "tsv", "json", "xml", "turtle")
            if (f == "turtle") == (result.kind == "graph")
        )
        table = (
            results_table(result, labeller)
            if result.kind != "graph"
            else f"<pre>{escape(result.graph.serialize(format='turtle') if result.graph else '')}</pre>"
        )
        body = [
            f"<h1>{escape(query.summary)}</h1>",
            f"<p>{escape(query.description)}</p>",
            f'<p class="src">Download: {links}</p>',
            table,
        ]
        return Response("200 OK", page(query.summary, body).encode())

    def vocabulary(
        self, environ: dict[str, Any], path: str, filename: str, render_html: Callable[[Graph], str]
    ) -> Response:
        source = project_root() / "ontology" / filename
        wants = (
            "text/turtle"
            if path.endswith(".ttl")
            else "text/html"
            if path.endswith(".html")
            else choose(environ.get("HTTP_ACCEPT"), ["text/html", "text/turtle"])
        )
        if wants is None:
            raise HttpError(
                "406 Not Acceptable", f"{path} is available as text/html and text/turtle"
            )
        headers = (("Vary", "Accept"),)
        if wants == "text/turtle":
            return Response("200 OK", source.read_bytes(), "text/turtle; charset=utf-8", headers)
        return Response("200 OK", render_html(parse_file(source)).encode(), headers=headers)

    # ------------------------------------------------------------------ SPARQL

    def sparql(self, environ: dict[str, Any]) -> Response:
        query = self.read_query(environ)
        if query is None:
            return self.service_description(environ)
        if SERVICE_KEYWORD.search(_strip_literals(query)):
            raise HttpError(
                "400 Bad Request", "SERVICE is not allowed: this endpoint never fetches other URLs"
            )
        try:
            result = self.pool.run(query)
        except SandboxError as err:
            status = {
                400: "400 Bad Request",
                413: "413 Content Too Large",
                503: "503 Service Unavailable",
            }.get(err.status, "500 Internal Server Error")
            raise HttpError(status, err.message) from None
        if result.kind == "graph":
            media = choose(environ.get("HTTP_ACCEPT"), list(RDF_TYPES))
            if media is None:
                raise HttpError(
                    "406 Not Acceptable", f"graph results are available as {', '.join(RDF_TYPES)}"
                )
            assert result.graph is not None
            return Response(
                "200 OK",
                _serialize(bind_prefixes(result.graph), media, self.context),
                f"{media}; charset=utf-8",
                (("Vary", "Accept"),),
            )
        offers = list(RESULT_TYPES)
        media = choose(environ.get("HTTP_ACCEPT"), offers)
        if media is None:
            raise HttpError("406 Not Acceptable", f"results are available as {', '.join(offers)}")
        fmt = RESULT_TYPES[media]
        return Response(
            "200 OK",
            render(result, fmt).encode(),
            f"{MEDIA_TYPES[fmt]}; charset=utf-8",
            (("Vary", "Accept"),),
        )

    def read_query(self, environ: dict[str, Any]) -> str | None:
        method = environ.get("REQUEST_METHOD", "GET")
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if method in ("GET", "HEAD"):
            if "update" in params:
                raise HttpError("403 Forbidden", "this endpoint is read-only: updates are refused")
            found = params.get("query")
            return str(found[0]) if found else None
        if method != "POST":
            raise HttpError("405 Method Not Allowed", f"{method} is not allowed on /sparql")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.max_query_bytes:
            raise HttpError(
                "413 Content Too Large", f"the request body is over {self.max_query_bytes} bytes"
            )
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        kind = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip()
        if kind == "application/sparql-update":
            raise HttpError("403 Forbidden", "this endpoint is read-only: updates are refused")
        if kind == "application/sparql-query":
            return str(body)
        form = urllib.parse.parse_qs(body)
        if "update" in form:
            raise HttpError("403 Forbidden", "this endpoint is read-only: updates are refused")
        found = form.get("query") or params.get("query")
        query = str(found[0]) if found else None
        if query is None:
            raise HttpError(
                "400 Bad Request",
                "no query: send query=... as a form field or application/sparql-query",
            )
        return query

    def service_description(self, environ: dict[str, Any]) -> Response:
        media = choose(environ.get("HTTP_ACCEPT"), ["text/turtle", "text/html", *RDF_TYPES])
        if media == "text/html":
            return Response("303 See Other", b"", "text/plain", (("Location", "/editor"),))
        if media is None:
            raise HttpError("406 Not Acceptable", "the service description is RDF")
        graph = bind_prefixes(Graph())
        sd = URIRef("http://www.w3.org/ns/sparql-service-description#")
        endpoint = URIRef(_origin(environ) + "/sparql")
        service = URIRef(_origin(environ) + "/sparql#service")
        graph.bind("sd", sd)
        graph.add((service, RDF.type, URIRef(sd + "Service")))
        graph.add((service, URIRef(sd + "endpoint"), endpoint))
        graph.add((service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")))
        for fmt in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "RDF_XML",
            "JSON-LD",
        ):
            graph.add(
                (
                    service,
                    URIRef(sd + "resultFormat"),
                    URIRef("http://www.w3.org/ns/formats/" + fmt),
                )
            )
        graph.add((service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")))
        graph.add((service, VOID.sparqlEndpoint, endpoint))
        graph.add(
            (
                service,
                RDFS.comment,
                Literal(
                    f"Read-only. Queries are stopped after {self.limits.timeout:g} s and may return at most {self.limits.max_results} results. SERVICE is refused.",
                    lang="en",
                ),
            )
        )
        return Response(
            "200 OK",
            _serialize(graph, media, self.context),
            f"{media}; charset=utf-8",
            (("Vary", "Accept"),),
        )

    # ------------------------------------------------------------------ editor and static files

    def editor(self) -> Response:
        if (self.static / "yasgui.min.js").is_file():
            head = '<link rel="stylesheet" href="/static/yasgui.min.css"><script src="/static/yasgui.min.js"></script>'
            body = [
                "<h1>SPARQL editor</h1>",
                '<div id="yasgui"></div>',
                "<script>window.yasgui = new Yasgui(document.getElementById('yasgui'), "
                "{requestConfig: {endpoint: '/sparql', method: 'POST'}, copyEndpointOnNewTab: false, "
                "endpointCatalogueOptions: {getData: () => [{endpoint: '/sparql'}]}});</script>",
            ]
            return Response("200 OK", page("SPARQL editor", body, head=head).encode())
        body = [
            "<h1>SPARQL editor</h1>",
            "<p>The full editor (YASGUI) is installed by <code>python3 tasks.py setup</code>; this is the plain form.</p>",
            '<form method="post" action="/sparql"><textarea name="query" rows="12" cols="80">SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br><button>Run</button></form>',
        ]
        return Response("200 OK", page("SPARQL editor", body).encode())

    def static_file(self, path: str) -> Response:
        name = path.removeprefix("/static/")
        types = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}
        target = (self.static / name).resolve()
        if (
            "/" in name
            or target.parent != self.static.resolve()
            or not target.is_file()
            or target.suffix not in types
        ):
            raise HttpError("404 Not Found", f"no static file {name}")
        return Response(
            "200 OK",
            target.read_bytes(),
            f"{types[target.suffix]}; charset=utf-8",
            (("Cache-Control", "max-age=3600"),),
        )

    def dist_file(self, name: str) -> Response:
        """A file of the last ``tkg build`` (the dataset description's download URLs)."""
        types = {
            ".ttl": "text/turtle",
            ".nt": "application/n-triples",
            ".nq": "application/n-quads",
            ".trig": "application/trig",
            ".rdf": "application/rdf+xml",
            ".jsonld": "application/ld+json",
            ".html": "text/html",
            "": "text/plain",
        }
        root = self.dist.resolve()
        target = (root / name).resolve()
        if not target.is_file() or root not in target.parents or target.suffix not in types:
            raise HttpError(
                "404 Not Found", f"no file {name} in the published data (run `tkg build`)"
            )
        return Response("200 OK", target.read_bytes(), f"{types[target.suffix]}; charset=utf-8")

    def close(self) -> None:
        self.pool.close()


# ---------------------------------------------------------------------- helpers


def _split_suffix(path: str) -> tuple[str, str]:
    for suffix in (*SUFFIXES, ".html"):
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix
    return path, ""


def _cut_note(node: URIRef, *views: neighbourhood.View) -> str:
    """A line saying the page does not show everything, with the query that does."""
    if not any(v.truncated for v in views):
        return ""
    query = f"SELECT ?s ?p ?o WHERE {{ {{ <{node}> ?p ?o }} UNION {{ ?s ?p <{node}> }} }}"
    href = "/editor#" + urllib.parse.urlencode({"query": query})
    return (
        f'<p class="src">This page shows the first {neighbourhood.MAX_OUTGOING:,} statements '
        f"about this entity and the first {neighbourhood.MAX_INCOMING:,} that refer to it; "
        f'<a href="{escape(href)}">query them all</a>.</p>'
    )


def _suffix_for(media: str) -> str:
    return ".html" if media == "text/html" else RDF_TYPES[media][1]


def _serialize(graph: Graph, media: str, context: dict[str, Any]) -> bytes:
    if media == "application/ld+json":
        return graph.serialize(format="json-ld", context=context["@context"], encoding="utf-8")
    return graph.serialize(format=RDF_TYPES[media][0], encoding="utf-8")


def _format_result(result: QueryResult, fmt: str, context: dict[str, Any]) -> Response:
    if result.kind == "graph":
        assert result.graph is not None
        return Response(
            "200 OK",
            _serialize(bind_prefixes(result.graph), "text/turtle", context),
            "text/turtle; charset=utf-8",
        )
    if fmt not in SELECT_FORMATS:
        raise HttpError(
            "400 Bad Request", f"unknown format {fmt}; use one of {', '.join(SELECT_FORMATS)}"
        )
    return Response("200 OK", render(result, fmt).encode(), f"{MEDIA_TYPES[fmt]}; charset=utf-8")


def _strip_literals(query: str) -> str:
    """The query without strings, IRIs and comments, so keywords inside them do not count."""
    query = re.sub(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
        '""',
        query,
    )
    query = re.sub(r"<[^<>\s]*>", "<>", query)
    return re.sub(r"#[^\n]*", "", query)


def _origin(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(
    kg: KnowledgeGraph,
    *,
    dist_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits = DEFAULT_LIMITS,
    quiet: bool = True,
    ready: threading.Event | None = None,
    store_dir: Path | None = None,
) -> None:
    """Serve until interrupted (from ``store_dir``, an on-disk store, when given)."""
    app = LinkedDataApp(kg, limits=limits, dist_dir=dist_dir, store_dir=store_dir)
    server = make_server(
        host,
        port,
        app,
        server_class=ThreadingServer,
        handler_class=_QuietHandler if quiet else WSGIRequestHandler,
    )
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()


__all__ = ["ONTOLOGY_GRAPH", "LinkedDataApp", "Path", "json", "serve"]
