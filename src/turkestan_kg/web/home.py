"""The home page (dataset description, charts, entities by type, stored queries as forms)
and the stored queries run from those forms.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable, Iterable, Sequence

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response

from ..errors import QueryError, SourceNotFound
from ..formats import RESULTS_FORMATS, RdfFormat, ResultsFormat, graph_formats, w3c_results_formats
from ..namespaces import BASE, DCTERMS, FOAF, QB, RDF, RDFS, TKG, bind_prefixes
from ..sparql.catalogue import PAGE_SIZE, StoredQuery, get_query, stored_queries
from ..sparql.results import QueryResult
from ..sparql.results import render as render_result
from ..values import Json, JsonObject
from . import charts
from .http import Endpoint, HttpError, Rendered, computed
from .i18n import N_
from .pages import Labeller, Value, heading, link, render, result_rows, trusted
from .site import Site
from .views import serialize_graph

LOG = logging.getLogger("turkestan_kg")

DATASET = URIRef(BASE + "dataset/turkestan-kg")
ENTITY_GROUPS = {  # heading (translated where shown): class, in the order the home page lists them
    N_("Parties"): TKG.PoliticalParty,
    N_("Party bodies"): TKG.PartyBody,
    N_("People"): FOAF.Person,
    N_("Tenures"): TKG.Tenure,
    N_("Events"): TKG.Event,
    N_("States"): TKG.State,
    N_("Places"): TKG.Place,
    N_("Statistics"): QB.DataSet,
}


def draw_charts(site: Site) -> dict[str, str]:
    """The three charts of the home page, as SVG; a chart the served data cannot draw (an
    empty store, or one whose answers lack what the chart needs) is left out with a warning
    naming the stored query, so the server still starts."""
    return {name: _chart(site, name, draw, query) for name, (draw, query) in CHARTS.items()}


def _chart(site: Site, name: str, draw: Callable[[Site], str], query: str) -> str:
    try:
        return draw(site)
    except SourceNotFound as err:  # an endpoint whose default graph is empty
        LOG.warning("the served data gives no %s chart: %s", name, err)
        return NO_DATA
    except (KeyError, ValueError) as err:  # no rows, or rows without a variable
        LOG.warning(
            "the served data gives no %s chart: the stored query %s answers %s",
            name,
            query,
            f"without ?{err.args[0]}" if isinstance(err, KeyError) else "no rows",
        )
        return NO_DATA


def home_page(site: Site) -> Endpoint:
    """The home page, labelled in the request's languages."""

    async def answer(request: Request) -> Response:
        languages = site.languages(request)
        return await computed(lambda: _home(site, languages))

    return answer


def _home(site: Site, languages: list[str]) -> Rendered:
    labeller = site.labeller(languages)
    page = render(
        "home.html",
        title=labeller.label(DATASET),
        languages=languages,
        here="/",
        description=str(site.data.value(DATASET, DCTERMS.description) or ""),
        rights=str(site.data.value(DATASET, DCTERMS.rights) or ""),
        charts={name: trusted(svg) for name, svg in site.charts.items()},
        groups=entity_groups(site, labeller),
        queries=query_forms(site.query_names),
    )
    return Rendered(page.encode(), headers=(("Vary", "Accept-Language"),))


def composition_svg(site: Site) -> str:
    """The 1922 composition as bars."""
    rows = site.dataset.query("composition-1922", expect="result").rows
    return charts.composition_chart(
        [(str(r["categoryLabel"]), int(str(r["count"])), str(r["printedPercentage"])) for r in rows]
    )


NO_DATA = "<p>(the served data has nothing to draw here)</p>"


def timeline_svg(site: Site) -> str:
    """Every leader's tenure on one time axis."""
    rows = site.tenures
    return charts.timeline_chart(
        [(n, s, e) for n, s, e, _, _ in rows],
        first=min(r[1] for r in rows),
        last=max(r[2] for r in rows),
    )


def hierarchy_svg(site: Site) -> str:
    """The party's bodies and their parents."""
    rows = site.dataset.query("hierarchy", expect="result").rows
    return charts.hierarchy_chart(
        [(str(r["bodyLabel"]), str(r["parentLabel"]), int(str(r["depth"]))) for r in rows]
    )


CHARTS: dict[str, tuple[Callable[[Site], str], str]] = {
    "composition": (composition_svg, "composition-1922"),
    "leaders": (timeline_svg, "tenures"),
    "hierarchy": (hierarchy_svg, "hierarchy"),
}
"""Each chart of the home page: how it is drawn, and the stored query it is drawn from."""


def entity_groups(site: Site, labeller: Labeller) -> list[tuple[str, list[Value]]]:
    """One list of links per kind of entity (subclasses included)."""
    out = []
    for title, cls in ENTITY_GROUPS.items():
        members = {s for s in site.data.subjects(RDF.type, cls) if isinstance(s, URIRef)}
        members |= {
            s
            for sub in site.data.subjects(RDFS.subClassOf, cls)
            for s in site.data.subjects(RDF.type, sub)
            if isinstance(s, URIRef)
        }
        ordered = sorted(members, key=lambda s: labeller.label(s))
        out.append((title, [link(s, labeller) for s in ordered]))
    return out


def query_forms(names: Iterable[str]) -> list[dict[str, Json]]:
    """Every stored query of ``names`` as a form: its name, summary and parameters (IRI
    inputs wide)."""
    wanted = set(names)
    return [
        {
            "name": name,
            "summary": q.summary,
            "params": [
                {"name": p.name, "default": p.default or "", "wide": p.type == "iri"}
                for p in q.params
            ],
        }
        for name, q in stored_queries().items()
        if name in wanted
    ]


def stored_query(site: Site) -> Endpoint:
    """A stored query run with the request's parameters: a page, or ``?format=`` a download."""

    async def answer(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in site.query_names:  # by catalogue name only: never a path
            raise HttpError(404, "no stored query by that name; the home page lists them")
        params = dict(request.query_params)
        fmt = params.pop("format", None)
        lang = params.pop("lang", None)
        languages = site.languages(request) if lang is None else [lang, "en"]
        return await computed(lambda: _stored(site, name, params, fmt, languages))

    return answer


def _stored(
    site: Site, name: str, params: dict[str, str], fmt: str | None, languages: list[str]
) -> Rendered:
    query, page = _paged(get_query(name), params, bool(fmt))
    result = _run(site, query, params)
    if page is not None:
        params["page"] = str(page)
    if fmt:
        return format_result(result, fmt, site.context)
    html = render(
        "query.html",
        title=query.summary,
        languages=languages,
        here=f"/queries/{name}?{urllib.parse.urlencode(params)}",
        description=query.description,
        asked=sorted(params.items()),
        downloads=download_links(name, params, result.kind),
        result=result,
        turtle=result.graph.serialize(format="turtle") if result.graph is not None else "",
        headers=[heading(v) for v in result.variables],
        rows=result_rows(result, site.labeller(languages)) if result.kind == "select" else [],
        pages=_pages(name, params, page, len(result.rows) == (query.page_size or PAGE_SIZE)),
    )
    return Rendered(html.encode())


def _paged(
    query: StoredQuery, params: dict[str, str], download: bool
) -> tuple[StoredQuery, int | None]:
    """The query cut to the page asked for (a growing answer's first page by default, unless
    it is downloaded whole), and the page's number."""
    page = _page_number(params.pop("page", None))
    if page is None and query.page_size and not download:
        page = 1
    try:
        return (query.page(page) if page is not None else query), page
    except QueryError as err:
        raise HttpError(400, err.message) from None


def _run(site: Site, query: StoredQuery, params: dict[str, str]) -> QueryResult:
    """The stored query's answer on the served dataset; a bad parameter is a 400."""
    try:
        query.bindings(params)  # every name checked before any is passed on
        return site.dataset.query(query, expect="result", **params)
    except QueryError as err:
        raise HttpError(400, err.message) from None


def _page_number(given: str | None) -> int | None:
    if given is None:
        return None
    if not (given.isascii() and given.isdigit()) or int(given) < 1:  # "²" is a digit too
        raise HttpError(400, "page must be a whole number from 1")
    return int(given)


def _pages(
    name: str, params: dict[str, str], page: int | None, full: bool
) -> list[tuple[str, str, str]]:
    """(label, rel, href) of the previous and next pages of a paged answer (a full page may
    have a next)."""
    if page is None:
        return []
    links = []
    for label, rel, number in (
        (N_("previous page"), "prev", page - 1),
        (N_("next page"), "next", page + 1),
    ):
        if number >= 1 and (number < page or full):
            qs = urllib.parse.urlencode({**params, "page": str(number)})
            links.append((label, rel, f"/queries/{name}?{qs}"))
    return links


def download_formats(kind: str) -> Sequence[RdfFormat | ResultsFormat]:
    """The formats a stored query's answer can be downloaded in: the registry's one-graph
    formats for a graph, its W3C results formats for SELECT and ASK."""
    return graph_formats() if kind == "graph" else w3c_results_formats()


def download_links(name: str, params: dict[str, str], kind: str) -> list[tuple[str, str]]:
    """(format name, URL) of each download of a stored query's answer."""
    return [
        (f.name, f"/queries/{name}?{urllib.parse.urlencode({**params, 'format': f.name})}")
        for f in download_formats(kind)
    ]


def format_result(result: QueryResult, fmt: str, context: JsonObject) -> Rendered:
    """A download of a stored query's answer in the format named ``fmt``: any of the
    registry's results formats for SELECT and ASK, a one-graph RDF format for a graph."""
    if result.kind == "graph":
        assert result.graph is not None
        graph_format = {f.name: f for f in graph_formats()}.get(fmt)
        if graph_format is None:
            raise HttpError(400, f"unknown format {fmt}; use one of {_names(graph_formats())}")
        media = graph_format.media_type
        return Rendered(serialize_graph(bind_prefixes(result.graph), media, context), media)
    if fmt not in RESULTS_FORMATS:
        raise HttpError(400, f"unknown format {fmt}; use one of {_names(RESULTS_FORMATS.values())}")
    return Rendered(render_result(result, fmt).encode(), RESULTS_FORMATS[fmt].media_type)


def _names(formats: Iterable[RdfFormat | ResultsFormat]) -> str:
    return ", ".join(f.name for f in formats)
